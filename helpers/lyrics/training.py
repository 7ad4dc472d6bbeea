"""Training a configuration's network: early stopping on validation, best weights, resume.

:func:`train` trains on the training songs of :func:`helpers.lyrics.training_data.prepare`,
evaluates the validation songs after every epoch (``val_loss``, ``val_accuracy``) and never
reads the test songs. Early stopping watches ``config.monitor``; the returned model has the
best weights. Either way of training (``TrainingConfig.targets``) returns the window ->
next-word network, whose validation loss is measured on the same validation windows, and
generation, perplexity and the browser export see the same interface.

Training writes a checkpoint after every epoch (:mod:`helpers.lyrics.checkpoints`); a run
killed at any moment resumes from its last completed epoch (``resume=True``, the default
when ``checkpoint_dir`` is given). Progress is one line per epoch in a
:class:`helpers.display.ProgressBlock`.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import keras

from helpers.batches import shuffled_batches
from helpers.checks import check_int
from helpers.display import ProgressBlock
from helpers.lyrics import checkpoints
from helpers.lyrics.configs import TrainingConfig, get_config
from helpers.lyrics.corpus import Corpus
from helpers.lyrics.network import build_model, compile_model, read_glove
from helpers.lyrics.training_data import TrainingData, language_model_pieces, prepare, validation_scores


@dataclass
class History:
    """Per-epoch ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy`` (validation) and cumulative ``seconds``."""

    history: dict[str, list[float]] = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    resumed_from_epoch: int = 0
    best_epoch: int = 0
    stopped_early: bool = False
    #: The weights after the epochs ``train(snapshot_epochs=...)`` asked for (not kept across a resume).
    snapshots: dict[int, list] = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        return len(self.history.get("loss", []))

    def seconds_to(self, key: str, target: float) -> float | None:
        """Training seconds until ``history[key]`` first fell to ``target`` or below (``None``: never)."""
        for value, seconds in zip(self.history.get(key, []), self.history.get("seconds", []), strict=True):
            if value <= target:
                return seconds
        return None


@dataclass
class StopRules:
    """When a run stops besides its epochs: the monitor's patience, a validation-loss target, a time limit."""

    monitor: str
    patience: int
    target_val_loss: float | None = None
    time_limit: float | None = None

    def should_stop(self, state: dict, logs: dict, seconds: float) -> bool:
        if state["wait"] >= self.patience:
            return True
        if self.target_val_loss is not None and logs.get("val_loss", math.inf) <= self.target_val_loss:
            return True
        return self.time_limit is not None and seconds >= self.time_limit


class EpochKeeper(keras.callbacks.Callback):
    """Early stopping, best weights and checkpoints in one callback whose state survives a restart."""

    def __init__(self, name, directory, rules: StopRules, history, state, progress, validate, snapshot_epochs=()):
        super().__init__()
        self.name, self.directory, self.rules = name, directory, rules
        self.history_, self.state, self.progress, self.validate = history, state, progress, validate
        self.best_weights = None
        self.snapshot_epochs, self.snapshots = set(snapshot_epochs), {}

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        if self.validate is not None:
            logs.update(self.validate())
        seconds = self.state["seconds"] = self.state["seconds"] + time.perf_counter() - self.started
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            if key in logs:
                self.history_.setdefault(key, []).append(float(logs[key]))
        self.history_.setdefault("seconds", []).append(seconds)
        value = float(logs[self.rules.monitor])
        if value < self.state["best"]:
            self.state.update(best=value, wait=0, best_epoch=epoch + 1)
            self.best_weights = self.model.get_weights()
            if self.directory:
                checkpoints.save_best(self.directory, self.model)
        else:
            self.state["wait"] += 1
        self.state["stopped"] = self.state["stopped"] or self.rules.should_stop(self.state, logs, seconds)
        self.state["epoch"] = epoch + 1
        if epoch + 1 in self.snapshot_epochs:
            self.snapshots[epoch + 1] = self.model.get_weights()
        if self.state["stopped"]:
            self.model.stop_training = True
        if self.directory:
            checkpoints.save_epoch(self.directory, self.model, self.state, self.history_)
        if self.progress is not None:
            self.progress.add(epoch_line(self.name, epoch + 1, logs, seconds))


def epoch_line(name: str, epoch: int, logs: dict, seconds: float) -> str:
    """One epoch's progress line."""
    validation = (
        f", validation loss {logs['val_loss']:.3f} accuracy {logs['val_accuracy']:.1%}" if "val_loss" in logs else ""
    )
    training = f"loss {logs['loss']:.3f} accuracy {logs['accuracy']:.1%}"
    return f"[{name}] epoch {epoch:3d}: {training}{validation}  ({seconds:.0f} s)"


def _start(config: TrainingConfig, data: TrainingData, seed: int, steps: int, glove_path, directory, resume, progress):
    """``(model, state, history)``: resumed from ``directory`` when it holds this run (and ``resume``), else new."""
    vocabulary = data.vocabulary
    fingerprint = {"config": asdict(config), "seed": seed, "vocabulary": len(vocabulary), "windows": steps}
    resumed = None
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        resumed = checkpoints.resumable(directory, fingerprint) if resume else None
        vocabulary.save(directory / "vocabulary.json")
    if resumed is not None:
        state, history, model = resumed
        if progress is not None:
            progress.add(f"[{config.name}] resuming after epoch {state['epoch']} from {directory}")
        # A new seed per resumed epoch keeps the shuffles reproducible without repeating epoch 1's.
        keras.utils.set_random_seed(seed + 1000 * state["epoch"])
    else:
        state, history = checkpoints.fresh_state(), {}
        keras.utils.set_random_seed(seed)
        matrix = read_glove(glove_path, vocabulary, config.embedding_dim, seed) if glove_path else None
        model = build_model(
            len(vocabulary), vocabulary.window, config, matrix, every_step=config.targets == "every word"
        )
        compile_model(model, config, math.ceil(steps / config.batch_size))
    state["fingerprint"] = fingerprint
    return model, state, history


def train(
    corpus: Corpus,
    config: str | TrainingConfig = "gene",
    seed: int = 0,
    *,
    epochs: int | None = None,
    data: TrainingData | None = None,
    held_out: float = 0.1,
    validation: float = 0.1,
    checkpoint_dir: Path | str | None = None,
    resume: bool = True,
    glove_path: Path | str | None = None,
    target_val_loss: float | None = None,
    time_limit: float | None = None,
    snapshot_epochs=(),
    verbose: int = 1,
    **overrides,
):
    """Train a configuration's network: ``(model, vocabulary, history)``.

    The songs are ``prepare(corpus, config, seed, held_out, validation)``'s (or ``data``):
    it trains on the training songs, validates on the validation songs and never reads the
    test songs. ``checkpoint_dir`` makes every epoch durable and ``resume`` continues an
    interrupted run from there. ``target_val_loss`` and ``time_limit`` (seconds) stop early
    (used by the benchmark). ``snapshot_epochs`` keeps the weights after those epochs
    (``History.snapshots``), to score them on test songs after training. ``verbose=1`` shows
    one line per epoch.
    """
    config = get_config(config, epochs=epochs, **overrides)
    check_int("seed", seed, minimum=0)
    data = data if data is not None else prepare(corpus, config, seed, held_out=held_out, validation=validation)
    every_word = config.targets == "every word"
    if every_word:
        arrays = language_model_pieces(data, config)
    else:
        arrays = (data.x_train, data.y_train)
    directory = Path(checkpoint_dir) if checkpoint_dir is not None else None
    progress = ProgressBlock() if verbose else None
    model, state, history = _start(config, data, seed, len(arrays[1]), glove_path, directory, resume, progress)
    resumed_from = state["epoch"]
    validate, inference = None, model
    if every_word:
        # Generation, scoring and the browser use the window -> next word network: the same
        # weights with the last step only, scored on the same validation windows as every network.
        inference = build_model(len(data.vocabulary), data.vocabulary.window, config)

        def validate() -> dict[str, float]:
            inference.set_weights(model.get_weights())
            return validation_scores(inference, data)

    rules = StopRules(config.monitor, config.patience, target_val_loss, time_limit)
    keeper = EpochKeeper(config.name, directory, rules, history, state, progress, validate, snapshot_epochs)
    if not state["stopped"] and state["epoch"] < config.epochs:
        run_seed = seed + 1000 * resumed_from
        model.fit(
            # fit's own batches, without tf.data's autotuning thread (see helpers.batches)
            shuffled_batches(arrays, config.batch_size, reshuffle_seed=run_seed if config.reshuffle else None),
            epochs=config.epochs,
            initial_epoch=state["epoch"],
            validation_data=None if every_word else (data.x_validation, data.y_validation),
            validation_batch_size=2048,
            shuffle=False,  # the batches come shuffled
            verbose=0,
            callbacks=[keeper],
        )
    if keeper.best_weights is not None:
        model.set_weights(keeper.best_weights)
    elif checkpoints.best_weights_file(directory) is not None:
        model.load_weights(checkpoints.best_weights_file(directory))
    if every_word:
        inference.set_weights(model.get_weights())
        model = inference
    result = History(
        history, asdict(config), resumed_from, state["best_epoch"], bool(state["stopped"]), keeper.snapshots
    )
    return model, data.vocabulary, result
