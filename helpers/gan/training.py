"""Training a GAN the post's way: 16 fixed noise vectors drawn after every epoch, scores per epoch.

``train_gan`` runs the TensorFlow-tutorial training step (both networks updated on every
batch; binary cross-entropy on logits with real targets 0.9; Adam 2e-4, beta_1 0.5) and
returns a ``GanRun`` with:

* ``snapshots``: the 16 fixed samples, shape ``(epochs + 1, 16, size, size, 3)`` (index 0
  is the untrained generator), what the post drew as a 4x4 grid after every epoch;
* ``metrics``: one dict of scores per epoch (``scorer`` applied to ``n_score`` samples
  from fixed noise), and ``reference``: the same scores for real images;
* ``losses`` and ``seconds`` per epoch.

With ``average=decay`` (e.g. 0.995) the run also keeps a running average of the generator's
weights (an exponential moving average, updated after every step; the fix for mode collapse
the chapter measures) and scores it beside the trained generator:
``average_generator``, ``average_snapshots`` and ``average_metrics``. Training itself is
unchanged: the average never feeds back, so the plain DCGAN and its average come from one run.

Everything random comes from ``seed``: the weights (``keras.utils.set_random_seed``), the
shuffling and the noise (numpy Generators seeded with ``(seed, epoch)``), so a run resumed
from its checkpoint continues exactly as if it had never stopped. With ``checkpoint_dir``
the whole state (weights, optimiser moments, dropout seeds, snapshots, scores) is written
after every epoch, and a new call with the same folder resumes from the last one.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from helpers.checks import check_float, check_int
from helpers.display import ProgressBlock
from helpers.gan.ellipses import check_image_size
from helpers.gan.models import DcganConfig, build_discriminator, build_generator, get_config

N_FIXED = 16

Scorer = Callable[..., dict]


@dataclass
class GanRun:
    """What one training run produced (see the module docstring)."""

    config: DcganConfig
    size: int
    seed: int
    snapshots: np.ndarray
    metrics: list[dict]
    reference: dict
    losses: dict[str, list[float]]
    seconds: list[float]
    generator: keras.Model
    discriminator: keras.Model
    fixed_noise: np.ndarray
    conditional_on: dict[str, int] = field(default_factory=dict)
    fixed_conditions: dict[str, np.ndarray] = field(default_factory=dict)
    average_generator: keras.Model | None = None
    average_snapshots: np.ndarray | None = None
    average_metrics: list[dict] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """Epochs trained (snapshots has one more entry: the untrained generator)."""
        return len(self.snapshots) - 1

    def metrics_table(self):
        """The per-epoch scores as a pandas DataFrame indexed by epoch (0 = untrained)."""
        import pandas as pd

        return pd.DataFrame(self.metrics).rename_axis("epoch")

    def generate(
        self, n: int, seed: int = 0, conditions: dict[str, np.ndarray] | None = None, average: bool = False
    ) -> np.ndarray:
        """``n`` images in [-1, 1] from seeded noise (and integer attribute codes if conditional).

        ``average=True`` draws them with the weight-averaged generator (runs trained with ``average``).
        """
        if average and self.average_generator is None:
            raise ValueError("average=True needs a run trained with average=<decay>")
        noise = np.random.default_rng(seed).standard_normal((n, self.config.noise_dim)).astype(np.float32)
        return generate(self.average_generator if average else self.generator, noise, self.conditional_on, conditions)


def one_hot_conditions(conditional_on: dict[str, int], conditions: dict[str, np.ndarray]) -> np.ndarray:
    """Concatenated one-hot vectors of integer attribute codes, in the order of ``conditional_on``."""
    blocks = []
    for name, count in conditional_on.items():
        codes = np.asarray(conditions[name], dtype=int)
        if codes.size and (codes.min() < 0 or codes.max() >= count):
            raise ValueError(f"conditions[{name!r}] must hold codes 0..{count - 1}, got {codes.min()}..{codes.max()}")
        blocks.append(np.eye(count, dtype=np.float32)[codes])
    return np.concatenate(blocks, axis=1)


def generate(
    generator: keras.Model,
    noise: np.ndarray,
    conditional_on: dict[str, int] | None = None,
    conditions: dict[str, np.ndarray] | None = None,
    batch_size: int = 256,
) -> np.ndarray:
    """Images from a (conditional) generator in inference mode, in batches."""
    outputs = []
    for start in range(0, len(noise), batch_size):
        chunk = noise[start : start + batch_size]
        if conditional_on:
            onehot = one_hot_conditions(
                conditional_on, {k: v[start : start + batch_size] for k, v in conditions.items()}
            )
            outputs.append(generator([chunk, onehot], training=False).numpy())
        else:
            outputs.append(generator(chunk, training=False).numpy())
    return np.concatenate(outputs)


def check_images(images: object, name: str = "images") -> np.ndarray:
    """``images`` as float32 ``(n, size, size, 3)`` in [-1, 1], n >= 1, size a power of two >= 16."""
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3 or images.shape[1] != images.shape[2]:
        raise ValueError(f"{name} must have shape (n, size, size, 3), got {images.shape}")
    if len(images) == 0:
        raise ValueError(f"{name} must hold at least one image, got 0")
    check_image_size(images.shape[1], f"{name} size")
    images = images.astype(np.float32, copy=False)
    if not np.isfinite(images).all() or images.min() < -1.0001 or images.max() > 1.0001:
        raise ValueError(
            f"{name} must be scaled to [-1, 1] (the generator's tanh range), "
            f"got values in [{images.min():.3g}, {images.max():.3g}]"
        )
    return images


def train_gan(
    images: np.ndarray,
    config: str | DcganConfig = "book",
    epochs: int = 10,
    seed: int = 0,
    labels: dict | None = None,
    *,
    conditional_on: dict[str, int] | None = None,
    scorer: Scorer | None = None,
    n_score: int = 256,
    batch_size: int | None = None,
    checkpoint_dir: str | Path | None = None,
    stop_after: int | None = None,
    average: float | None = None,
    verbose: bool = True,
    title: str | None = None,
) -> GanRun:
    """Train a DCGAN on ``images`` (``(n, size, size, 3)`` in [-1, 1]); see the module docstring.

    ``labels``: ellipse labels (from ``draw_ellipses``) make the ellipse scores the default
    ``scorer``; with ``conditional_on`` (``{attribute: number of values}``) they hold each
    image's integer attribute codes, and the networks become a conditional GAN: the generator
    takes the one-hot attributes beside the noise, and the discriminator also predicts them
    (an auxiliary classifier, as in AC-GAN). ``scorer(images)`` (or ``scorer(images,
    conditions)`` when conditional) returns a dict of scores. ``stop_after`` ends the run
    after that epoch (as if killed), leaving the checkpoint to resume from. ``average``: decay
    of the generator weight average (see the module docstring), ``None`` for none. With
    ``verbose``, one line per epoch, shown in a notebook as one block updated in place
    (``helpers.display.ProgressBlock``) and headed by ``title`` if given.
    """
    images = check_images(images)
    config = get_config(config)
    epochs = check_int("epochs", epochs, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    n_score = check_int("n_score", n_score, minimum=N_FIXED)
    if average is not None:
        average = check_float("average", average, minimum=0.0, maximum=1.0, inclusive_minimum=False)
    batch_size = _batch_size(batch_size, config, len(images))
    conditional_on = dict(conditional_on or {})
    codes = _attribute_codes(labels, conditional_on, len(images))
    if scorer is None and labels is not None and "angle" in labels:
        from helpers.gan.metrics import EllipseScorer  # metrics imports this module

        scorer = EllipseScorer(images, labels)
    last_epoch = epochs if stop_after is None else min(epochs, check_int("stop_after", stop_after, minimum=1))

    keras.utils.set_random_seed(seed)
    networks = GanNetworks.build(images.shape[1], config, conditional_on, average)
    fixed_noise, fixed_conditions = _fixed_draw(seed, n_score, config.noise_dim, codes)
    scoring = _Scoring(scorer, fixed_noise, conditional_on, fixed_conditions)
    step = make_train_step(networks, config, average)
    checkpoint = Path(checkpoint_dir) / "gan_state.npz" if checkpoint_dir is not None else None
    fingerprint = _fingerprint(images, config, seed, {**conditional_on, "__average__": average})
    progress = _progress(verbose, title)
    state = _State()
    if checkpoint is not None and checkpoint.exists():
        state = _load(checkpoint, fingerprint, *networks.saved_objects)
        if progress is not None:
            progress.add(f"resumed from {checkpoint} after epoch {state.epoch}")
    if state.epoch == 0:
        scoring.record_untrained(state, networks)
    reference = scoring.reference(images, codes, seed)
    for epoch in range(state.epoch + 1, last_epoch + 1):
        start = time.perf_counter()
        d_loss, g_loss = train_epoch(step, images, codes, config, batch_size, seed, epoch)
        seconds = time.perf_counter() - start
        scoring.record_epoch(state, networks)
        state.add_epoch(epoch, d_loss, g_loss, seconds)
        if checkpoint is not None:
            _save(checkpoint, fingerprint, state, *networks.saved_objects)
        if progress is not None:
            progress.add(_epoch_line(state, epochs, networks.average_generator is not None))
    return _as_run(state, networks, config, seed, reference, fixed_noise, conditional_on, fixed_conditions)


def _as_run(state, networks, config, seed, reference, fixed_noise, conditional_on, fixed_conditions) -> GanRun:
    averaged = networks.average_generator is not None
    return GanRun(
        config=config,
        size=state.snapshots[0].shape[1],
        seed=seed,
        snapshots=np.stack(state.snapshots),
        metrics=state.metrics,
        reference=reference,
        losses=state.losses,
        seconds=state.seconds,
        generator=networks.generator,
        discriminator=networks.discriminator,
        fixed_noise=fixed_noise[:N_FIXED],
        conditional_on=conditional_on,
        fixed_conditions={k: v[:N_FIXED] for k, v in fixed_conditions.items()},
        average_generator=networks.average_generator,
        average_snapshots=np.stack(state.average_snapshots) if averaged else None,
        average_metrics=state.average_metrics,
    )


def _batch_size(batch_size: int | None, config: DcganConfig, n_images: int) -> int:
    """The batch size, at most the data, a multiple of the discriminator's pack."""
    batch_size = check_int("batch_size", batch_size if batch_size is not None else config.batch_size, minimum=1)
    batch_size = min(batch_size, n_images)
    batch_size -= batch_size % config.pack
    if batch_size < config.pack:
        raise ValueError(
            f"images must hold at least {config.pack} images for config {config.name!r} "
            f"(its discriminator judges {config.pack} at once), got {n_images}"
        )
    return batch_size


def _attribute_codes(labels: dict | None, conditional_on: dict[str, int], n_images: int) -> dict[str, np.ndarray]:
    """Each image's integer code for every attribute of a conditional run (checked), ``{}`` otherwise."""
    if not conditional_on:
        return {}
    if labels is None:
        raise ValueError("conditional_on needs labels: each image's integer code for every attribute")
    codes = {}
    for name in conditional_on:
        if name not in labels:
            raise ValueError(f"labels has no attribute {name!r} (conditional_on names {list(conditional_on)})")
        codes[name] = np.asarray(labels[name], dtype=np.int32)
        if len(codes[name]) != n_images:
            raise ValueError(f"labels[{name!r}] has {len(codes[name])} entries for {n_images} images")
    one_hot_conditions(conditional_on, codes)  # checks the code ranges
    return codes


@dataclass
class GanNetworks:
    """The networks and optimisers of one run (and the generator's weight average, if kept)."""

    generator: keras.Model
    discriminator: keras.Model
    g_optimizer: keras.optimizers.Optimizer
    d_optimizer: keras.optimizers.Optimizer
    class_counts: tuple[int, ...] = ()
    average_generator: keras.Model | None = None

    @classmethod
    def build(
        cls, size: int, config: DcganConfig, conditional_on: dict[str, int] | None = None, average: float | None = None
    ) -> GanNetworks:
        """Fresh networks for ``size`` px images (seed Keras first); the Adam optimisers built."""
        conditional_on = conditional_on or {}
        generator = build_generator(size, config, condition_dim=sum(conditional_on.values()))
        class_counts = tuple(conditional_on.values())
        discriminator = build_discriminator(size, config, class_counts=class_counts)
        g_optimizer = keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1)
        d_optimizer = keras.optimizers.Adam(
            config.discriminator_learning_rate or config.learning_rate, beta_1=config.beta_1
        )
        g_optimizer.build(generator.trainable_variables)
        d_optimizer.build(discriminator.trainable_variables)
        average_generator = None
        if average is not None:
            average_generator = build_generator(
                size, config, condition_dim=sum(conditional_on.values()), name="average_generator"
            )
            average_generator.set_weights(generator.get_weights())
        return cls(generator, discriminator, g_optimizer, d_optimizer, class_counts, average_generator)

    @property
    def saved_objects(self) -> list:
        """What a checkpoint holds, in a fixed order."""
        objects = [self.generator, self.discriminator, self.g_optimizer, self.d_optimizer]
        return objects + ([self.average_generator] if self.average_generator is not None else [])


def _fixed_draw(
    seed: int, n_score: int, noise_dim: int, codes: dict[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The noise scored (and drawn) every epoch, and, if conditional, attributes drawn like the data's."""
    fixed_rng = np.random.default_rng([seed, 2**31 - 1])
    fixed_noise = fixed_rng.standard_normal((n_score, noise_dim)).astype(np.float32)
    fixed_conditions = {}
    if codes:
        picks = fixed_rng.integers(0, len(next(iter(codes.values()))), n_score)
        fixed_conditions = {name: values[picks] for name, values in codes.items()}
    return fixed_noise, fixed_conditions


@dataclass
class _Scoring:
    """Draws the fixed samples and scores them, for the trained generator and its average."""

    scorer: Scorer | None
    fixed_noise: np.ndarray
    conditional_on: dict[str, int]
    fixed_conditions: dict[str, np.ndarray]

    def score(self, images: np.ndarray, conditions: dict | None = None) -> dict:
        if self.scorer is None:
            return {}
        if self.conditional_on:
            return self.scorer(images, self.fixed_conditions if conditions is None else conditions)
        return self.scorer(images)

    def draw(self, generator: keras.Model) -> np.ndarray:
        return generate(generator, self.fixed_noise, self.conditional_on, self.fixed_conditions)

    def record_untrained(self, state: _State, networks: GanNetworks) -> None:
        first = self.draw(networks.generator)
        state.snapshots = [first[:N_FIXED]]
        state.metrics = [self.score(first)]
        if networks.average_generator is not None:
            state.average_snapshots = [first[:N_FIXED]]
            state.average_metrics = [state.metrics[0]]

    def record_epoch(self, state: _State, networks: GanNetworks) -> None:
        samples = self.draw(networks.generator)
        state.snapshots.append(samples[:N_FIXED])
        state.metrics.append(self.score(samples))
        if networks.average_generator is not None:
            averaged = self.draw(networks.average_generator)
            state.average_snapshots.append(averaged[:N_FIXED])
            state.average_metrics.append(self.score(averaged))

    def reference(self, images: np.ndarray, codes: dict[str, np.ndarray], seed: int) -> dict:
        """The same scores for real images (a seeded pick of up to ``n_score`` of them)."""
        if self.conditional_on and self.scorer is None:
            return {}
        n = min(len(self.fixed_noise), len(images))
        picks = np.random.default_rng([seed, 7]).choice(len(images), n, replace=False)
        return self.score(images[picks], {name: values[picks] for name, values in codes.items()})


def train_epoch(
    step, images: np.ndarray, codes: dict[str, np.ndarray], config: DcganConfig, batch_size: int, seed: int, epoch: int
) -> tuple[float, float]:
    """One epoch of ``step`` over ``images`` shuffled with ``(seed, epoch)``; mean losses (D, G)."""
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(images))
    batches = len(images) // batch_size
    d_total = g_total = 0.0
    for batch in range(batches):
        index = order[batch * batch_size : (batch + 1) * batch_size]
        noise = rng.standard_normal((batch_size, config.noise_dim)).astype(np.float32)
        inputs = [tf.constant(images[index]), tf.constant(noise)]
        if codes:
            wanted = rng.integers(0, len(images), batch_size)  # fake attributes drawn like the data's
            inputs += [
                tf.constant(np.stack([values[index] for values in codes.values()], 1)),
                tf.constant(np.stack([values[wanted] for values in codes.values()], 1)),
            ]
        if config.augment:
            # Seeds of the augmentations drawn here, so a resumed run repeats them exactly.
            inputs.append(tf.constant(rng.integers(0, 2**31 - 1, 2), dtype=tf.int32))
        d_loss, g_loss = step(*inputs)
        d_total += float(d_loss)
        g_total += float(g_loss)
    return d_total / batches, g_total / batches


def _progress(verbose: bool, title: str | None) -> ProgressBlock | None:
    """One output block updated in place, so a run is one box on the page."""
    if not verbose:
        return None
    progress = ProgressBlock()
    if title:
        progress.add(title)
    return progress


#: The scores a progress line shows (the rest are in ``GanRun.metrics``): enough to follow a run.
PROGRESS_SCORES = ("valid", "hue_coverage", "angle_coverage", "pixel_diversity", "coverage", "kid")


def _epoch_line(state: _State, epochs: int, averaged: bool) -> str:
    """The progress line of the last epoch: seconds, losses, the main scores (and the average's coverage)."""
    scores = state.metrics[-1]
    shown = [f"{name} {scores[name]:.3f}" for name in PROGRESS_SCORES if isinstance(scores.get(name), float)]
    agreement = [value for name, value in scores.items() if name.startswith("agreement_")]
    if agreement:
        shown.append(f"agreement {np.mean(agreement):.3f}")
    line = ", ".join(shown)
    if averaged:
        for name in ("coverage", "hue_coverage"):
            if name in state.average_metrics[-1]:
                line += f" (average: {name} {state.average_metrics[-1][name]:.3f})"
                break
    return (
        f"epoch {state.epoch}/{epochs}: {state.seconds[-1]:.1f} s, loss D {state.losses['discriminator'][-1]:.3f} "
        f"G {state.losses['generator'][-1]:.3f}" + (f"; {line}" if line else "")
    )


def _pack(images: tf.Tensor, pack: int) -> tf.Tensor:
    """Stack groups of ``pack`` consecutive images on the channel axis (PacGAN)."""
    if pack == 1:
        return images
    shape = tf.shape(images)
    grouped = tf.reshape(images, (-1, pack, shape[1], shape[2], 3))
    grouped = tf.transpose(grouped, (0, 2, 3, 1, 4))
    return tf.reshape(grouped, (-1, shape[1], shape[2], 3 * pack))


def augment(images: tf.Tensor, kinds: tuple[str, ...], seed: tf.Tensor) -> tf.Tensor:
    """DiffAugment (Zhao et al. 2020): the same random, differentiable changes for real and generated images.

    ``"translation"`` shifts each image by up to 1/8 of its side (the uncovered border is 0,
    mid-grey); ``"color"`` changes brightness, saturation and contrast. The discriminator
    only ever sees augmented images, so it cannot learn the training set pixel by pixel; the
    generator's gradient passes through the changes. ``seed``: two int32 (stateless random ops).
    """
    n = tf.shape(images)[0]
    size = images.shape[1]
    if "color" in kinds:
        draws = tf.random.stateless_uniform((n, 3, 1, 1, 1), seed + 7)
        images = images + (draws[:, 0] - 0.5)
        channel_mean = tf.reduce_mean(images, axis=3, keepdims=True)
        images = (images - channel_mean) * (draws[:, 1] * 2) + channel_mean
        image_mean = tf.reduce_mean(images, axis=(1, 2, 3), keepdims=True)
        images = (images - image_mean) * (draws[:, 2] + 0.5) + image_mean
    if "translation" in kinds:
        limit = max(1, size // 8)
        shift = tf.random.stateless_uniform((n, 2), seed, -limit, limit + 1, dtype=tf.int32)
        positions = tf.range(size)[None, :]
        rows, columns = positions - shift[:, :1], positions - shift[:, 1:]
        inside_rows = tf.cast((rows >= 0) & (rows < size), images.dtype)
        inside_columns = tf.cast((columns >= 0) & (columns < size), images.dtype)
        images = tf.gather(images, tf.clip_by_value(rows, 0, size - 1), axis=1, batch_dims=1)
        images = tf.gather(images, tf.clip_by_value(columns, 0, size - 1), axis=2, batch_dims=1)
        images = images * (inside_rows[:, :, None, None] * inside_columns[:, None, :, None])
    return images


def _class_loss(logits: tf.Tensor, wanted: tf.Tensor, class_counts: tuple[int, ...]) -> tf.Tensor:
    """Sum over the attributes of the cross-entropy of their softmax blocks in ``logits``."""
    offsets = np.concatenate([[0], np.cumsum(class_counts)]).astype(int)
    total = 0.0
    for index in range(len(class_counts)):
        total += tf.reduce_mean(
            tf.keras.losses.sparse_categorical_crossentropy(
                wanted[:, index], logits[:, offsets[index] : offsets[index + 1]], from_logits=True
            )
        )
    return total


def _onehot(codes: tf.Tensor, class_counts: tuple[int, ...]) -> tf.Tensor:
    return tf.concat([tf.one_hot(codes[:, i], count) for i, count in enumerate(class_counts)], axis=1)


def _logits(networks: GanNetworks, config: DcganConfig, real, fake, real_codes, fake_codes):
    """The discriminator's outputs for real and generated images: ``(real, fake)``, each (logit, classes)."""
    counts = networks.class_counts
    discriminator = networks.discriminator
    if counts and config.projection:
        return (
            discriminator([real, _onehot(real_codes, counts)], training=True),
            discriminator([fake, _onehot(fake_codes, counts)], training=True),
        )
    if counts:
        return discriminator(real, training=True), discriminator(fake, training=True)
    return (
        (discriminator(_pack(real, config.pack), training=True), None),
        (discriminator(_pack(fake, config.pack), training=True), None),
    )


def make_train_step(networks: GanNetworks, config: DcganConfig, decay: float | None = None):
    """One compiled step updating both networks, the tutorial's way (plus AC-GAN terms if conditional).

    ``step(real, noise[, real_codes, fake_codes][, augment_seed])`` returns the two losses
    ``(discriminator, generator)``. With ``networks.average_generator`` every weight and
    batch-norm statistic of the generator is also folded into its running average, with a
    warm-up so early steps do not dominate: ``min(decay, (1 + t) / (10 + t))`` at step ``t``.
    """
    generator, discriminator = networks.generator, networks.discriminator
    counts = networks.class_counts
    pairs = []
    if networks.average_generator is not None:
        pairs = [
            (a, v)
            for a, v in zip(networks.average_generator.variables, generator.variables, strict=True)
            if "seed_generator" not in v.path
        ]
    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def step(real, noise, *more):
        real_codes, fake_codes = (more[0], more[1]) if counts else (None, None)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator([noise, _onehot(fake_codes, counts)] if counts else noise, training=True)
            if config.augment:
                real = augment(real, config.augment, more[-1])
                fake = augment(fake, config.augment, more[-1] + 1)
            (real_logit, real_classes), (fake_logit, fake_classes) = _logits(
                networks, config, real, fake, real_codes, fake_codes
            )
            d_loss = bce(tf.fill(tf.shape(real_logit), config.real_target), real_logit) + bce(
                tf.zeros_like(fake_logit), fake_logit
            )
            g_loss = bce(tf.ones_like(fake_logit), fake_logit)
            if counts:
                d_loss += _class_loss(real_classes, real_codes, counts)
                g_loss += config.class_weight * _class_loss(fake_classes, fake_codes, counts)
        g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
        d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
        networks.g_optimizer.apply_gradients(zip(g_grads, generator.trainable_variables, strict=True))
        networks.d_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables, strict=True))
        if pairs:
            steps = tf.cast(networks.g_optimizer.iterations, tf.float32)  # saved with the optimiser: resumes exactly
            rate = tf.minimum(decay, (1.0 + steps) / (10.0 + steps))
            for averaged, current in pairs:
                averaged.assign(rate * averaged + (1.0 - rate) * current)
        return d_loss, g_loss

    return step


@dataclass
class _State:
    epoch: int = 0
    snapshots: list = field(default_factory=list)
    metrics: list = field(default_factory=list)
    losses: dict = field(default_factory=lambda: {"discriminator": [], "generator": []})
    seconds: list = field(default_factory=list)
    average_snapshots: list = field(default_factory=list)
    average_metrics: list = field(default_factory=list)

    def add_epoch(self, epoch: int, d_loss: float, g_loss: float, seconds: float) -> None:
        self.losses["discriminator"].append(d_loss)
        self.losses["generator"].append(g_loss)
        self.seconds.append(seconds)
        self.epoch = epoch


def _fingerprint(images: np.ndarray, config: DcganConfig, seed: int, conditional_on: dict) -> str:
    """What a checkpoint must match to be resumed: data, configuration, seed."""
    import hashlib

    digest = hashlib.sha256(np.ascontiguousarray(images).tobytes()).hexdigest()[:16]
    return json.dumps(
        {"images": digest, "config": asdict(config), "seed": seed, "conditional_on": conditional_on}, sort_keys=True
    )


def _save(path: Path, fingerprint: str, state: _State, *objects) -> None:
    """Every variable (weights, batch-norm statistics, dropout seeds, optimiser moments) plus the history."""
    arrays = {f"v{i}_{j}": v.numpy() for i, obj in enumerate(objects) for j, v in enumerate(obj.variables)}
    meta = json.dumps(
        {
            "fingerprint": fingerprint,
            "epoch": state.epoch,
            "metrics": state.metrics,
            "losses": state.losses,
            "seconds": state.seconds,
            "average_metrics": state.average_metrics,
        }
    )
    if state.average_snapshots:
        arrays["average_snapshots"] = np.stack(state.average_snapshots)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.stem + ".partial.npz")
    np.savez(temporary, meta=np.array(meta), snapshots=np.stack(state.snapshots), **arrays)
    os.replace(temporary, path)  # a kill during the write leaves the previous checkpoint intact


def _load(path: Path, fingerprint: str, *objects) -> _State:
    with np.load(path) as saved:
        meta = json.loads(str(saved["meta"]))
        if meta["fingerprint"] != fingerprint:
            raise ValueError(
                f"checkpoint_dir holds a run with other images, configuration or seed ({path}); "
                f"use another folder or delete it"
            )
        for i, obj in enumerate(objects):
            for j, variable in enumerate(obj.variables):
                variable.assign(saved[f"v{i}_{j}"])
        snapshots = list(saved["snapshots"])
        average_snapshots = list(saved["average_snapshots"]) if "average_snapshots" in saved else []
    return _State(
        epoch=meta["epoch"],
        snapshots=snapshots,
        metrics=meta["metrics"],
        losses=meta["losses"],
        seconds=meta["seconds"],
        average_snapshots=average_snapshots,
        average_metrics=meta["average_metrics"],
    )
