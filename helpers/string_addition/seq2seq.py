"""Chapter 3: the sequence-to-sequence LSTM that adds numbers written as strings.

This reproduces the Keras example "Sequence to sequence learning for performing number
addition" (Smerity and others; see ``book/references.md``): a question such as ``"535+61"``
is padded with spaces to ``DIGITS + 1 + DIGITS`` characters, optionally reversed, one-hot
encoded over the 12 characters ``0-9``, ``+`` and space, and read by an LSTM encoder. Its
last state is repeated ``DIGITS + 1`` times and decoded by a second LSTM into one character
per step: the answer ``"596 "``, padded to ``DIGITS + 1``.

Two named configurations of the *same* network:

* ``ORIGINAL``: the example's settings (batch 32, Adam with Keras' defaults: learning rate
  0.001, ``beta_2`` 0.999; no clipping, one batch per compiled call, 30 epochs).
* the book's settings, the defaults of ``train_adder`` (``Seq2SeqSettings``): batches of
  60 (45,000 training questions make 750 full batches), Nadam (Adam with Nesterov
  momentum, ``beta_2`` 0.99, gradient clipping) at a learning rate that warms up to 0.014
  over half an epoch and holds there until a held-out check first finds 30% of the answers
  right, then falls along a straight line that would reach zero after 1.5 epochs, stops on
  that line at 5% of the peak (0.0007, below the example's 0.001) and stays there for half
  an epoch, where training ends (``schedule="adaptive"``, ``learning_rate_at``); the
  training step of
  ``fused_step`` (the same maths as Keras' layers, with the decoder's repeated input
  projected once and the short loops unrolled); 30 batches per compiled call
  (``steps_per_execution``: the same arithmetic with fewer round trips through Python);
  the held-out exact-match checked 4 times per epoch, and
  after every compiled call once it reaches 97%, stopping early only if asked to at a
  target (``target_exact``; the benchmark's is 99%). The held-out loss and accuracies come
  from that same pass, so Keras runs no validation pass of its own. XLA compilation
  (``jit_compile=True``) is available but off: on the 2-core machine it cost more to
  compile than it saved.

Measured (seeds 0-3, ``train_adder(3, seed=...)``): the network spends 1.5-2.5 epochs on a
plateau where it gets few answers right, then within about an epoch nearly all of them.
A fixed schedule has to keep the rate high long enough for the slowest seed to leave the
plateau; starting the decay when the held-out exact-match shows the jump has begun saves
most of an epoch. With the fused step, a batch of 60 costs about as much CPU time per
question as one of 120, and its twice as many steps per epoch leave the plateau sooner
(about 3.3 epochs to 99% against 3.8 at batch 120, seeds 0-3); batches of 250-500 cost
little less per question and need many more epochs. Unrolling through Keras
(``unroll=True``), XLA and bfloat16 were no faster here. A new order of the questions every
epoch (``reshuffle=True``) reached 99% about 0.2 epoch later than ``fit``'s one order (seeds
0-3: 3.60, 3.56, 3.48 and 3.72 epochs against 3.36, 3.24, 3.52 and 3.44). The floor at the end is what takes
the held-out exact-match past 99.6%: a decay all the way to zero ended at 99.52%, 99.78%,
99.52% and 99.72% (seeds 0-3, 3.5-3.8 epochs); half an epoch at 5% of the peak ends at
99.64%, 99.82%, 99.70% and 99.82% (4.0-4.2 epochs) and reaches 99% at the same check, since
the line is the same until then. A longer line instead (2 epochs to zero) also ends above
99.7% but reaches 99% about 0.3 epoch later.

``EXAMPLE_SIZES`` holds the example's numbers of questions for 2 to 5 digits.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import numpy as np

from helpers.batches import shuffled_batches
from helpers.checks import check_bool, check_choice, check_float, check_int
from helpers.display import ProgressBlock

#: The 12 characters the network reads and writes; index = position in this string.
CHARS = "0123456789+ "
CHAR_INDEX = {char: index for index, char in enumerate(CHARS)}
#: Largest operand length the chapter supports (the example went up to 5).
MAX_DIGITS = 9
#: Numbers of questions the Keras example used for 2, 3, 4 and 5 digits.
EXAMPLE_SIZES = {2: 5_000, 3: 50_000, 4: 400_000, 5: 550_000}
#: What the example's docstring reports (per-character accuracy, reversed input).
EXAMPLE_REPORTED = {
    2: "99% train/test accuracy in 55 epochs (5k questions)",
    3: "99% train/test accuracy in 100 epochs (50k questions)",
    4: "99% train/test accuracy in 20 epochs (400k questions)",
    5: "99% train/test accuracy in 30 epochs (550k questions)",
}
_QUESTION = re.compile(r"^(\d+)\+(\d+)$")


# --------------------------------------------------------------------------- data


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
    seen: set[tuple[int, int]] = set()
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
    # Shuffle, as the example does: questions drawn late are biased toward the rarer pairs
    # (the common ones were already seen), and the last 10% become the held-out set.
    pairs = [pairs[i] for i in rng.permutation(len(pairs))]
    questions = [f"{a}+{b}" for a, b in pairs]
    answers = [str(a + b) for a, b in pairs]
    return Questions(
        questions,
        answers,
        encode_questions(questions, digits, reverse),
        _one_hot([answer.ljust(digits + 1) for answer in answers]),
        digits,
        reverse,
    )


def fresh_questions(seen: Questions, n: int, seed: int = 1) -> tuple[list[str], list[str]]:
    """Questions drawn as ``make_questions`` draws them but none of which (in either order)
    is in ``seen``, and their answers: for checking a trained adder on questions it never met.

    Drawn from ``n`` candidates, so fewer than ``n`` come back (the common short questions
    are all in ``seen``, which leaves the fresh ones harder than the held-out ones).
    """
    known = {tuple(sorted(map(int, question.split("+")))) for question in seen.questions}
    pool = make_questions(check_int("n", n, 1), seen.digits, seen.reverse, seed)
    keep = [i for i, question in enumerate(pool.questions) if tuple(sorted(map(int, question.split("+")))) not in known]
    return [pool.questions[i] for i in keep], [pool.answers[i] for i in keep]


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
    match = _QUESTION.match(text)
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


# --------------------------------------------------------------------------- model


def build_adder(digits: int, hidden_units: int = 128) -> Any:
    """The example's network for operands of up to ``digits`` digits.

    ``LSTM(hidden_units)`` encoder -> ``RepeatVector(digits + 1)`` ->
    ``LSTM(hidden_units, return_sequences=True)`` -> ``Dense(12, softmax)`` at each step.
    """
    import keras

    digits = check_int("digits", digits, 1, MAX_DIGITS)
    hidden_units = check_int("hidden_units", hidden_units, 1)
    return keras.Sequential(
        [
            keras.Input(shape=(question_length(digits), len(CHARS)), name="question"),
            keras.layers.LSTM(hidden_units, name="encoder"),
            keras.layers.RepeatVector(answer_length(digits), name="repeat"),
            keras.layers.LSTM(hidden_units, return_sequences=True, name="decoder"),
            keras.layers.Dense(len(CHARS), activation="softmax", name="character"),
        ],
        name=f"seq2seq_adder_{digits}",
    )


def add(model: Any, questions: list[str], digits: int, reverse: bool = True) -> list[str]:
    """The model's answers to ``questions``, e.g. ``add(model, ["535+61"], 3) == ["596"]``.

    ``digits`` and ``reverse`` must be those the model was trained with.
    """
    return [answer for answer, _ in add_with_confidence(model, questions, digits, reverse)]


def add_with_confidence(
    model: Any, questions: list[str], digits: int, reverse: bool = True
) -> list[tuple[str, list[float]]]:
    """Like ``add`` but each answer comes with the probability of each character written
    (padding spaces included, so a confident blank counts too)."""
    x = encode_questions(questions, digits, reverse)
    if tuple(model.input_shape[1:]) != x.shape[1:]:
        raise ValueError(
            f"digits={digits} does not match the model, which reads questions of shape {tuple(model.input_shape[1:])}"
        )
    probabilities = predict(model, x)
    answers = decode(probabilities)
    confidence = probabilities.max(axis=-1)
    return [(answer, [float(p) for p in row]) for answer, row in zip(answers, confidence, strict=False)]


def predict(model: Any, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """Output probabilities ``(n, digits + 1, 12)`` for one-hot questions ``x``."""
    outputs = [
        np.asarray(model(x[start : start + batch_size], training=False)) for start in range(0, len(x), batch_size)
    ]
    return np.concatenate(outputs)


def exact_match(model: Any, data: Questions) -> float:
    """Fraction of questions whose whole answer is right (every character, padding included)."""
    guesses = predict(model, data.x).argmax(axis=-1)
    return float(np.mean(np.all(guesses == data.y.argmax(axis=-1), axis=1)))


def character_accuracy(model: Any, data: Questions) -> float:
    """Fraction of answer characters that are right: what Keras calls ``accuracy`` here."""
    guesses = predict(model, data.x).argmax(axis=-1)
    return float(np.mean(guesses == data.y.argmax(axis=-1)))


# --------------------------------------------------------------------------- training


@dataclass(frozen=True)
class Seq2SeqSettings:
    """Every knob of ``train_adder``; the defaults are the book's fast configuration.

    ``ORIGINAL`` below holds the Keras example's values.
    """

    n_questions: int | None = None  # None: the example's size for these digits (EXAMPLE_SIZES)
    operand_digits: int | None = None  # train on operands of at most this many digits (None: digits)
    validation_split: float = 0.1  # the last 10% are held out, as in the example
    reverse: bool = True
    hidden_units: int = 128
    batch_size: int = 60  # 45,000 training questions = 750 full batches: no ragged last one
    optimizer: str = "nadam"  # "adam" or "nadam" (Adam with Nesterov momentum), see OPTIMIZERS
    learning_rate: float = 0.014  # peak learning rate
    beta_1: float = 0.9  # first-moment (momentum) decay (Keras' default: 0.9)
    beta_2: float = 0.99  # second-moment decay (Keras' default: 0.999)
    schedule: str = "adaptive"  # "adaptive", "trapezoid", "cosine" or "constant" (see learning_rate_at)
    warmup_epochs: float = 0.5  # linear warm-up (all schedules but constant)
    decay_fraction: float = 0.4  # trapezoid: linear decay to 0 over this last share of the steps
    decay_trigger: float = 0.3  # adaptive: the decay starts at the first check with this exact-match
    decay_epochs: float = 1.5  # adaptive: epochs the straight line from the peak to 0 spans
    decay_floor: float = 0.05  # adaptive: the line stops at this share of the peak (0: at 0) ...
    floor_epochs: float = 0.5  # ... which is held this many epochs, then training ends
    clipnorm: float | None = 1.0  # gradient clipping, None for none
    reshuffle: bool = False  # a new order every epoch; False: fit's order, one for all epochs (helpers.batches)
    epochs: int = 5  # the most epochs (the schedule spans them)
    target_exact: float | None = None  # stop once held-out exact-match reaches it (None: at the schedule's end)
    checks_per_epoch: int = 4  # held-out exact-match checks per epoch (the stop is tested at each)
    close_checks_from: float | None = 0.97  # from this exact-match on, check after every compiled call
    jit_compile: bool = False  # XLA (slower on 2 CPU cores: compiling costs more than it saves)
    fused_step: bool = True  # train through fused_step.adder_logits: same maths, cheaper (see that module)
    steps_per_execution: int = 30  # batches per compiled call: fewer Python round trips, same math
    show: int = 6  # held-out questions shown after each epoch (as fit in 80 characters)
    verbose: int = 2  # 0 silent, 1 one line per epoch, 2 plus example answers
    max_seconds: float | None = None  # stop after this much training time (None: no limit)
    stop_epoch: int | None = None  # stop after this epoch; the schedule still spans `epochs`

    def checked(self, digits: int) -> Seq2SeqSettings:
        drawn = digits
        if self.operand_digits is not None:
            drawn = check_int("operand_digits", self.operand_digits, 1, digits)
        if self.n_questions is not None:
            check_int("n_questions", self.n_questions, 20, distinct_pairs(drawn))
        check_float("validation_split", self.validation_split, 0.0, 0.5, inclusive_minimum=False)
        check_bool("reverse", self.reverse)
        check_bool("reshuffle", self.reshuffle)
        check_int("hidden_units", self.hidden_units, 1)
        check_int("batch_size", self.batch_size, 1)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_float("learning_rate", self.learning_rate, 0.0, inclusive_minimum=False)
        check_float("beta_1", self.beta_1, 0.0, 0.9999)
        check_float("beta_2", self.beta_2, 0.0, 0.9999, inclusive_minimum=False)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_float("warmup_epochs", self.warmup_epochs, 0.0)
        check_float("decay_fraction", self.decay_fraction, 0.0, 1.0, inclusive_minimum=False)
        check_float("decay_trigger", self.decay_trigger, 0.0, 1.0)
        check_float("decay_epochs", self.decay_epochs, 0.0, inclusive_minimum=False)
        check_float("decay_floor", self.decay_floor, 0.0, 0.99)
        check_float("floor_epochs", self.floor_epochs, 0.0)
        if self.clipnorm is not None:
            check_float("clipnorm", self.clipnorm, 0.0, inclusive_minimum=False)
        check_int("epochs", self.epochs, 1)
        if self.target_exact is not None:
            check_float("target_exact", self.target_exact, 0.0, 1.0, inclusive_minimum=False)
        check_int("checks_per_epoch", self.checks_per_epoch, 1, 100)
        if self.close_checks_from is not None:
            check_float("close_checks_from", self.close_checks_from, 0.0, 1.0)
        check_bool("jit_compile", self.jit_compile)
        check_bool("fused_step", self.fused_step)
        check_int("steps_per_execution", self.steps_per_execution, 1)
        check_int("show", self.show, 0)
        check_choice("verbose", self.verbose, (0, 1, 2))
        if self.max_seconds is not None:
            check_float("max_seconds", self.max_seconds, 0.0, inclusive_minimum=False)
        if self.stop_epoch is not None:
            check_int("stop_epoch", self.stop_epoch, 1, self.epochs)
        return self


SCHEDULES = ("adaptive", "trapezoid", "cosine", "constant")
#: Optimizers ``train_adder`` can use (Keras classes, same arguments).
OPTIMIZERS = ("adam", "nadam")

#: The Keras example's settings, to pass as ``train_adder(3, **ORIGINAL)``: batch 32, Adam
#: with Keras' defaults, 30 epochs, held-out accuracy looked at once per epoch, and a new
#: order of the questions every epoch: the example sets no seed, so ``fit`` reshuffles (a
#: seeded ``fit`` repeats one order, see ``helpers.batches``; both reached 99% at epoch 17,
#: seed 0).
ORIGINAL = {
    "reshuffle": True,
    "batch_size": 32,
    "optimizer": "adam",
    "learning_rate": 0.001,
    "beta_1": 0.9,
    "beta_2": 0.999,
    "schedule": "constant",
    "clipnorm": None,
    "epochs": 30,
    "target_exact": None,
    "checks_per_epoch": 1,
    "close_checks_from": None,
    "jit_compile": False,
    "fused_step": False,
    "steps_per_execution": 1,
}


def learning_rate_at(
    step: int,
    total_steps: int,
    warmup_steps: int,
    peak: float,
    schedule: str = "trapezoid",
    decay_fraction: float = 0.4,
    decay_start: int | None = None,
    decay_steps: int | None = None,
    floor: float = 0.0,
    floor_steps: int = 0,
) -> float:
    """The optimizer's learning rate at step ``step`` (0-based) of ``total_steps``.

    * ``"constant"``: ``peak`` throughout (the example).
    * ``"cosine"``: a linear warm-up over ``warmup_steps``, then a cosine down to 0 at the end.
    * ``"trapezoid"``: the same warm-up, ``peak`` held, then a straight line down to 0 over
      the last ``decay_fraction`` of the steps. Holding the rate high lets the network get
      past the plateau where it answers only some questions; decaying late settles it.
    * ``"adaptive"``: the same warm-up, ``peak`` held until step ``decay_start`` (``None``:
      not yet known), then a straight line that would reach 0 after ``decay_steps``; it
      stops at ``floor`` times the peak, which is held for ``floor_steps``, then 0. ``train_adder``
      starts the decay when the held-out exact-match first reaches ``decay_trigger``, or
      at the latest ``adaptive_span(...)`` steps before ``total_steps``: the network leaves the plateau
      after a number of steps that varies with the seed, and a decay that begins before
      that stalls it, one that begins long after wastes epochs.
    """
    if schedule == "constant":
        return peak
    if warmup_steps and step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    if schedule == "adaptive":
        decay_steps = max(1, decay_steps or 1)
        span = adaptive_span(decay_steps, floor, floor_steps)
        start = adaptive_start(total_steps, span, decay_start)
        if step >= start + span:
            return 0.0
        return peak * min(1.0, max(floor, 1.0 - (step - start) / decay_steps))
    if schedule == "cosine":
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return peak * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
    decay_steps = max(1, int(round(decay_fraction * total_steps)))
    return peak * min(1.0, max(0.0, (total_steps - step) / decay_steps))


def adaptive_span(decay_steps: int, floor: float = 0.0, floor_steps: int = 0) -> int:
    """Steps from the start of the adaptive decay to the end of training: the straight line
    down to ``floor`` (a share of the peak), then ``floor_steps`` at that floor."""
    return int(round(decay_steps * (1.0 - floor))) + floor_steps


def adaptive_start(total_steps: int, span: int, decay_start: int | None) -> int:
    """The step the adaptive decay starts at: ``decay_start`` (the trigger's check), but at
    the latest ``span`` steps before the end, so that the decay always finishes."""
    latest = total_steps - span
    return latest if decay_start is None else min(decay_start, latest)


def split(data: Questions, validation_split: float) -> tuple[Questions, Questions]:
    """The first part trains, the last ``validation_split`` is held out (as in the example)."""
    n_train = len(data) - int(len(data) * validation_split)
    return data.subset(slice(0, n_train)), data.subset(slice(n_train, None))


def train_adder(digits: int = 3, seed: int = 0, **settings: Any) -> tuple[Any, Any]:
    """Train the example's network on ``digits``-digit addition with the book's fast settings.

    Any field of ``Seq2SeqSettings`` can be overridden; ``train_adder(3, **ORIGINAL)``
    trains exactly as the Keras example does.

    Returns:
        ``(model, history)``: the trained Keras model and its ``keras.callbacks.History``.
        ``history.history`` holds per epoch (the last one possibly partial, if training
        stopped inside it) ``loss`` and ``accuracy`` (per character, training batches),
        ``val_loss``, ``val_accuracy`` (per character, held out), ``val_exact`` (whole
        answers right, held out), ``epoch`` (epochs trained so far, fractional for a partial
        last one), ``seconds`` (cumulative training time: compilation included, held-out
        evaluation excluded) and ``learning_rate``; ``checks`` lists every held-out check as
        ``(epoch, exact, seconds)``. ``history.params`` adds ``digits``, ``seed``,
        ``settings``, ``n_train`` and ``n_held_out``.
    """
    import keras

    digits = check_int("digits", digits, 1, MAX_DIGITS)
    seed = check_int("seed", seed, 0)
    known = {f.name for f in fields(Seq2SeqSettings)}
    unknown = set(settings) - known
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; allowed: {sorted(known)}")
    config = replace(Seq2SeqSettings(), **settings).checked(digits)
    n = config.n_questions if config.n_questions is not None else EXAMPLE_SIZES.get(digits, 50_000)
    n = check_int("n_questions", n, 20, distinct_pairs(config.operand_digits or digits))

    data = make_questions(n, digits, config.reverse, seed, config.operand_digits)
    train, held_out = split(data, config.validation_split)

    keras.utils.set_random_seed(seed)
    model = build_adder(digits, config.hidden_units)
    if config.fused_step:
        from helpers.string_addition.fused_step import use_fused_step

        use_fused_step(model)
    # The learning rate is a plain variable that the monitor sets before each compiled call
    # (every ``steps_per_execution`` batches), so a saved model needs no custom schedule class.
    optimizer_class = {"adam": keras.optimizers.Adam, "nadam": keras.optimizers.Nadam}[config.optimizer]
    optimizer = optimizer_class(
        learning_rate=config.learning_rate, beta_1=config.beta_1, beta_2=config.beta_2, clipnorm=config.clipnorm
    )
    model.compile(
        optimizer=optimizer,
        loss="categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=config.jit_compile,
        steps_per_execution=config.steps_per_execution,
    )

    monitor = ExactMatchMonitor(held_out, config, seed, math.ceil(len(train) / config.batch_size))
    # No ``validation_data``: the monitor's own pass over the held-out questions gives the
    # held-out loss and accuracies, so Keras does not run (and compile) a second one.
    # The batches fit would cut from the arrays, without tf.data's autotuning thread, whose
    # end now and then stalled an epoch's start for 2-4 s (see helpers.batches).
    history = model.fit(
        shuffled_batches((train.x, train.y), config.batch_size, reshuffle_seed=seed if config.reshuffle else None),
        epochs=config.epochs,
        callbacks=[monitor],
        verbose=0,
        shuffle=False,  # the batches come shuffled; Keras would only warn that it cannot
    )
    for key, values in monitor.extra.items():
        history.history[key] = values
    history.params.update(
        {"digits": digits, "seed": seed, "settings": asdict(config), "n_train": len(train), "n_held_out": len(held_out)}
    )
    return model, history


def _callback_base() -> type:
    import keras

    return keras.callbacks.Callback


class ExactMatchMonitor:
    """Keras callback: the learning-rate schedule, held-out exact-match ``checks_per_epoch``
    times per epoch, a compact report, and the early stop.

    Built through ``__new__`` so that the Keras base class is only imported when used.
    """

    def __new__(cls, held_out: Questions, config: Seq2SeqSettings, seed: int, steps_per_epoch: int):
        base = _callback_base()
        total_steps = config.epochs * steps_per_epoch
        warmup_steps = int(round(config.warmup_epochs * steps_per_epoch))
        decay_steps = max(1, int(round(config.decay_epochs * steps_per_epoch)))
        floor_steps = int(round(config.floor_epochs * steps_per_epoch)) if config.decay_floor > 0 else 0
        span = adaptive_span(decay_steps, config.decay_floor, floor_steps)
        # Check after the compiled call that crosses each 1/checks_per_epoch of an epoch.
        check_every = max(1, steps_per_epoch // config.checks_per_epoch)
        targets = held_out.y.argmax(axis=-1)

        class _Monitor(base):
            def __init__(self) -> None:
                super().__init__()
                self.extra: dict[str, list] = {
                    key: []
                    for key in ("val_loss", "val_accuracy", "val_exact", "epoch", "seconds", "learning_rate", "checks")
                }
                self._rng = np.random.default_rng([seed, 1])
                self._progress = ProgressBlock() if config.verbose else None
                self._started = 0.0
                self._evaluating = 0.0  # seconds spent on held-out checks, not counted as training
                self._next_check = check_every
                self._decay_start: int | None = None  # adaptive schedule: set by the first check at the trigger
                self._close = False  # True once the exact-match reached close_checks_from
                self._last: dict[str, Any] = {}

            def _step(self) -> int:
                return int(self.model.optimizer.iterations.numpy())

            def _seconds(self) -> float:
                return time.perf_counter() - self._started - self._evaluating

            def _check(self) -> bool:
                """Evaluate the held-out questions; True if training should stop."""
                seconds = self._seconds()
                began = time.perf_counter()
                probabilities = predict(self.model, held_out.x)
                guesses = probabilities.argmax(axis=-1)
                right = np.all(guesses == targets, axis=1)
                picked = np.take_along_axis(probabilities, targets[..., None], axis=-1)
                step = self._step()
                self._last = {
                    "val_exact": float(right.mean()),
                    "val_accuracy": float(np.mean(guesses == targets)),
                    # Keras' categorical cross-entropy: the mean over every (answer, step) pair.
                    "val_loss": float(-np.mean(np.log(np.clip(picked, 1e-7, 1.0)))),
                    "epoch": step / steps_per_epoch,
                    "seconds": seconds,
                    "probabilities": probabilities,
                    "right": right,
                }
                self.extra["checks"].append((round(step / steps_per_epoch, 4), self._last["val_exact"], seconds))
                if self._decay_start is None and self._last["val_exact"] >= config.decay_trigger:
                    self._decay_start = step
                if config.close_checks_from is not None and self._last["val_exact"] >= config.close_checks_from:
                    self._close = True
                self._evaluating += time.perf_counter() - began
                stop = config.target_exact is not None and self._last["val_exact"] >= config.target_exact
                if config.max_seconds is not None and seconds >= config.max_seconds:
                    stop = True
                return stop

            def on_train_begin(self, logs=None):
                self._started = time.perf_counter()

            def on_train_batch_begin(self, batch, logs=None):
                if config.schedule != "constant":
                    rate = learning_rate_at(
                        self._step(),
                        total_steps,
                        warmup_steps,
                        config.learning_rate,
                        config.schedule,
                        config.decay_fraction,
                        self._decay_start,
                        decay_steps,
                        config.decay_floor,
                        floor_steps,
                    )
                    self.model.optimizer.learning_rate = rate

            def _decayed(self, step: int) -> bool:
                """True once the adaptive schedule's rate reached zero: more steps change nothing."""
                if config.schedule != "adaptive":
                    return False
                return step >= adaptive_start(total_steps, span, self._decay_start) + span

            def on_train_batch_end(self, batch, logs=None):
                step = self._step()
                if step % steps_per_epoch == 0:
                    return  # epoch ends are checked in on_epoch_end; here only the checks inside an epoch
                scheduled = config.checks_per_epoch > 1 and step >= self._next_check
                if scheduled or self._close or self._decayed(step):
                    self._next_check = (step // check_every + 1) * check_every
                    if self._check() or self._decayed(step):
                        self.model.stop_training = True

            def on_epoch_end(self, epoch, logs=None):
                step = self._step()
                self._next_check = (step // check_every + 1) * check_every
                if self.model.stop_training:  # stopped inside the epoch: report that check
                    stop = True
                else:
                    stop = self._check()
                if config.stop_epoch is not None and epoch + 1 >= config.stop_epoch:
                    stop = True
                if self._decayed(step):
                    stop = True
                last = self._last
                for key in ("val_loss", "val_accuracy", "val_exact", "epoch", "seconds"):
                    self.extra[key].append(last[key])
                self.extra["learning_rate"].append(float(np.asarray(self.model.optimizer.learning_rate)))
                if self._progress is not None:
                    self._report(logs or {}, last)
                if stop:
                    self.model.stop_training = True

            def _report(self, logs: dict, last: dict) -> None:
                # Lines of at most about 80 characters: they fit the book's output boxes.
                self._progress.add(
                    f"epoch {last['epoch']:4.2f}/{config.epochs} {last['seconds']:6.1f} s  "
                    f"loss {logs.get('loss', float('nan')):.3f}  held out: "
                    f"{last['val_accuracy']:6.2%} chars, {last['val_exact']:6.2%} answers right"
                )
                if config.verbose == 2 and config.show:
                    picks = self._rng.choice(len(held_out), size=min(config.show, len(held_out)), replace=False)
                    texts = decode(last["probabilities"][picks])
                    line = "   "
                    for i, guess in zip(picks, texts, strict=False):
                        mark = "✓" if last["right"][i] else f"✗({held_out.answers[i]})"
                        shown = f" {held_out.questions[i]}={guess or '?'}{mark}"
                        if len(line) + len(shown) > 80:
                            break
                        line += shown
                    self._progress.add(line)

        return _Monitor()


def epochs_to(history: Any, target: float = 0.99) -> tuple[float | None, float | None]:
    """The first held-out check whose exact-match reached ``target``: the epochs trained by
    then (fractional if inside an epoch) and the training seconds it took; ``(None, None)``
    if no check did."""
    values = history.history
    checks = values.get("checks") or list(zip(values["epoch"], values["val_exact"], values["seconds"], strict=False))
    for epoch, exact, seconds in checks:
        if exact >= target:
            return epoch, seconds
    return None, None


# --------------------------------------------------------------------------- chapter tables


def questions_of_length(n: int, length: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``n`` random questions whose two operands both have exactly ``length`` digits, and their answers."""
    n = check_int("n", n, 1)
    length = check_int("length", length, 1, MAX_DIGITS)
    rng = np.random.default_rng([check_int("seed", seed, 0), length])
    low = 10 ** (length - 1) if length > 1 else 0
    a = rng.integers(low, 10**length, size=n)
    b = rng.integers(low, 10**length, size=n)
    pairs = list(zip(a.tolist(), b.tolist(), strict=True))
    return [f"{x}+{y}" for x, y in pairs], [str(x + y) for x, y in pairs]


def exact_by_length(
    model: Any, digits: int, lengths: list[int], n: int = 500, reverse: bool = True, seed: int = 0
) -> dict[int, float]:
    """Exact-match accuracy on questions whose operands have exactly each of ``lengths`` digits."""
    scores = {}
    for length in lengths:
        questions, answers = questions_of_length(n, length, seed)
        guesses = add(model, questions, digits, reverse)
        scores[int(length)] = float(np.mean([g == a for g, a in zip(guesses, answers, strict=False)]))
    return scores


#: The recipe of the table's runs of a fixed length (2, 4 and 5 digits in the "book" preset):
#: Adam at batch 120, 15 batches per call, the trapezoid schedule over all their epochs: the
#: recipe their figures in the chapter were measured with. The adaptive schedule was fitted
#: to the 3-digit run, which leaves its plateau well within its epochs; it was not tried on
#: the 4- and 5-digit runs, which get fewer epochs than they need.
FIXED_LENGTH_RECIPE: dict[str, Any] = {
    "optimizer": "adam",
    "batch_size": 120,
    "steps_per_execution": 15,
    "learning_rate": 0.02,
    "schedule": "trapezoid",
    "close_checks_from": None,
}

#: Named sets of runs for the results table, ``{digits: settings for train_adder}``.
#: "book": sizes that fit the chapter's budget (150 s in all); the 3-digit run is the
#: chapter's main run (the book's configuration), the others ``FIXED_LENGTH_RECIPE``.
#: "example_sizes": the fast configuration on the example's numbers of questions.
#: "original": the example's sizes *and* settings (batch 32, 30 epochs): hours on 2 cores.
TABLE_PRESETS: dict[str, dict[int, dict[str, Any]]] = {
    "book": {
        2: {**FIXED_LENGTH_RECIPE, "n_questions": 5_000, "batch_size": 100, "epochs": 25},
        3: {"n_questions": 50_000},
        4: {**FIXED_LENGTH_RECIPE, "n_questions": 90_000, "epochs": 4},
        5: {**FIXED_LENGTH_RECIPE, "n_questions": 90_000, "epochs": 3},
    },
    "example_sizes": {d: {"n_questions": n} for d, n in EXAMPLE_SIZES.items()},
    "original": {d: {"n_questions": n, **ORIGINAL} for d, n in EXAMPLE_SIZES.items()},
}


def table_row(history: Any) -> dict[str, Any]:
    """One row of the results table from a ``train_adder`` history."""
    reached, _ = epochs_to(history, 0.99)
    values = history.history
    return {
        "digits": history.params["digits"],
        "questions": history.params["n_train"] + history.params["n_held_out"],
        "batch": history.params["settings"]["batch_size"],
        "epochs": round(values["epoch"][-1], 2),
        "seconds": round(values["seconds"][-1], 1),
        "char_accuracy": values["val_accuracy"][-1],
        "exact_match": values["val_exact"][-1],
        "epoch_99_exact": reached,
    }


#: Worded headers for the results table's columns, in reading order.
TABLE_HEADERS = {
    "digits": "digits",
    "questions": "questions",
    "batch": "batch size",
    "epochs": "epochs",
    "seconds": "training seconds",
    "char_accuracy": "characters right",
    "exact_match": "answers right",
    "epoch_99_exact": "epochs to 99% of answers",
}


def readable_table(table: Any) -> Any:
    """``results_table``'s DataFrame for reading: worded headers, formatted numbers, no index
    (a pandas ``Styler``); the accuracies are on the held-out questions."""

    def epochs(value: Any) -> str:
        return "not reached" if value is None or value != value else f"{value:g}"

    shown = table[list(TABLE_HEADERS)].rename(columns=TABLE_HEADERS)
    return shown.style.format(
        {
            "questions": "{:,}",
            "epochs": epochs,
            "training seconds": "{:.0f}",
            "characters right": "{:.1%}",
            "answers right": "{:.1%}",
            "epochs to 99% of answers": epochs,
        }
    ).hide(axis="index")


def results_table(
    runs: dict[int, dict[str, Any]], seed: int = 0, done: dict[int, Any] | None = None, **common: Any
) -> tuple[Any, dict[int, Any]]:
    """Train one adder per entry of ``runs`` (``{digits: settings}``) and tabulate them.

    Args:
        runs: settings per number of digits, e.g. ``TABLE_PRESETS["book"]``.
        seed: the seed of every run.
        done: histories of runs already trained, by digits (not trained again).
        **common: settings added to every run (e.g. ``verbose=0``).

    Returns:
        A pandas DataFrame (one row per digits: questions, batch size, epochs, seconds,
        held-out per-character accuracy, held-out exact-match, first epoch at 99%
        exact-match) and the histories by digits.
    """
    import pandas as pd

    histories = dict(done or {})
    for digits, settings in runs.items():
        if digits not in histories:
            _, histories[digits] = train_adder(digits, seed=seed, **{**settings, **common})
    rows = [table_row(histories[digits]) for digits in sorted(histories)]
    return pd.DataFrame(rows), histories
