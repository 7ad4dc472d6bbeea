"""How good is a lyrics model? Perplexity, next-word accuracy, n-gram baselines, copying.

Every model is scored on the same targets: each word of each scored song (validation songs
to steer, test songs to report; see :mod:`helpers.lyrics.training_data`) except its
first, predicted from the words before it in the same song (the network reads at most its
window; an n-gram model its last n - 1 words). Perplexity is ``exp`` of the mean negative
log-probability of those words; unknown words count as the token ``[UNK]``, which every
model can predict (its training data has ``[UNK]`` where rare words were).

The n-gram baselines are interpolated Kneser-Ney models as ``nltk.lm.KneserNeyInterpolated``
defines them. nltk.lm is the maintained, pure-Python reference (kenlm is faster but needs a
C++ build that is not part of this book's environment). Its scorer recounts continuation
counts by scanning every n-gram of the next order at every call (about 17 ms per word at
order 5 here), too slow for the chapter's budget, so :class:`KneserNey` precomputes the same
counts once; ``tests/test_lyrics.py`` checks it gives nltk.lm's probabilities.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from helpers.lyrics.corpus import Song
from helpers.lyrics.text import NEWLINE, OOV, Vocabulary, windows

BOS, EOS = "<s>", "</s>"


def song_tokens(vocabulary: Vocabulary, songs: list[Song]) -> list[list[str]]:
    """Each song as vocabulary words (rare and unknown words as ``[UNK]``)."""
    return [vocabulary.decode(ids) for ids in vocabulary.encode([s.text for s in songs])]


def window_scores(model, x: np.ndarray, y: np.ndarray, batch_size: int = 2048, top: int = 5) -> dict[str, float]:
    """Cross-entropy (nats/word) and top-1 (and top-``top``) accuracy of ``model`` predicting ``y`` from ``x``."""
    log_probabilities, top1, top_k = [], 0, 0
    for start in range(0, len(y), batch_size):
        probabilities = np.asarray(model.predict_on_batch(x[start : start + batch_size]), np.float64)
        targets = y[start : start + batch_size]
        picked = probabilities[np.arange(len(targets)), targets]
        log_probabilities.append(np.log(np.maximum(picked, 1e-300)))
        if top > 1:
            ranked = np.argsort(-probabilities, axis=1)[:, :top]
            top1 += int((ranked[:, 0] == targets).sum())
            top_k += int((ranked == targets[:, None]).any(axis=1).sum())
        else:  # the argmax only: no sort over the vocabulary
            top1 += int((probabilities.argmax(axis=1) == targets).sum())
    scores = {"cross_entropy": float(-np.concatenate(log_probabilities).mean()), "top1": top1 / len(y)}
    if top > 1:
        scores[f"top{top}"] = top_k / len(y)
    return scores


def evaluate(model, vocabulary: Vocabulary, songs: list[Song], batch_size: int = 2048) -> dict[str, float]:
    """Perplexity, cross-entropy (nats/word), top-1 and top-5 next-word accuracy on ``songs``."""
    x, y = windows(vocabulary.encode([s.text for s in songs]), vocabulary.window)
    if len(y) == 0:
        raise ValueError("the songs have no word to predict (each needs at least two words)")
    scores = window_scores(model, x, y, batch_size, top=5)
    return {"perplexity": math.exp(scores["cross_entropy"]), **scores, "words": int(len(y))}


def perplexity(model, vocabulary: Vocabulary, songs: list[Song]) -> float:
    """Perplexity of ``model`` on ``songs`` (as ``Corpus.split`` returns them): lower is better."""
    return evaluate(model, vocabulary, songs)["perplexity"]


class KneserNey:
    """Interpolated Kneser-Ney n-gram model with nltk.lm's formulas, counts precomputed.

    Trained like ``nltk.lm``'s ``padded_everygram_pipeline``: each song padded with
    ``order - 1`` ``<s>`` and ``</s>``, every n-gram of order 1 to ``order`` counted.
    ``discount`` 0.75 is Chen and Goodman's usual value (nltk's default is 0.1).
    """

    def __init__(self, order: int, training_tokens: list[list[str]], discount: float = 0.75):
        if order < 1:
            raise ValueError(f"order must be at least 1, got {order}")
        self.order, self.discount = order, discount
        # counts[k][context] = Counter of next words, context of length k - 1.
        self.counts = [None] + [defaultdict(Counter) for _ in range(order)]
        for tokens in training_tokens:
            padded = [BOS] * (order - 1) + list(tokens) + [EOS] * (order - 1)
            for k in range(1, order + 1):
                for i in range(len(padded) - k + 1):
                    gram = tuple(padded[i : i + k])
                    self.counts[k][gram[:-1]][gram[-1]] += 1
        # Continuation counts for lower orders: for context c of length k - 1 and word w, the
        # number of distinct x with (x, c, w) seen at order k + 1; and their total per c.
        self.continuation = [None] + [defaultdict(Counter) for _ in range(order)]
        self.continuation_total = [None] + [Counter() for _ in range(order)]
        for k in range(1, order):
            for context, followers in self.counts[k + 1].items():
                shorter = context[1:]
                for word in followers:
                    self.continuation[k][shorter][word] += 1
                self.continuation_total[k][shorter] += len(followers)
        self.distinct_followers = [None] + [{c: len(f) for c, f in self.counts[k].items()} for k in range(1, order + 1)]
        self.totals = [None] + [{c: sum(f.values()) for c, f in self.counts[k].items()} for k in range(1, order + 1)]

    def score(self, word: str, context: tuple[str, ...]) -> float:
        """P(word | context), nltk.lm's ``KneserNeyInterpolated.score`` without its vocabulary masking."""
        context = tuple(context)[-(self.order - 1) :] if self.order > 1 else ()
        if not context:
            total = self.continuation_total[1].get((), 0)
            return self.continuation[1][()][word] / total if total else 0.0
        k = len(context) + 1
        if context not in self.counts[k] or not self.totals[k].get(context):
            return self.score(word, context[1:])
        if k == self.order:
            count, total = self.counts[k][context][word], self.totals[k][context]
        else:
            count = self.continuation[k][context][word]
            total = self.continuation_total[k].get(context, 0)
        alpha = max(count - self.discount, 0.0) / total
        gamma = self.discount * self.distinct_followers[k][context] / total
        return alpha + gamma * self.score(word, context[1:])

    def evaluate(self, tokens: list[list[str]]) -> dict[str, float]:
        """Perplexity and cross-entropy on songs' tokens: every word after a song's first, as the networks."""
        log_sum, count = 0.0, 0
        for song in tokens:
            padded = [BOS] * (self.order - 1) + list(song)
            for position in range(1, len(song)):
                i = position + self.order - 1
                probability = self.score(padded[i], tuple(padded[i - self.order + 1 : i]))
                log_sum += math.log(max(probability, 1e-300))
                count += 1
        cross_entropy = -log_sum / count
        return {"perplexity": math.exp(cross_entropy), "cross_entropy": cross_entropy, "words": count}


def ngram_baselines(
    vocabulary: Vocabulary,
    training_songs: list[Song],
    scored_songs: list[Song],
    orders=(2, 3, 4, 5),
    discount: float = 0.75,
) -> dict[int, dict[str, float]]:
    """Perplexity on ``scored_songs`` of Kneser-Ney models of each order, trained on the same songs and vocabulary."""
    training = song_tokens(vocabulary, training_songs)
    scored = song_tokens(vocabulary, scored_songs)
    return {order: KneserNey(order, training, discount).evaluate(scored) for order in orders}


@dataclass
class NgramComparison:
    """Kneser-Ney models of several orders: scored on validation (which picks the order) and on test."""

    validation: dict[int, dict[str, float]]
    test: dict[int, dict[str, float]]

    @property
    def chosen_order(self) -> int:
        """The order with the lowest validation perplexity (ties: the lower order)."""
        return min(self.validation, key=lambda order: (self.validation[order]["perplexity"], order))

    @property
    def chosen_test_perplexity(self) -> float:
        return self.test[self.chosen_order]["perplexity"]


def compare_ngrams(
    vocabulary: Vocabulary,
    training_songs: list[Song],
    validation_songs: list[Song],
    test_songs: list[Song],
    orders=(2, 3, 4, 5),
    discount: float = 0.75,
) -> NgramComparison:
    """Each order counted once on the training songs, scored on the validation and the test songs."""
    if not orders:
        raise ValueError("orders must name at least one n-gram order")
    training = song_tokens(vocabulary, training_songs)
    validation, test = song_tokens(vocabulary, validation_songs), song_tokens(vocabulary, test_songs)
    models = {order: KneserNey(order, training, discount) for order in orders}
    return NgramComparison(
        validation={order: model.evaluate(validation) for order, model in models.items()},
        test={order: model.evaluate(test) for order, model in models.items()},
    )


# --- Repetition and copying -------------------------------------------------------------------


def _words_only(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t not in (NEWLINE, OOV, "")]


def distinct_n(tokens: list[str], n: int) -> float:
    """Share of distinct n-grams among all n-grams of the words (line breaks ignored)."""
    words = _words_only(tokens)
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def repeated_line_rate(tokens: list[str]) -> float:
    """Share of non-empty lines that repeat an earlier line of the same text."""
    lines, current = [], []
    for token in tokens + [NEWLINE]:
        if token == NEWLINE:
            if current:
                lines.append(tuple(current))
            current = []
        else:
            current.append(token)
    if not lines:
        return 0.0
    return 1.0 - len(set(lines)) / len(lines)


class TrainingText:
    """The training songs' words, for asking whether a run of generated words was copied."""

    def __init__(self, training_tokens: list[list[str]], n: int = 4):
        songs = [_words_only(tokens) for tokens in training_tokens]
        self.n = n
        self.grams = {tuple(words[i : i + n]) for words in songs for i in range(len(words) - n + 1)}
        # One string with a separator no word contains, for substring tests of any length.
        self.text = "|" + "|".join(" " + " ".join(words) + " " for words in songs) + "|"

    def copied_share(self, tokens: list[str]) -> float:
        """Share of the text's word 4-grams found verbatim in the training songs."""
        words = _words_only(tokens)
        grams = [tuple(words[i : i + self.n]) for i in range(len(words) - self.n + 1)]
        return sum(g in self.grams for g in grams) / len(grams) if grams else 0.0

    def longest_copied_run(self, tokens: list[str]) -> int:
        """The longest run of consecutive words found verbatim in one training song."""
        words = _words_only(tokens)
        best, start = 0, 0
        for end in range(1, len(words) + 1):
            while start < end and f" {' '.join(words[start:end])} " not in self.text:
                start += 1
            best = max(best, end - start)
        return best


def repetition_metrics(texts: list[list[str]], training: TrainingText) -> dict[str, float]:
    """Mean distinct-1/2, repeated-line rate, copied 4-gram share and longest copied run over texts."""
    rows = [
        {
            "distinct-1": distinct_n(t, 1),
            "distinct-2": distinct_n(t, 2),
            "repeated lines": repeated_line_rate(t),
            "copied 4-grams": training.copied_share(t),
            "longest copied run": float(training.longest_copied_run(t)),
        }
        for t in texts
    ]
    return {key: float(np.mean([row[key] for row in rows])) for key in rows[0]}


def temperature_sweep(
    model,
    vocabulary: Vocabulary,
    training_songs: list[Song],
    held_out_songs: list[Song],
    temperatures=(0.0, 0.3, 0.7, 1.0, 1.5, 2.0),
    samples: int = 20,
    words: int = 60,
    seed_words: int = 5,
    seed: int = 0,
):
    """Repetition and copying of generated lyrics against randomness, and of real held-out (test) songs.

    Each sample continues the first ``seed_words`` words of a held-out song (the first
    ``samples`` songs long enough) for ``words`` words; the reference is what the real song
    does next, over the same length. Returns ``(table, reference)``: a pandas DataFrame with
    one row per randomness, and a dict of the same metrics for the real continuations.
    """
    import pandas as pd

    from helpers.lyrics.generation import generate_ids

    training = TrainingText(song_tokens(vocabulary, training_songs))
    encoded = [ids for ids in vocabulary.encode([s.text for s in held_out_songs]) if len(ids) >= seed_words + words]
    if not encoded:
        raise ValueError(f"no held-out song has {seed_words + words} words; lower words or seed_words")
    encoded = encoded[:samples]
    starts = [ids[:seed_words] for ids in encoded]
    reference = repetition_metrics(
        [vocabulary.decode(ids[seed_words : seed_words + words]) for ids in encoded], training
    )
    rows = []
    for temperature in temperatures:
        generated = generate_ids(model, vocabulary, starts, words, float(temperature), seed=seed)
        row = repetition_metrics([vocabulary.decode(ids) for ids in generated], training)
        rows.append({"randomness": float(temperature), **row})
    return pd.DataFrame(rows), reference


def loop_period(tokens: list[str], tail: int = 30) -> int | None:
    """The shortest period with which the last ``tail`` words repeat exactly (``None``: no loop).

    ``["i", "want", "to", "be"] * 10`` has period 4: argmax generation stuck in a loop.
    """
    words = list(tokens)[-tail:]
    for period in range(1, len(words) // 2 + 1):
        if all(words[i] == words[i - period] for i in range(period, len(words))):
            return period
    return None


def copying_from_training_starts(
    model,
    vocabulary: Vocabulary,
    training_songs: list[Song],
    samples: int = 10,
    words: int = 40,
    seed_words: int = 5,
    randomness: float = 0.3,
    seed: int = 0,
) -> dict[str, float]:
    """How much a network copies when started on its own training songs' first words.

    A network that memorised its songs continues them word for word; one that learned the
    language writes something else. Returns :func:`repetition_metrics` of the continuations.
    """
    from helpers.lyrics.generation import generate_ids

    training = TrainingText(song_tokens(vocabulary, training_songs))
    encoded = [ids[:seed_words] for ids in vocabulary.encode([s.text for s in training_songs]) if len(ids) > seed_words]
    if not encoded:
        raise ValueError(f"no training song has more than {seed_words} words")
    generated = generate_ids(model, vocabulary, encoded[:samples], words, float(randomness), seed=seed)
    return repetition_metrics([vocabulary.decode(ids) for ids in generated], training)
