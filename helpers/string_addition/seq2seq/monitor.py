"""The Keras callback that steers training from the validation questions.

``ExactMatchMonitor`` sets the learning rate before each compiled call, checks exact-match
on the *validation* questions ``checks_per_epoch`` times per epoch (and after every call
once they are close), starts the adaptive decay, reports progress and stops. It never sees
the test questions (``data.test_questions``): those only report, after training.
"""

from __future__ import annotations

import time
from typing import Any

import keras
import numpy as np

from helpers.display import ProgressBlock
from helpers.string_addition.seq2seq.data import Questions, decode
from helpers.string_addition.seq2seq.model import predict
from helpers.string_addition.seq2seq.schedules import adaptive_span, adaptive_start, learning_rate_at
from helpers.string_addition.seq2seq.settings import Seq2SeqSettings

#: What the monitor records per epoch, besides Keras' own ``loss`` and ``accuracy``.
RECORDED = ("val_loss", "val_accuracy", "val_exact", "epoch", "seconds", "learning_rate", "checks")


def score(model: Any, data: Questions) -> dict[str, Any]:
    """Exact-match, per-character accuracy and Keras' loss of ``model`` on ``data``, with the
    probabilities and which answers were right."""
    targets = data.y.argmax(axis=-1)
    probabilities = predict(model, data.x)
    guesses = probabilities.argmax(axis=-1)
    right = np.all(guesses == targets, axis=1)
    picked = np.take_along_axis(probabilities, targets[..., None], axis=-1)
    return {
        "exact": float(right.mean()),
        "characters": float(np.mean(guesses == targets)),
        # Keras' categorical cross-entropy: the mean over every (answer, step) pair.
        "loss": float(-np.mean(np.log(np.clip(picked, 1e-7, 1.0)))),
        "probabilities": probabilities,
        "right": right,
    }


class ExactMatchMonitor(keras.callbacks.Callback):
    """Keras callback: the learning-rate schedule, validation exact-match ``checks_per_epoch``
    times per epoch, a compact report, and the early stop."""

    def __init__(self, validation: Questions, config: Seq2SeqSettings, seed: int, steps_per_epoch: int):
        super().__init__()
        self.validation = validation
        self.config = config
        self.steps_per_epoch = steps_per_epoch
        self.total_steps = config.epochs * steps_per_epoch
        self.warmup_steps = int(round(config.warmup_epochs * steps_per_epoch))
        self.decay_steps = max(1, int(round(config.decay_epochs * steps_per_epoch)))
        self.floor_steps = int(round(config.floor_epochs * steps_per_epoch)) if config.decay_floor > 0 else 0
        self.span = adaptive_span(self.decay_steps, config.decay_floor, self.floor_steps)
        # Check after the compiled call that crosses each 1/checks_per_epoch of an epoch.
        self.check_every = max(1, steps_per_epoch // config.checks_per_epoch)
        self.extra: dict[str, list] = {key: [] for key in RECORDED}
        self._rng = np.random.default_rng([seed, 1])
        self._progress = ProgressBlock() if config.verbose else None
        self._started = 0.0
        self._evaluating = 0.0  # seconds spent on validation checks, not counted as training
        self._next_check = self.check_every
        self._decay_start: int | None = None  # adaptive schedule: set by the first check at the trigger
        self._close = False  # True once the exact-match reached close_checks_from
        self._last: dict[str, Any] = {}

    def _step(self) -> int:
        return int(self.model.optimizer.iterations.numpy())

    def _seconds(self) -> float:
        return time.perf_counter() - self._started - self._evaluating

    def _check(self) -> bool:
        """Score the validation questions; True if training should stop."""
        config = self.config
        seconds = self._seconds()
        began = time.perf_counter()
        step = self._step()
        scores = score(self.model, self.validation)
        self._last = {
            "val_exact": scores["exact"],
            "val_accuracy": scores["characters"],
            "val_loss": scores["loss"],
            "probabilities": scores["probabilities"],
            "right": scores["right"],
            "epoch": step / self.steps_per_epoch,
            "seconds": seconds,
        }
        exact = self._last["val_exact"]
        self.extra["checks"].append((round(step / self.steps_per_epoch, 4), exact, seconds))
        if self._decay_start is None and exact >= config.decay_trigger:
            self._decay_start = step
        if config.close_checks_from is not None and exact >= config.close_checks_from:
            self._close = True
        self._evaluating += time.perf_counter() - began
        stop = config.target_exact is not None and exact >= config.target_exact
        return stop or (config.max_seconds is not None and seconds >= config.max_seconds)

    def _decayed(self, step: int) -> bool:
        """True once the adaptive schedule's rate reached zero: more steps change nothing."""
        if self.config.schedule != "adaptive":
            return False
        return step >= adaptive_start(self.total_steps, self.span, self._decay_start) + self.span

    def on_train_begin(self, logs=None):
        self._started = time.perf_counter()

    def on_train_batch_begin(self, batch, logs=None):
        config = self.config
        if config.schedule == "constant":
            return
        self.model.optimizer.learning_rate = learning_rate_at(
            self._step(),
            self.total_steps,
            self.warmup_steps,
            config.learning_rate,
            config.schedule,
            config.decay_fraction,
            self._decay_start,
            self.decay_steps,
            config.decay_floor,
            self.floor_steps,
        )

    def on_train_batch_end(self, batch, logs=None):
        step = self._step()
        if step % self.steps_per_epoch == 0:
            return  # epoch ends are checked in on_epoch_end; here only the checks inside an epoch
        scheduled = self.config.checks_per_epoch > 1 and step >= self._next_check
        if scheduled or self._close or self._decayed(step):
            self._next_check = (step // self.check_every + 1) * self.check_every
            if self._check() or self._decayed(step):
                self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        step = self._step()
        self._next_check = (step // self.check_every + 1) * self.check_every
        # Stopped inside the epoch: report that check rather than make another.
        stop = True if self.model.stop_training else self._check()
        if self.config.stop_epoch is not None and epoch + 1 >= self.config.stop_epoch:
            stop = True
        stop = stop or self._decayed(step)
        for key in ("val_loss", "val_accuracy", "val_exact", "epoch", "seconds"):
            self.extra[key].append(self._last[key])
        self.extra["learning_rate"].append(float(np.asarray(self.model.optimizer.learning_rate)))
        if self._progress is not None:
            self._report(logs or {})
        if stop:
            self.model.stop_training = True

    def _report(self, logs: dict) -> None:
        # Lines of at most about 80 characters: they fit the book's output boxes.
        config, last = self.config, self._last
        self._progress.add(
            f"epoch {last['epoch']:4.2f}/{config.epochs} {last['seconds']:6.1f} s  "
            f"loss {logs.get('loss', float('nan')):.3f}  validation: "
            f"{last['val_accuracy']:6.2%} chars, {last['val_exact']:6.2%} right"
        )
        if config.verbose == 2 and config.show:
            self._progress.add(self._examples())

    def _examples(self) -> str:
        """A line of a few validation questions and the network's answers: ✓ right, ✗ wrong."""
        validation, last = self.validation, self._last
        picks = self._rng.choice(len(validation), size=min(self.config.show, len(validation)), replace=False)
        line = "   "
        for i, guess in zip(picks, decode(last["probabilities"][picks]), strict=False):
            mark = "✓" if last["right"][i] else f"✗({validation.answers[i]})"
            shown = f" {validation.questions[i]}={guess or '?'}{mark}"
            if len(line) + len(shown) > 80:
                break
            line += shown
        return line
