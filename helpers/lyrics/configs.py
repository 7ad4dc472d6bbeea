"""The configurations: the blog's network and training, its three networks, and the book's.

A :class:`TrainingConfig` defines one network and how it is trained. Two ways to train
(``targets``): the blog's, ``"last word"``, one window per word position with the loss on
the word after the window only; and the book's Gene Lyrica One, ``"every word"``, a language
model: the training songs cut into pieces of one window (a new piece every ``stride``
words) and the next word scored at every position.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from helpers.checks import check_bool, check_choice, check_float, check_int
from helpers.lyrics.text import MAX_VOCABULARY

#: Gene Lyrica One's songs: the blog took the artists with more than 50 songs from one genre
#: (rock); here, the secular categories with more than 50 songs (hymns speak another language).
GENE_CATEGORIES = ("Folk songs", "Love songs", "Sea songs", "Work songs")
#: Baba Twist's songs: the blog took the first 100 rows (all Abba); here, one small category.
BABA_CATEGORIES = ("Drinking songs",)


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that defines one network and how it is trained."""

    name: str
    description: str
    categories: tuple[str, ...] | None = GENE_CATEGORIES  # None: every song
    max_songs: int | None = None  # only the first this-many training songs
    # The network (the blog's sizes).
    embedding_dim: int = 50
    units: int = 128
    dense_units: int = 128
    dropout: float = 0.2  # on the second GRU's inputs
    recurrent_dropout: float = 0.2  # on the second GRU's state
    head_dropout: float = 0.3  # after Dense(128)
    embedding_dropout: float = 0.0  # on the embedded words (0: no such layer, as in the blog)
    # Text.
    max_words: int = MAX_VOCABULARY
    min_count: int = 2
    # Training.
    optimizer: str = "rmsprop"
    learning_rate: float = 1e-3
    weight_decay: float = 0.0  # decoupled weight decay (0: none, as in the blog)
    schedule: str = "constant"  # or "cosine": decays to 0 over ``epochs``
    batch_size: int = 256
    epochs: int = 100
    monitor: str = "loss"  # early stopping and best model on "loss" (training) or "val_loss" (validation)
    patience: int = 10
    unroll: bool = False  # unroll the GRU loop (the window is short)
    jit_compile: bool = False
    # What the loss scores: "last word" (the blog's: one window per word, the word after it) or
    # "every word" (a language model: pieces of songs, the next word at every position).
    targets: str = "last word"
    stride: int | None = None  # "every word": a new piece every this-many words (None: the window)
    # A new order of the training windows every epoch; False: fit's order under a seed, the
    # same every epoch (see helpers.batches).
    reshuffle: bool = False


ORIGINAL = TrainingConfig(
    name="original",
    description="the blog's network and training (RMSprop 0.001, batch 256, up to 100 epochs, early stopping "
    "with patience 10 on training loss, the windows in a new order every epoch) on Gene Lyrica One's songs",
    # The blog's fit set no seed, so Keras drew a new order every epoch; a seeded fit would not.
    reshuffle=True,
)
GENE = replace(
    ORIGINAL,
    name="gene",
    description="the book's Gene Lyrica One: the same layers trained as a language model (pieces of songs, the "
    "next word scored at every position), dropout on the embedded words instead of recurrent dropout, RMSprop at "
    "0.003 decaying to 0 along a cosine over 6 epochs, batch 64, early stopping on validation loss",
    targets="every word",
    stride=4,
    embedding_dropout=0.2,
    recurrent_dropout=0.0,
    learning_rate=3e-3,
    schedule="cosine",
    batch_size=64,
    epochs=6,
    monitor="val_loss",
    patience=2,
    # fit's order under the seed, one for all epochs: a new order every epoch ended at perplexity
    # 130.6 instead of 126.9 (seed 0), so the book keeps Keras' behaviour under a seed.
    reshuffle=False,
)
BABA = replace(
    GENE,
    name="baba",
    categories=BABA_CATEGORIES,
    targets="last word",  # the blog's training, like Tod Wonkin's: these two show what it gives
    stride=None,
    embedding_dropout=0.0,
    monitor="loss",
    patience=100,
    epochs=40,
    learning_rate=5e-3,
    batch_size=128,
    dropout=0.0,
    head_dropout=0.0,
    # Every word in the vocabulary, as in the blog: with rare words as [UNK], a network that
    # memorised its songs could not write them back (generation never writes [UNK]).
    min_count=1,
    description="Baba Twist: one small category, every word in the vocabulary, trained until it memorises "
    "(no dropout, training loss)",
)
TOD = replace(
    ORIGINAL,
    name="tod",
    categories=None,
    epochs=1,
    description="Tod Wonkin': every song, the blog's settings, stopped after one epoch",
)

#: What the loss scores (``TrainingConfig.targets``).
TARGETS = ("last word", "every word")

CONFIGS: dict[str, TrainingConfig] = {c.name: c for c in (ORIGINAL, GENE, BABA, TOD)}


def get_config(config: str | TrainingConfig, **overrides) -> TrainingConfig:
    """A configuration by name (``original``, ``gene``, ``baba``, ``tod``), with fields replaced."""
    if isinstance(config, str):
        check_choice("config", config, CONFIGS)
        config = CONFIGS[config]
    elif not isinstance(config, TrainingConfig):
        raise ValueError(f"config must be one of {', '.join(map(repr, CONFIGS))} or a TrainingConfig, got {config!r}")
    unknown = set(overrides) - set(TrainingConfig.__dataclass_fields__)
    if unknown:
        raise ValueError(
            f"unknown configuration field(s) {sorted(unknown)}; known: {sorted(TrainingConfig.__dataclass_fields__)}"
        )
    config = replace(config, **{k: v for k, v in overrides.items() if v is not None})
    check_int("epochs", config.epochs, minimum=1, maximum=10_000)
    check_int("batch_size", config.batch_size, minimum=1)
    check_float("learning_rate", config.learning_rate, minimum=0.0, inclusive_minimum=False)
    check_choice("optimizer", config.optimizer, ("rmsprop", "adam"))
    check_choice("schedule", config.schedule, ("constant", "cosine"))
    check_choice("monitor", config.monitor, ("loss", "val_loss"))
    check_choice("targets", config.targets, TARGETS)
    check_float("weight_decay", config.weight_decay, minimum=0.0)
    check_float("embedding_dropout", config.embedding_dropout, minimum=0.0, maximum=0.9)
    if config.stride is not None:
        check_int("stride", config.stride, minimum=1)
    return replace(config, reshuffle=check_bool("reshuffle", config.reshuffle))
