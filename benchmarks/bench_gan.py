"""Benchmark: seconds per 10,000-image epoch of the post's 64 px DCGAN against the book's 32 px one.

In one process, on the same kind of images (opaque coloured ellipses), it times the training
step of ``train_gan`` (both networks updated, the tutorial's way) for the *original*
configuration at 64 px (generator 1024-512-256-128, discriminator 64-128-256, 5x5 kernels,
about 18.9M + 1.05M weights) and the *book's* at 32 px (128-64-32 and 32-64-128, 4x4
kernels), batch 128 for both. The two are measured in alternation, round by round (one
original batch, then the same number of images through the book's networks), so a busy
machine slows both alike. Each configuration's first batch (tracing and compiling) is
excluded. It prints seconds per batch, per 10,000-image epoch (the post's data set size) and
per 50-epoch run, and the ratio.

Usage::

    TF_CPP_MIN_LOG_LEVEL=2 .venv/bin/python benchmarks/bench_gan.py            # 3 rounds: about a minute
    TF_CPP_MIN_LOG_LEVEL=2 .venv/bin/python benchmarks/bench_gan.py --rounds 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from helpers.gan import draw_ellipses  # noqa: E402
from helpers.gan.models import get_config  # noqa: E402
from helpers.gan.training import GanNetworks, make_train_step  # noqa: E402

EPOCH_IMAGES = 10_000
POST_EPOCHS = 50


def make_step(name: str, size: int, batch: int, seed: int):
    """A compiled training step for one configuration and a batch of its images and noise."""
    config = get_config(name)
    keras.utils.set_random_seed(seed)
    networks = GanNetworks.build(size, config)
    step = make_train_step(networks, config)
    images, _ = draw_ellipses(batch, size, "opaque_color", seed=seed)
    noise = np.random.default_rng(seed).standard_normal((batch, config.noise_dim)).astype(np.float32)
    inputs = (tf.constant(images), tf.constant(noise))
    weights = networks.generator.count_params(), networks.discriminator.count_params()
    return step, inputs, weights


def timed(step, inputs, repeats: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        d_loss, _ = step(*inputs)
        float(d_loss)  # wait for the result
    return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="original batches timed (default 3)")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(
        f"{platform.node()}: {os.cpu_count()} CPUs, TensorFlow {tf.__version__}, Keras {keras.__version__}; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    setups = {
        "original": make_step("original", 64, args.batch, args.seed),
        "book": make_step("book", 32, args.batch, args.seed),
    }
    for name, (step, inputs, weights) in setups.items():
        print(f"{name}: generator {weights[0]:,} weights, discriminator {weights[1]:,}; compiling ...", flush=True)
        timed(step, inputs)
    seconds = {name: [] for name in setups}
    for round_ in range(1, args.rounds + 1):
        seconds["original"].append(timed(*setups["original"][:2]))
        # The same number of images through the book's networks, several times for a steadier figure.
        seconds["book"].append(timed(*setups["book"][:2], repeats=10))
        print(
            f"round {round_}: original {seconds['original'][-1]:.2f} s per batch, "
            f"book {seconds['book'][-1]:.3f} s per batch",
            flush=True,
        )
    batches_per_epoch = EPOCH_IMAGES / args.batch
    print(
        f"\nseconds per batch of {args.batch} (median of {args.rounds} rounds), per {EPOCH_IMAGES:,}-image epoch, "
        f"per {POST_EPOCHS}-epoch run:"
    )
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    for name, label in (("original", "original, 64 px"), ("book", "book, 32 px")):
        epoch = medians[name] * batches_per_epoch
        print(f"  {label:16s} {medians[name]:8.3f} s  {epoch:9.1f} s  {epoch * POST_EPOCHS / 3600:7.2f} h")
    print(f"  ratio (original / book): {medians['original'] / medians['book']:.0f}x")


if __name__ == "__main__":
    main()
