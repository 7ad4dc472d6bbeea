"""Writing lyrics: next-word probabilities, the blog's "randomness", and seeded sampling.

``randomness`` is a temperature: the network's probabilities ``p`` become
``exp(log(p) / randomness)``, renormalised in float64, and one word is drawn. ``0`` means
always the most likely word (argmax), ``1`` the network's own probabilities, above 1 flatter
than them. Tiny positive values behave like argmax without overflow (the log-probabilities
are shifted by their maximum before ``exp``, so the classic numpy ``sum(pvals) > 1`` error
cannot happen). The padding and the unknown-word token are never written.

The seed text is tokenized like the training songs; words the network does not know are
dropped (as in the blog), and only the last ``window`` words are read (a longer seed is
allowed: its last window is used).
"""

from __future__ import annotations

import numbers

import numpy as np

from helpers.checks import check_float, check_int
from helpers.lyrics.text import OOV, Vocabulary, detokenize, tokenize

#: More words than any song; a larger request is a mistake, not a song.
MAX_WORDS = 5_000
#: The highest randomness accepted (the page's slider goes to 2).
MAX_RANDOMNESS = 100.0


def check_randomness(randomness: object) -> float:
    """``randomness`` as a float in ``[0, 100]`` (a clear ``ValueError`` for negative, NaN or infinite)."""
    return check_float("randomness", randomness, minimum=0.0, maximum=MAX_RANDOMNESS)


def seed_ids(vocabulary: Vocabulary, seed_text: str) -> np.ndarray:
    """The ids of the known words of ``seed_text`` (unknown words dropped); a ``ValueError`` if none is left."""
    if not isinstance(seed_text, str):
        raise ValueError(f"seed_text must be a string, got {seed_text!r} ({type(seed_text).__name__})")
    if not seed_text.strip():
        raise ValueError("seed_text is empty: give a few words to start the lyrics from, e.g. 'hello world'")
    words = tokenize([seed_text])[0]
    ids = np.array([vocabulary.index.get(word, 1) for word in words], np.int32)
    known = ids[ids > 1]
    if known.size == 0:
        raise ValueError(
            f"seed_text {seed_text!r} has no word the network knows (it knows {len(vocabulary) - 2:,} "
            f"words, e.g. {', '.join(vocabulary.words[3:9])}); unknown words are dropped"
        )
    return known


def last_window(ids: np.ndarray, window: int) -> np.ndarray:
    """The last ``window`` ids, left-padded with 0 (the training windows' padding)."""
    row = np.zeros(window, np.int32)
    tail = np.asarray(ids, np.int32)[-window:]
    row[window - len(tail) :] = tail
    return row


def next_word_probabilities(model, windows: np.ndarray) -> np.ndarray:
    """The network's next-word probabilities for a batch of windows, as float64."""
    windows = np.asarray(windows, np.int32)
    if windows.ndim == 1:
        windows = windows[None]
    # predict_on_batch runs Keras' compiled predict function: eager calls re-run the GRU loop in Python.
    return np.asarray(model.predict_on_batch(windows), np.float64)


def sampling_distribution(probabilities: np.ndarray, randomness: float) -> np.ndarray:
    """The distribution one word is drawn from (rows sum to 1; ``randomness=0``: one-hot argmax).

    Padding (id 0) and the unknown-word token (id 1) get probability 0.
    """
    probabilities = np.array(probabilities, np.float64, ndmin=2)
    probabilities[:, :2] = 0.0
    if randomness == 0.0:
        out = np.zeros_like(probabilities)
        out[np.arange(len(out)), probabilities.argmax(axis=1)] = 1.0
        return out
    with np.errstate(divide="ignore"):
        scaled = np.log(probabilities) / randomness
    scaled -= scaled.max(axis=1, keepdims=True)
    weights = np.exp(scaled)
    return weights / weights.sum(axis=1, keepdims=True)


def draw(distribution: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One index per row, by inverting the cumulative sum (robust to rounding, unlike ``rng.multinomial``)."""
    cumulative = np.cumsum(distribution, axis=1)
    uniforms = rng.random(len(distribution)) * cumulative[:, -1]
    picks = (cumulative <= uniforms[:, None]).sum(axis=1)
    return np.minimum(picks, distribution.shape[1] - 1)


def generate_ids(
    model, vocabulary: Vocabulary, start_ids: list[np.ndarray], words: int, randomness: float, seed: int = 0
) -> np.ndarray:
    """Continue several id sequences at once: ``(len(start_ids), words)`` new ids."""
    rng = np.random.default_rng(seed)
    window = vocabulary.window
    context = np.stack([last_window(ids, window) for ids in start_ids])
    out = np.zeros((len(start_ids), words), np.int32)
    for step in range(words):
        chosen = draw(sampling_distribution(next_word_probabilities(model, context), randomness), rng)
        out[:, step] = chosen
        context = np.concatenate([context[:, 1:], chosen[:, None].astype(np.int32)], axis=1)
    return out


def generate(
    model, vocabulary: Vocabulary, seed_text: str, words: int = 60, randomness: float = 0.0, seed: int = 0
) -> str:
    """Lyrics that continue ``seed_text`` (the continuation only, ``words`` words, line breaks included).

    ``randomness`` 0 always takes the most likely next word; higher values take more risks
    (see the module docstring). The same ``seed`` gives the same lyrics.
    """
    check_int("words", words, minimum=1, maximum=MAX_WORDS)
    randomness = check_randomness(randomness)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    ids = seed_ids(vocabulary, seed_text)
    new = generate_ids(model, vocabulary, [ids], words, randomness, seed)[0]
    return detokenize(vocabulary.decode(new))


def generated_words(
    model, vocabulary: Vocabulary, seed_text: str, words: int = 60, randomness: float = 0.0, seed: int = 0
) -> list[str]:
    """Like :func:`generate`, as the list of words (``¶`` for line breaks)."""
    check_int("words", words, minimum=1, maximum=MAX_WORDS)
    ids = seed_ids(vocabulary, seed_text)
    new = generate_ids(model, vocabulary, [ids], words, check_randomness(randomness), seed)[0]
    return [w for w in vocabulary.decode(new) if w != OOV]
