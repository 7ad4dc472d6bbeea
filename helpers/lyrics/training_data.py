"""The songs and windows one configuration trains, validates and is tested on.

Three sides, each by whole song and seeded:

- **test** songs: ``corpus.split(held_out, seed)``'s held-out part. They report results and
  steer nothing: :func:`helpers.lyrics.training.train` never reads them.
- **validation** songs: a share of the *training* part, drawn with its own salt (so the
  draw is independent of the test split). Early stopping, the best weights and the n-gram
  order look at them.
- **training** songs: the rest. The vocabulary is built from them only.

The split of a song depends only on the seed and the song itself, so removing the test
songs from the corpus changes nothing the network trains or validates on (a test checks
that the weights come out the same).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.checks import check_float
from helpers.lyrics.configs import TrainingConfig, get_config
from helpers.lyrics.corpus import Corpus, Song
from helpers.lyrics.metrics import window_scores
from helpers.lyrics.text import Vocabulary, build_vocabulary, chunks, windows

#: The salt of the validation draw inside the training part (see ``Corpus.split``).
VALIDATION_SALT = "validation"


@dataclass
class TrainingData:
    """The songs and windows of one configuration: training, validation and test."""

    training_songs: list[Song]
    validation_songs: list[Song]
    test_songs: list[Song]
    vocabulary: Vocabulary
    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    training_ids: list[np.ndarray] | None = None  # the training songs as word ids

    def test_windows(self) -> tuple[np.ndarray, np.ndarray]:
        """The test songs' windows and next words (for reporting only)."""
        return windows(self.vocabulary.encode([s.text for s in self.test_songs]), self.vocabulary.window)

    def summary(self) -> dict[str, dict[str, int]]:
        """Songs and words per side (words include the ``¶`` line breaks)."""
        sides = {"training": self.training_songs, "validation": self.validation_songs, "test": self.test_songs}
        return {
            name: {
                "songs": len(songs),
                "words": sum(len(ids) for ids in self.vocabulary.encode([s.text for s in songs])),
            }
            for name, songs in sides.items()
        }


def split_songs(
    corpus: Corpus, config: TrainingConfig, seed: int, held_out: float, validation: float
) -> tuple[list[Song], list[Song], list[Song]]:
    """``(training, validation, test)`` songs of the configuration's categories (see the module docstring)."""
    validation = check_float("validation", validation, minimum=0.0, maximum=0.5, inclusive_minimum=False)
    training_all, test_all = corpus.split(held_out=held_out, seed=seed)
    fitting_all, validation_all = Corpus(training_all, corpus.report, corpus.source).split(
        held_out=validation, seed=seed, salt=VALIDATION_SALT
    )
    wanted = set(config.categories) if config.categories is not None else None

    def chosen(songs: list[Song]) -> list[Song]:
        return [s for s in songs if wanted is None or s.category in wanted]

    training, validating, test = chosen(fitting_all), chosen(validation_all), chosen(test_all)
    if config.max_songs is not None:
        training = training[: config.max_songs]
        # As many validation songs as the same share of the shortened training part.
        validating = validating[: max(1, round(config.max_songs * validation / (1 - validation)))]
    if not training or not validating:
        raise ValueError(
            f"config {config.name!r} selects {len(training)} training and {len(validating)} validation songs "
            f"from this corpus (categories {config.categories}); both must be non-empty"
        )
    return training, validating, test


def prepare(
    corpus: Corpus,
    config: str | TrainingConfig = "gene",
    seed: int = 0,
    held_out: float = 0.1,
    validation: float = 0.1,
    vocabulary: Vocabulary | None = None,
) -> TrainingData:
    """The configuration's training, validation and test songs, its vocabulary and windows.

    ``held_out`` is the share of the corpus's songs kept for testing; ``validation`` the
    share of the remaining songs kept for validation. The vocabulary is built from the
    training songs only (unless one is given).
    """
    config = get_config(config)
    training, validating, test = split_songs(corpus, config, seed, held_out, validation)
    if vocabulary is None:
        vocabulary = build_vocabulary(
            [s.text for s in training], max_words=config.max_words, min_count=config.min_count
        )
    training_ids = vocabulary.encode([s.text for s in training])
    x_train, y_train = windows(training_ids, vocabulary.window)
    x_validation, y_validation = windows(vocabulary.encode([s.text for s in validating]), vocabulary.window)
    return TrainingData(
        training, validating, test, vocabulary, x_train, y_train, x_validation, y_validation, training_ids
    )


def language_model_pieces(data: TrainingData, config: TrainingConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``targets="every word"``'s training examples: :func:`helpers.lyrics.text.chunks` of the training songs."""
    window = data.vocabulary.window
    ids = data.training_ids
    if ids is None:
        ids = data.vocabulary.encode([s.text for s in data.training_songs])
    return chunks(ids, window, min(config.stride or window, window))


def validation_scores(model, data: TrainingData, batch_size: int = 2048) -> dict[str, float]:
    """``val_loss`` (mean cross-entropy, nats) and ``val_accuracy`` of the next word on the validation windows."""
    scores = window_scores(model, data.x_validation, data.y_validation, batch_size, top=1)
    return {"val_loss": scores["cross_entropy"], "val_accuracy": scores["top1"]}
