"""The networks and their training: the blog's configuration, its three networks, and the book's.

The network is the blog's: ``Embedding(50)`` -> ``GRU(128, return_sequences)`` ->
``GRU(128, dropout=0.2, recurrent_dropout=0.2)`` -> ``Dense(128, relu)`` -> ``Dropout(0.3)``
-> ``Dense(vocabulary, softmax)``. The blog initialised the embedding with GloVe 6B
vectors; GloVe cannot be downloaded here, so the embedding is trained from scratch unless a
reader passes a GloVe text file (``glove_path``).

Two ways to train it (``TrainingConfig.targets``). The blog's, ``"last word"``: one window
per word position, the loss on the word after the window only; each word is read about a
window's-length times per epoch and scored once. The book's Gene Lyrica One, ``"every
word"``: a language model, the training songs cut into pieces of one window (a new piece
every ``stride`` words) and the next word scored at every position (the second GRU returns
every step). Either way :func:`train` returns the window -> next-word network, held-out
loss is measured on the same held-out windows, and generation, perplexity and the browser
export see the same interface.

Training writes a checkpoint after every epoch (the model with its optimizer state, the
best weights so far and the early-stopping state); a run killed at any moment resumes from
its last completed epoch (``resume=True``, the default when ``checkpoint_dir`` is given).
Models are saved in the ``.keras`` format and loaded with ``safe_mode=True``.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from helpers.batches import shuffled_batches
from helpers.checks import check_bool, check_choice, check_float, check_int
from helpers.lyrics.corpus import Corpus, Song
from helpers.lyrics.metrics import window_scores
from helpers.lyrics.text import MAX_VOCABULARY, Vocabulary, build_vocabulary, chunks, windows

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
    monitor: str = "loss"  # early stopping and best model on "loss" (training) or "val_loss"
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
    "0.003 decaying to 0 along a cosine over 6 epochs, batch 64, early stopping on held-out loss",
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


def build_model(
    vocabulary_size: int,
    window: int,
    config: TrainingConfig = ORIGINAL,
    embedding_matrix: np.ndarray | None = None,
    every_step: bool = False,
):
    """The blog's network for ``vocabulary_size`` words and windows of ``window`` words.

    ``every_step=True`` builds the same layers (the same weights, in the same order) with the
    second GRU returning every step, so the head predicts a next word at every position:
    the training model of ``targets="every word"``. Its last step computes exactly what
    the ``every_step=False`` model computes for the whole window.
    """
    import keras

    inputs = keras.Input(shape=(window,), dtype="int32", name="words")
    embedding = keras.layers.Embedding(vocabulary_size, config.embedding_dim, name="embedding")
    x = embedding(inputs)
    if embedding_matrix is not None:
        embedding.set_weights([embedding_matrix])
    if config.embedding_dropout > 0:
        x = keras.layers.Dropout(config.embedding_dropout, name="embedding_dropout")(x)
    x = keras.layers.GRU(config.units, return_sequences=True, unroll=config.unroll, name="gru_1")(x)
    x = keras.layers.GRU(
        config.units,
        dropout=config.dropout,
        recurrent_dropout=config.recurrent_dropout,
        unroll=config.unroll,
        return_sequences=every_step,
        name="gru_2",
    )(x)
    x = keras.layers.Dense(config.dense_units, activation="relu", name="dense")(x)
    x = keras.layers.Dropout(config.head_dropout, name="head_dropout")(x)
    outputs = keras.layers.Dense(vocabulary_size, activation="softmax", name="next_word")(x)
    return keras.Model(inputs, outputs, name=f"lyrics_{config.name}{'_every_step' if every_step else ''}")


def compile_model(model, config: TrainingConfig, steps_per_epoch: int) -> None:
    """Optimizer, loss and metrics of ``config``."""
    import keras

    rate = config.learning_rate
    if config.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(config.learning_rate, decay_steps=config.epochs * steps_per_epoch)
    decay = config.weight_decay or None
    if config.optimizer == "rmsprop":
        optimizer = keras.optimizers.RMSprop(rate, weight_decay=decay)
    else:
        optimizer = keras.optimizers.Adam(rate, weight_decay=decay)
    if config.targets == "every word":
        # Positions weighted 0 (padding) neither count in the loss nor in its average.
        loss = keras.losses.SparseCategoricalCrossentropy(reduction="mean_with_sample_weight")
        accuracy = {"weighted_metrics": ["accuracy"]}
    else:
        loss, accuracy = "sparse_categorical_crossentropy", {"metrics": ["accuracy"]}
    model.compile(optimizer=optimizer, loss=loss, jit_compile=config.jit_compile, **accuracy)


def read_glove(path: Path | str, vocabulary: Vocabulary, dimensions: int, seed: int = 0) -> np.ndarray:
    """An embedding matrix from a GloVe text file (words it lacks get small random vectors)."""
    rng = np.random.default_rng(seed)
    matrix = rng.uniform(-0.05, 0.05, (len(vocabulary), dimensions)).astype(np.float32)
    found = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, *values = line.rstrip().split(" ")
            if word in vocabulary.index and len(values) == dimensions:
                matrix[vocabulary.index[word]] = np.asarray(values, np.float32)
                found += 1
    if found == 0:
        raise ValueError(f"{path} has no {dimensions}-dimensional vector for any vocabulary word: is it a GloVe file?")
    return matrix


@dataclass
class TrainingData:
    """The songs and windows of one configuration."""

    training_songs: list[Song]
    held_out_songs: list[Song]
    vocabulary: Vocabulary
    x_train: np.ndarray
    y_train: np.ndarray
    x_held_out: np.ndarray
    y_held_out: np.ndarray
    training_ids: list[np.ndarray] | None = None  # the training songs as word ids

    def summary(self) -> dict[str, dict[str, int]]:
        """Songs, words, windows per side (words include the ``¶`` line breaks)."""
        return {
            "training": {
                "songs": len(self.training_songs),
                "words": int(len(self.y_train) + len(self.training_songs)),
                "windows": len(self.y_train),
            },
            "held out": {
                "songs": len(self.held_out_songs),
                "words": int(len(self.y_held_out) + len(self.held_out_songs)),
                "windows": len(self.y_held_out),
            },
        }


def prepare(
    corpus: Corpus,
    config: str | TrainingConfig = "gene",
    seed: int = 0,
    held_out: float = 0.1,
    vocabulary: Vocabulary | None = None,
) -> TrainingData:
    """The configuration's songs from ``corpus.split(held_out, seed)``, its vocabulary and windows.

    The vocabulary is built from the training songs only (unless one is given).
    """
    config = get_config(config)
    training_all, held_all = corpus.split(held_out=held_out, seed=seed)
    wanted = set(config.categories) if config.categories is not None else None
    training = [s for s in training_all if wanted is None or s.category in wanted]
    held = [s for s in held_all if wanted is None or s.category in wanted]
    if config.max_songs is not None:
        training = training[: config.max_songs]
    if not training or not held:
        raise ValueError(
            f"config {config.name!r} selects {len(training)} training and {len(held)} held-out songs "
            f"from this corpus (categories {config.categories}); both must be non-empty"
        )
    if vocabulary is None:
        vocabulary = build_vocabulary(
            [s.text for s in training], max_words=config.max_words, min_count=config.min_count
        )
    training_ids = vocabulary.encode([s.text for s in training])
    x_train, y_train = windows(training_ids, vocabulary.window)
    x_held, y_held = windows(vocabulary.encode([s.text for s in held]), vocabulary.window)
    return TrainingData(training, held, vocabulary, x_train, y_train, x_held, y_held, training_ids)


def language_model_pieces(data: TrainingData, config: TrainingConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``targets="every word"``'s training examples: :func:`helpers.lyrics.text.chunks` of the training songs."""
    window = data.vocabulary.window
    ids = data.training_ids
    if ids is None:
        ids = data.vocabulary.encode([s.text for s in data.training_songs])
    return chunks(ids, window, min(config.stride or window, window))


def held_out_scores(model, data: TrainingData, batch_size: int = 2048) -> dict[str, float]:
    """``val_loss`` (mean cross-entropy, nats) and ``val_accuracy`` of the next word on the held-out windows."""
    scores = window_scores(model, data.x_held_out, data.y_held_out, batch_size, top=1)
    return {"val_loss": scores["cross_entropy"], "val_accuracy": scores["top1"]}


@dataclass
class History:
    """Per-epoch ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy`` and cumulative ``seconds``."""

    history: dict[str, list[float]] = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    resumed_from_epoch: int = 0
    best_epoch: int = 0
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        return len(self.history.get("loss", []))

    def seconds_to(self, key: str, target: float) -> float | None:
        """Training seconds until ``history[key]`` first fell to ``target`` or below (``None``: never)."""
        for value, seconds in zip(self.history.get(key, []), self.history.get("seconds", []), strict=True):
            if value <= target:
                return seconds
        return None


class _Checkpointing:
    """Early stopping, best weights and checkpoints in one Keras callback whose state survives a restart."""

    def __new__(cls, *args, **kwargs):
        import keras

        class Callback(keras.callbacks.Callback):
            def __init__(self, directory, config, history, state, verbose, target_val_loss, time_limit, validate):
                super().__init__()
                self.directory, self.config, self.history_, self.state = directory, config, history, state
                self.verbose, self.target_val_loss, self.time_limit = verbose, target_val_loss, time_limit
                self.validate = validate

            def on_epoch_begin(self, epoch, logs=None):
                self.started = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                logs = dict(logs or {})
                if self.validate is not None:
                    logs.update(self.validate())
                seconds = self.state["seconds"] + time.perf_counter() - self.started
                self.state["seconds"] = seconds
                for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
                    if key in logs:
                        self.history_.setdefault(key, []).append(float(logs[key]))
                self.history_.setdefault("seconds", []).append(seconds)
                value = float(logs[self.config.monitor])
                if value < self.state["best"]:
                    self.state.update(best=value, wait=0, best_epoch=epoch + 1)
                    self.best_weights = self.model.get_weights()
                    if self.directory:
                        _atomic(lambda p: self.model.save_weights(p), self.directory / "best.weights.h5")
                else:
                    self.state["wait"] += 1
                if self.state["wait"] >= self.config.patience:
                    self.state["stopped"] = True
                if self.target_val_loss is not None and logs.get("val_loss", math.inf) <= self.target_val_loss:
                    self.state["stopped"] = True
                if self.time_limit is not None and seconds >= self.time_limit:
                    self.state["stopped"] = True
                self.state["epoch"] = epoch + 1
                if self.state["stopped"]:
                    self.model.stop_training = True
                if self.directory:
                    _atomic(lambda p: self.model.save(p), self.directory / "last.keras")
                    _atomic(
                        lambda p: Path(p).write_text(json.dumps({"state": self.state, "history": self.history_})),
                        self.directory / "state.json",
                    )
                if self.verbose:
                    held = (
                        f", held-out loss {logs['val_loss']:.3f} accuracy {logs['val_accuracy']:.1%}"
                        if "val_loss" in logs
                        else ""
                    )
                    print(
                        f"[{self.config.name}] epoch {epoch + 1:3d}: loss {logs['loss']:.3f} accuracy "
                        f"{logs['accuracy']:.1%}{held}  ({seconds:.0f} s)",
                        flush=True,
                    )

        return Callback(*args, **kwargs)


def _atomic(write, path: Path) -> None:
    """Write with ``write(temporary_path)`` then rename, so a kill never leaves half a file."""
    temporary = path.with_name(f"tmp-{path.name}")
    write(str(temporary))
    os.replace(temporary, path)


def train(
    corpus: Corpus,
    config: str | TrainingConfig = "gene",
    seed: int = 0,
    *,
    epochs: int | None = None,
    data: TrainingData | None = None,
    checkpoint_dir: Path | str | None = None,
    resume: bool = True,
    glove_path: Path | str | None = None,
    target_val_loss: float | None = None,
    time_limit: float | None = None,
    verbose: int = 1,
    **overrides,
):
    """Train a configuration's network: ``(model, vocabulary, history)``.

    It trains on the configuration's songs from ``corpus.split(seed=seed)``'s training part and
    never on the held-out part, which it evaluates after every epoch (``val_loss``,
    ``val_accuracy``). Early stopping watches ``config.monitor``; the returned model has the
    best weights. ``checkpoint_dir`` makes every epoch durable and ``resume`` continues an
    interrupted run from there. ``target_val_loss`` and ``time_limit`` (seconds) stop early
    (used by the benchmark). ``verbose=1`` prints one line per epoch.
    """
    import keras

    config = get_config(config, epochs=epochs, **overrides)
    check_int("seed", seed, minimum=0)
    data = data if data is not None else prepare(corpus, config, seed=seed)
    vocabulary = data.vocabulary
    every_word = config.targets == "every word"
    if every_word:
        x_fit, y_fit, weights_fit = language_model_pieces(data, config)
    else:
        x_fit, y_fit, weights_fit = data.x_train, data.y_train, None
    steps = math.ceil(len(y_fit) / config.batch_size)
    directory = Path(checkpoint_dir) if checkpoint_dir is not None else None
    state = {"epoch": 0, "best": math.inf, "wait": 0, "best_epoch": 0, "stopped": False, "seconds": 0.0}
    history: dict[str, list[float]] = {}
    fingerprint = {
        "config": asdict(config),
        "seed": seed,
        "vocabulary": len(vocabulary),
        "windows": int(len(y_fit)),
    }
    model = None
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        saved_state = directory / "state.json"
        if resume and saved_state.exists() and (directory / "last.keras").exists():
            saved = json.loads(saved_state.read_text())
            if saved["state"].get("fingerprint") == json.loads(json.dumps(fingerprint)):
                state, history = saved["state"], saved["history"]
                model = keras.models.load_model(directory / "last.keras", safe_mode=True)
                if verbose:
                    print(f"[{config.name}] resuming after epoch {state['epoch']} from {directory}", flush=True)
        vocabulary.save(directory / "vocabulary.json")
    state["fingerprint"] = fingerprint
    resumed_from = state["epoch"]
    # A new seed per resumed epoch keeps the shuffles reproducible without repeating epoch 1's.
    run_seed = seed + 1000 * resumed_from
    if model is None:
        keras.utils.set_random_seed(seed)
        matrix = read_glove(glove_path, vocabulary, config.embedding_dim, seed) if glove_path else None
        model = build_model(len(vocabulary), vocabulary.window, config, matrix, every_step=every_word)
        compile_model(model, config, steps)
    else:
        keras.utils.set_random_seed(run_seed)
    validate, inference = None, model
    if every_word:
        # Generation, scoring and the browser use the window -> next word network: the same
        # weights with the last step only, scored on the same held-out windows as every network.
        inference = build_model(len(vocabulary), vocabulary.window, config)

        def validate() -> dict[str, float]:
            inference.set_weights(model.get_weights())
            return held_out_scores(inference, data)

    callback = _Checkpointing(directory, config, history, state, verbose, target_val_loss, time_limit, validate)
    if not state["stopped"] and state["epoch"] < config.epochs:
        arrays = (x_fit, y_fit) if weights_fit is None else (x_fit, y_fit, weights_fit)
        model.fit(
            # fit's own batches, without tf.data's autotuning thread (see helpers.batches)
            shuffled_batches(arrays, config.batch_size, reshuffle_seed=run_seed if config.reshuffle else None),
            epochs=config.epochs,
            initial_epoch=state["epoch"],
            validation_data=None if every_word else (data.x_held_out, data.y_held_out),
            validation_batch_size=2048,
            shuffle=False,  # the batches come shuffled
            verbose=0,
            callbacks=[callback],
        )
    if getattr(callback, "best_weights", None) is not None:
        model.set_weights(callback.best_weights)
    elif directory is not None and (directory / "best.weights.h5").exists():
        model.load_weights(directory / "best.weights.h5")
    if every_word:
        inference.set_weights(model.get_weights())
        model = inference
    result = History(
        history=history,
        config=asdict(config),
        resumed_from_epoch=resumed_from,
        best_epoch=state["best_epoch"],
        stopped_early=bool(state["stopped"]),
    )
    return model, vocabulary, result


def save(model, vocabulary: Vocabulary, directory: Path | str) -> Path:
    """Save the model (``model.keras``) and its vocabulary (``vocabulary.json``) in ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.save(directory / "model.keras")
    vocabulary.save(directory / "vocabulary.json")
    return directory


def load(directory: Path | str):
    """``(model, vocabulary)`` saved by :func:`save`, loaded with ``safe_mode=True``."""
    import keras

    directory = Path(directory)
    if not (directory / "model.keras").exists() or not (directory / "vocabulary.json").exists():
        raise ValueError(f"{directory} must contain model.keras and vocabulary.json (written by helpers.lyrics.save)")
    model = keras.models.load_model(directory / "model.keras", safe_mode=True)
    return model, Vocabulary.load(directory / "vocabulary.json")


def _print(*args) -> None:
    print(*args, file=sys.stderr, flush=True)
