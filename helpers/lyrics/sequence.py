"""The blog's other technique: sequence to sequence.

Instead of one next word per window, the network writes a word at *every* position of the
window: reading words 1..k it predicts word k + 1, for every k (both GRUs return
sequences, the softmax runs at each step). Padding positions are not scored. Generation
only ever uses the last position, which is exactly the sequence-to-word task, so the two
are compared on that: the last position's accuracy on the test songs after each epoch,
scored after training from the weights each run kept (training reads validation only).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np

from helpers.display import ProgressBlock
from helpers.lyrics.configs import TrainingConfig, get_config
from helpers.lyrics.training_data import TrainingData


def shifted_targets(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-position targets (the window shifted by one word) and weights (0 where the target is padding)."""
    targets = np.concatenate([x[:, 1:], y[:, None]], axis=1)
    return targets, (targets > 0).astype(np.float32)


def build_sequence_model(vocabulary_size: int, window: int, config: TrainingConfig):
    """The blog's layers with every step's output kept."""
    inputs = keras.Input(shape=(window,), dtype="int32")
    x = keras.layers.Embedding(vocabulary_size, config.embedding_dim)(inputs)
    x = keras.layers.GRU(config.units, return_sequences=True)(x)
    x = keras.layers.GRU(
        config.units, return_sequences=True, dropout=config.dropout, recurrent_dropout=config.recurrent_dropout
    )(x)
    x = keras.layers.Dense(config.dense_units, activation="relu")(x)
    x = keras.layers.Dropout(config.head_dropout)(x)
    outputs = keras.layers.Dense(vocabulary_size, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="lyrics_sequence_to_sequence")


@dataclass
class SequenceRun:
    """A trained sequence-to-sequence network, its per-epoch validation scores and weights."""

    model: object
    history: dict[str, list[float]]
    snapshots: dict[int, list[np.ndarray]] = field(default_factory=dict)


def last_word_scores(model, x: np.ndarray, y: np.ndarray, every_step: bool) -> dict[str, float]:
    """Loss and accuracy of the word after each window (the last position of an every-step network)."""
    batches = [np.asarray(model.predict_on_batch(x[i : i + 2048])) for i in range(0, len(y), 2048)]
    last = np.concatenate([b[:, -1] if every_step else b for b in batches]).astype(np.float64)
    picked = last[np.arange(len(y)), y]
    return {
        "loss": float(-np.log(np.maximum(picked, 1e-300)).mean()),
        "accuracy": float((last.argmax(axis=1) == y).mean()),
    }


def train_sequence(
    data: TrainingData, config: str | TrainingConfig = "gene", epochs: int = 3, seed: int = 0, verbose: int = 1
) -> SequenceRun:
    """Train the sequence-to-sequence variant; per epoch: last-position validation loss and accuracy, seconds.

    The weights after every epoch are kept (``snapshots``), so that the test songs can be
    scored after training without training ever reading them.
    """
    config = get_config(config, epochs=epochs)
    keras.utils.set_random_seed(seed)
    model = build_sequence_model(len(data.vocabulary), data.vocabulary.window, config)
    steps = int(np.ceil(len(data.y_train) / config.batch_size))
    rate = config.learning_rate
    if config.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(config.learning_rate, decay_steps=epochs * steps)
    optimizer = keras.optimizers.RMSprop(rate) if config.optimizer == "rmsprop" else keras.optimizers.Adam(rate)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    targets, weights = shifted_targets(data.x_train, data.y_train)
    run = SequenceRun(model, {"val_loss": [], "val_accuracy": [], "seconds": []})
    progress = ProgressBlock() if verbose else None
    started = time.perf_counter()
    for epoch in range(epochs):
        model.fit(
            data.x_train,
            targets,
            sample_weight=weights,
            batch_size=config.batch_size,
            epochs=epoch + 1,
            initial_epoch=epoch,
            shuffle=True,
            verbose=0,
        )
        scores = last_word_scores(model, data.x_validation, data.y_validation, every_step=True)
        run.history["val_loss"].append(scores["loss"])
        run.history["val_accuracy"].append(scores["accuracy"])
        run.history["seconds"].append(time.perf_counter() - started)
        run.snapshots[epoch + 1] = model.get_weights()
        if progress is not None:
            progress.add(
                f"[sequence to sequence] epoch {epoch + 1}: validation loss (last word) {scores['loss']:.3f} "
                f"accuracy {scores['accuracy']:.1%}  ({run.history['seconds'][-1]:.0f} s)"
            )
    return run


def accuracy_by_epoch_on_test(word_model, word_history, sequence_run: SequenceRun, data: TrainingData):
    """The last word's test accuracy after each epoch both runs kept, and the seconds each run took to get there.

    ``word_history`` is the sequence-to-word run's :class:`helpers.lyrics.training.History`
    (trained with ``snapshot_epochs``).
    """
    x, y = data.test_windows()
    word_snapshots = word_history.snapshots
    epochs = sorted(set(word_snapshots) & set(sequence_run.snapshots))
    table = {"epoch": epochs, "sequence to word": [], "sequence to sequence": []}
    table["seconds, sequence to word"] = [word_history.history["seconds"][e - 1] for e in epochs]
    table["seconds, sequence to sequence"] = [sequence_run.history["seconds"][e - 1] for e in epochs]
    word_weights, sequence_weights = word_model.get_weights(), sequence_run.model.get_weights()
    for epoch in epochs:
        word_model.set_weights(word_snapshots[epoch])
        table["sequence to word"].append(last_word_scores(word_model, x, y, every_step=False)["accuracy"])
        sequence_run.model.set_weights(sequence_run.snapshots[epoch])
        table["sequence to sequence"].append(last_word_scores(sequence_run.model, x, y, every_step=True)["accuracy"])
    word_model.set_weights(word_weights)  # both networks as trained
    sequence_run.model.set_weights(sequence_weights)
    return table
