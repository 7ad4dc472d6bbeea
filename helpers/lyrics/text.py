"""Words, the vocabulary and training windows, with Keras' own text layers.

Tokenization follows the blog: lower-case, punctuation stripped except apostrophes ("can't"
stays one word), words otherwise untouched, and the line break is a word of its own. It is
written as four fixed steps so that the browser (``book/_static/lyrics_app.js``) can do
exactly the same with JavaScript regular expressions:

1. lower-case (Unicode);
2. typographic apostrophes (``’ ‘ ʼ ` ´``) become ``'``, ``\\r\\n`` and ``\\r`` become ``\\n``;
3. every run of characters that is not a letter, a digit, ``'`` or ``\\n`` becomes one space;
4. every ``\\n`` becomes the word ``¶`` (:data:`NEWLINE`), then split on whitespace.

A blank line between stanzas is therefore two ``¶`` words. ``¶`` itself can never come from
the text (step 3 removes it), so it is unambiguous. Words become integers with a
``keras.layers.StringLookup``: 0 is padding (the mask token ``""``), 1 the explicit
out-of-vocabulary token :data:`OOV`, then the vocabulary by falling frequency.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.checks import check_int

NEWLINE = "¶"
OOV = "[UNK]"
PAD = ""
#: The blog's cap on the vocabulary.
MAX_VOCABULARY = 20_000

APOSTROPHES = "’‘ʼ`´"
NOT_A_WORD_CHARACTER = r"[^\p{L}\p{N}'\n]+"  # RE2 (TensorFlow) and JavaScript (with the u flag) agree on it


def standardize(texts):
    """Steps 1-4 of the module docstring as TensorFlow string ops (a ``tf.Tensor`` of strings in and out)."""
    import tensorflow as tf

    texts = tf.strings.lower(texts, encoding="utf-8")
    texts = tf.strings.regex_replace(texts, f"[{APOSTROPHES}]", "'")
    texts = tf.strings.regex_replace(texts, "\r\n?", "\n")
    texts = tf.strings.regex_replace(texts, NOT_A_WORD_CHARACTER, " ")
    return tf.strings.regex_replace(texts, "\n", f" {NEWLINE} ")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Each text as its list of words (``¶`` for line breaks), with :func:`standardize` and a whitespace split."""
    import tensorflow as tf

    if isinstance(texts, str):
        raise ValueError("tokenize takes a list of texts; wrap a single text in a list")
    if not texts:
        return []
    words = tf.strings.split(standardize(tf.constant(list(texts), dtype=tf.string)))
    return [[w.decode("utf-8") for w in row] for row in words.to_list()]


@dataclass
class Vocabulary:
    """The words the network knows, and the window it reads.

    ``words[0]`` is the padding ``""``, ``words[1]`` the out-of-vocabulary token ``[UNK]``.
    """

    words: list[str]
    window: int

    def __post_init__(self):
        if self.words[:2] != [PAD, OOV]:
            raise ValueError(f"a vocabulary starts with the padding {PAD!r} and the OOV token {OOV!r}")
        self.index = {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def lookup_layer(self, invert: bool = False):
        """A ``keras.layers.StringLookup`` for these words (``invert=True``: ids to words)."""
        import keras

        return keras.layers.StringLookup(
            vocabulary=self.words[2:], mask_token=PAD, oov_token=OOV, num_oov_indices=1, invert=invert
        )

    def encode(self, texts: list[str]) -> list[np.ndarray]:
        """Each text as word ids, through Keras' ``StringLookup`` (unknown words are 1)."""
        import tensorflow as tf

        tokens = tokenize(texts)
        layer = self.lookup_layer()
        return [
            layer(tf.constant(row, dtype=tf.string)).numpy().astype(np.int32) if row else np.zeros(0, np.int32)
            for row in tokens
        ]

    def decode(self, ids) -> list[str]:
        """Words for ids (the padding as ``""``)."""
        return [self.words[int(i)] for i in ids]

    def to_json(self) -> str:
        """The vocabulary as JSON (the browser reads the same file)."""
        return json.dumps(
            {"words": self.words, "window": self.window, "newline": NEWLINE, "oov": OOV, "apostrophes": APOSTROPHES},
            ensure_ascii=False,
        )

    def save(self, path: Path | str) -> Path:
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path | str) -> Vocabulary:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(words=list(data["words"]), window=int(data["window"]))


def median_words_per_line(token_lists: list[list[str]]) -> float:
    """The median number of words in a non-empty line (``¶`` not counted)."""
    counts = []
    for tokens in token_lists:
        line = 0
        for token in tokens + [NEWLINE]:
            if token == NEWLINE:
                if line:
                    counts.append(line)
                line = 0
            else:
                line += 1
    if not counts:
        raise ValueError("no line with words: cannot choose a window")
    return float(np.median(counts))


def build_vocabulary(
    training_texts: list[str], max_words: int = MAX_VOCABULARY, min_count: int = 2, window: int | None = None
) -> Vocabulary:
    """The vocabulary of the training songs: words seen at least ``min_count`` times, at most ``max_words``.

    Rarer words become ``[UNK]`` in training too, so the network learns how likely an unknown
    word is (without that, every unknown held-out word would have probability zero). Ties in
    frequency are broken alphabetically, so the vocabulary is the same on every machine. The
    window is 2 x the median words per line (the blog's rule) unless given.
    """
    check_int("max_words", max_words, minimum=3)
    check_int("min_count", min_count, minimum=1)
    tokens = tokenize(training_texts)
    counts = Counter(word for row in tokens for word in row)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    words = [word for word, count in ranked if count >= min_count][: max_words - 2]
    if window is None:
        window = max(2, int(round(2 * median_words_per_line(tokens))))
    return Vocabulary(words=[PAD, OOV, *words], window=check_int("window", window, minimum=1))


def windows(encoded_songs: list[np.ndarray], window: int) -> tuple[np.ndarray, np.ndarray]:
    """One training example per word position: the up-to-``window`` words before it, left-padded with 0.

    Windows never cross from one song into the next; a song's first word is not a target
    (there is nothing to predict it from).
    """
    total = sum(max(0, len(ids) - 1) for ids in encoded_songs)
    inputs = np.zeros((total, window), np.int32)
    targets = np.zeros(total, np.int32)
    row = 0
    for ids in encoded_songs:
        padded = np.concatenate([np.zeros(window, np.int32), ids])
        for position in range(1, len(ids)):
            inputs[row] = padded[position : position + window]
            targets[row] = ids[position]
            row += 1
    return inputs, targets


def chunks(encoded_songs: list[np.ndarray], window: int, stride: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Language-model examples: ``window`` words of a song and, at every position, the word after it.

    Each song is left-padded with ``window - 1`` zeros (the padding generation uses for a
    short seed) and cut into pieces of ``window`` words starting every ``stride`` words
    (``stride == window``: pieces that do not overlap). Returns ``(inputs, targets, weights)``,
    each ``(pieces, window)``: ``targets`` is ``inputs`` shifted by one word, ``weights`` is 1
    where the target is a word to predict (not padding, not the song's first word, which no
    model is scored on) and 0 elsewhere. Every word after a song's first is a target in
    ``window / stride`` pieces (at least one), read after between 1 and ``window`` words of
    its song, the last position of a piece exactly as :func:`windows` presents it.
    """
    check_int("window", window, minimum=1)
    check_int("stride", stride, minimum=1, maximum=window)
    inputs, targets, weights = [], [], []
    for ids in encoded_songs:
        if len(ids) < 2:
            continue
        padded = np.concatenate([np.zeros(window - 1, np.int32), ids, np.zeros(window, np.int32)])
        scored = np.zeros(len(padded), np.float32)
        scored[window : window - 1 + len(ids)] = 1.0  # every word after the first
        # Pieces whose targets include at least one scored word: target positions start + 1 .. start + window.
        for start in range(0, window - 1 + len(ids) - 1, stride):
            if scored[start + 1 : start + window + 1].any():
                inputs.append(padded[start : start + window])
                targets.append(padded[start + 1 : start + window + 1])
                weights.append(scored[start + 1 : start + window + 1])
    if not inputs:
        empty = np.zeros((0, window), np.int32)
        return empty, empty, np.zeros((0, window), np.float32)
    return np.stack(inputs), np.stack(targets), np.stack(weights)


def detokenize(words: list[str]) -> str:
    """Words back to text: ``¶`` starts a new line, other words are joined with spaces."""
    lines, current = [], []
    for word in words:
        if word == NEWLINE:
            lines.append(" ".join(current))
            current = []
        elif word:
            current.append(word)
    lines.append(" ".join(current))
    return "\n".join(lines)
