"""The questions: drawing them as the Keras example does, encoding them, checking a reader's.

A question such as ``"535+61"`` is padded with spaces to ``DIGITS + 1 + DIGITS``
characters, optionally reversed, and one-hot encoded over the 12 characters ``0-9``, ``+``
and space; its answer ``"596"`` is padded to ``DIGITS + 1``. ``split`` cuts the example's
validation set off the end; ``test_questions`` draws questions that neither training nor
validation holds, for reporting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from helpers.checks import check_bool, check_int

#: The 12 characters the network reads and writes; index = position in this string.
CHARS = "0123456789+ "
CHAR_INDEX = {char: index for index, char in enumerate(CHARS)}
#: Largest operand length the chapter supports (the example went up to 5).
MAX_DIGITS = 9
#: Numbers of questions the Keras example used for 2, 3, 4 and 5 digits.
EXAMPLE_SIZES = {2: 5_000, 3: 50_000, 4: 400_000, 5: 550_000}
_QUESTION = re.compile(r"([0-9]+)\+([0-9]+)")


def question_length(digits: int) -> int:
    """Characters in a padded question: ``digits + 1 + digits`` (7 for 3 digits)."""
    return 2 * check_int("digits", digits, 1, MAX_DIGITS) + 1


def answer_length(digits: int) -> int:
    """Characters in a padded answer: ``digits + 1`` (4 for 3 digits)."""
    return check_int("digits", digits, 1, MAX_DIGITS) + 1


def distinct_pairs(digits: int) -> int:
    """How many questions exist when ``a+b`` and ``b+a`` count once: ``m (m + 1) / 2``, ``m = 10**digits``."""
    m = 10 ** check_int("digits", digits, 1, MAX_DIGITS)
    return m * (m + 1) // 2


@dataclass
class Questions:
    """Addition questions as text and as the one-hot arrays the network sees.

    Attributes:
        questions: e.g. ``"535+61"`` (unpadded, never reversed: what a reader types).
        answers: e.g. ``"596"`` (unpadded).
        x: float32 ``(n, 2 * digits + 1, 12)``, padded and, if ``reverse``, reversed.
        y: float32 ``(n, digits + 1, 12)``, the padded answers.
        digits: the largest operand length.
        reverse: whether the questions were reversed in ``x``.
    """

    questions: list[str]
    answers: list[str]
    x: np.ndarray
    y: np.ndarray
    digits: int
    reverse: bool

    def __len__(self) -> int:
        return len(self.questions)

    def subset(self, index: slice | np.ndarray) -> Questions:
        """The questions at ``index`` (a slice or an integer array)."""
        picks = np.arange(len(self))[index]
        return Questions(
            [self.questions[i] for i in picks],
            [self.answers[i] for i in picks],
            self.x[picks],
            self.y[picks],
            self.digits,
            self.reverse,
        )


def _random_operands(rng: np.random.Generator, count: int, digits: int) -> np.ndarray:
    """Numbers drawn as the example draws them: a length uniform in ``1..digits``, then
    that many uniform digits (so ``"007"`` gives 7 and short numbers are common)."""
    lengths = rng.integers(1, digits + 1, size=count)
    raw = rng.integers(0, 10, size=(count, digits))
    powers = 10 ** np.arange(digits, dtype=np.int64)
    keep = np.arange(digits)[None, :] < lengths[:, None]
    return (raw * powers[None, :] * keep).sum(axis=1)


def make_questions(
    n: int, digits: int, reverse: bool = True, seed: int = 0, operand_digits: int | None = None
) -> Questions:
    """Draw ``n`` distinct addition questions with operands of 1 to ``digits`` digits.

    As in the Keras example, each operand gets a random length then random digits, a
    question is kept only if neither ``a+b`` nor ``b+a`` was drawn before, and the
    questions are shuffled at the end.

    Args:
        n: number of questions; at most ``distinct_pairs(digits)``.
        digits: the largest operand length the encoding has room for (1 to ``MAX_DIGITS``).
        reverse: reverse the padded question string, as the example does by default.
        seed: fixes every question.
        operand_digits: draw operands of at most this many digits (default ``digits``),
            still padded for ``digits``: a model with room for long numbers that only
            ever saw short ones.
    """
    n = check_int("n", n, 1)
    digits = check_int("digits", digits, 1, MAX_DIGITS)
    reverse = check_bool("reverse", reverse)
    seed = check_int("seed", seed, 0)
    drawn = digits if operand_digits is None else check_int("operand_digits", operand_digits, 1, digits)
    if n > distinct_pairs(drawn):
        raise ValueError(
            f"n must be at most {distinct_pairs(drawn)} for operands of up to {drawn} digits "
            f"(that many distinct questions exist), got {n}"
        )
    rng = np.random.default_rng(seed)
    pairs = _draw_distinct(rng, n, drawn, set())
    # Shuffle, as the example does: questions drawn late are biased toward the rarer pairs
    # (the common ones were already seen), and the last 10% become the held-out set.
    pairs = [pairs[i] for i in rng.permutation(len(pairs))]
    return _questions_of_pairs(pairs, digits, reverse)


def _draw_distinct(rng: np.random.Generator, n: int, drawn: int, seen: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """``n`` questions ``(a, b)`` drawn the example's way, none (in either order) in ``seen``
    or drawn twice; ``seen`` gains them."""
    pairs: list[tuple[int, int]] = []
    while len(pairs) < n:
        draw = max(1024, 2 * (n - len(pairs)))
        a, b = _random_operands(rng, draw, drawn), _random_operands(rng, draw, drawn)
        for x, y in zip(a.tolist(), b.tolist(), strict=False):
            key = (x, y) if x <= y else (y, x)
            if key in seen:
                continue
            seen.add(key)
            pairs.append((x, y))
            if len(pairs) == n:
                break
    return pairs


def _questions_of_pairs(pairs: list[tuple[int, int]], digits: int, reverse: bool) -> Questions:
    questions = [f"{a}+{b}" for a, b in pairs]
    answers = [str(a + b) for a, b in pairs]
    if not pairs:
        empty = np.zeros((0, question_length(digits), len(CHARS)), np.float32)
        return Questions([], [], empty, np.zeros((0, answer_length(digits), len(CHARS)), np.float32), digits, reverse)
    return Questions(
        questions,
        answers,
        encode_questions(questions, digits, reverse),
        _one_hot([answer.ljust(digits + 1) for answer in answers]),
        digits,
        reverse,
    )


def _key(question: str) -> tuple[int, int]:
    a, b = sorted(map(int, question.split("+")))
    return a, b


def test_questions(seen: list[Questions], n: int, seed: int = 0, operand_digits: int | None = None) -> Questions:
    """``n`` test questions drawn as ``make_questions`` draws them, none of which (in either
    order) is in any of ``seen`` (the training and validation questions), encoded like them.

    Fewer come back when fewer such questions exist (5,000 two-digit questions leave 50).
    Since ``seen`` already holds nearly every short question, the test questions are mostly
    long ones: a slightly harder exam than the validation questions, which were drawn with
    the training ones.
    """
    n = check_int("n", n, 1)
    digits, reverse = seen[0].digits, seen[0].reverse
    drawn = digits if operand_digits is None else check_int("operand_digits", operand_digits, 1, digits)
    known = {_key(question) for part in seen for question in part.questions}
    n = min(n, distinct_pairs(drawn) - len(known))
    rng = np.random.default_rng([check_int("seed", seed, 0), 2])  # a stream training never draws from
    return _questions_of_pairs(_draw_distinct(rng, n, drawn, known), digits, reverse)


test_questions.__test__ = False  # a helper, not a test, for pytest


def _one_hot(padded: list[str]) -> np.ndarray:
    length = len(padded[0])
    codes = np.array([[CHAR_INDEX[c] for c in text] for text in padded], dtype=np.int64).reshape(-1, length)
    return np.eye(len(CHARS), dtype=np.float32)[codes]


def check_question(question: object, digits: int) -> tuple[int, int]:
    """Return the two operands of ``"a+b"`` or raise ``ValueError`` saying what is wrong.

    Allowed: two non-negative whole numbers of at most ``digits`` digits (leading zeros are
    ignored) joined by one ``+``, with optional spaces around them.
    """
    if not isinstance(question, str):
        raise ValueError(f"question must be a string such as '535+61', got {question!r} ({type(question).__name__})")
    text = question.replace(" ", "")
    match = _QUESTION.fullmatch(text)
    if match is None:
        if text == "":
            problem = "it is empty"
        elif text.count("+") != 1:
            problem = f"it has {text.count('+')} '+' signs (exactly one is allowed)"
        elif "-" in text:
            problem = "negative numbers are not allowed"
        else:
            bad = sorted(set(re.sub(r"[0-9+]", "", text)))
            problem = (
                f"it contains {''.join(bad)!r} (allowed: digits 0-9 and one '+')" if bad else "an operand is missing"
            )
        raise ValueError(f"question {question!r} is not of the form 'a+b' with non-negative whole numbers: {problem}")
    a, b = int(match.group(1)), int(match.group(2))
    for name, value in (("first", a), ("second", b)):
        if len(str(value)) > digits:
            raise ValueError(
                f"question {question!r}: the {name} operand has {len(str(value))} digits; "
                f"this model supports at most {digits}"
            )
    return a, b


def encode_questions(questions: list[str], digits: int, reverse: bool = True) -> np.ndarray:
    """One-hot encode questions such as ``"535+61"`` for a model trained on ``digits`` digits."""
    digits = check_int("digits", digits, 1, MAX_DIGITS)
    reverse = check_bool("reverse", reverse)
    if isinstance(questions, str) or not isinstance(questions, (list, tuple)) or not questions:
        raise ValueError(f"questions must be a non-empty list of strings such as ['535+61'], got {questions!r}")
    padded = []
    for question in questions:
        a, b = check_question(question, digits)
        text = f"{a}+{b}".ljust(question_length(digits))
        padded.append(text[::-1] if reverse else text)
    return _one_hot(padded)


def decode(probabilities: np.ndarray) -> list[str]:
    """Turn ``(n, steps, 12)`` outputs (or one-hot answers) into strings, padding stripped."""
    indices = np.asarray(probabilities).argmax(axis=-1)
    return ["".join(CHARS[i] for i in row).strip() for row in indices]


def split(data: Questions, validation_split: float) -> tuple[Questions, Questions]:
    """The first part trains, the last ``validation_split`` validates (as in the example)."""
    n_train = len(data) - int(len(data) * validation_split)
    return data.subset(slice(0, n_train)), data.subset(slice(n_train, None))


def questions_of_length(
    n: int, length: int, seed: int = 0, seen: list[Questions] | None = None
) -> tuple[list[str], list[str]]:
    """Up to ``n`` distinct random questions whose operands both have exactly ``length``
    digits, none of them (in either order) in ``seen``, and their answers.

    Fewer come back when fewer such questions are left: two 1-digit numbers make 55
    questions, and a training set of thousands holds them all.
    """
    n = check_int("n", n, 1)
    length = check_int("length", length, 1, MAX_DIGITS)
    rng = np.random.default_rng([check_int("seed", seed, 0), length])
    known = {_key(question) for part in seen or [] for question in part.questions}
    low, high = (10 ** (length - 1) if length > 1 else 0), 10**length
    if (high - low) ** 2 <= 40 * n:  # few enough to list: every unseen one, then a sample
        pool = [(a, b) for a in range(low, high) for b in range(a, high) if (a, b) not in known]
        picks = rng.permutation(len(pool))[:n]
        pairs = [pool[i] if rng.random() < 0.5 else pool[i][::-1] for i in picks]
    else:  # far more than n: draw, skipping seen ones and repeats
        pairs = []
        while len(pairs) < n:
            for x, y in zip(rng.integers(low, high, size=n).tolist(), rng.integers(low, high, size=n).tolist()):
                key = (x, y) if x <= y else (y, x)
                if key not in known and len(pairs) < n:
                    known.add(key)
                    pairs.append((x, y))
    return [f"{x}+{y}" for x, y in pairs], [str(x + y) for x, y in pairs]
