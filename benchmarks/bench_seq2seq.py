"""Benchmark: wall time for the seq2seq adder to reach 99% exact-match on 3 digits.

Runs, in one process and on the same questions (the Keras example's 50,000, 10% held out),
the *book's* configuration (``helpers.seq2seq`` defaults: batch 256, cosine learning rate
peaking at 0.01 over 15 epochs, clipping, 8 batches per compiled call) and the *original* configuration of the same network
(``helpers.seq2seq.ORIGINAL``: batch 32, Adam at 0.001, Keras' defaults, up to 30 epochs). For each
it prints the training time until the held-out exact-match first reaches the target, and
their ratio.

Times are training time as ``train_adder`` records it: every epoch's ``fit`` (compilation
included), excluding the exact-match evaluation after each epoch, which is the same work
for both. The original configuration takes several minutes on 2 CPU cores; ``--original-cap``
stops it earlier, and then the script says so and prints a lower bound on the ratio.

Usage::

    TF_CPP_MIN_LOG_LEVEL=2 .venv/bin/python benchmarks/bench_seq2seq.py
    TF_CPP_MIN_LOG_LEVEL=2 .venv/bin/python benchmarks/bench_seq2seq.py --original-cap 300
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers import seq2seq  # noqa: E402


def run(label: str, digits: int, seed: int, target: float, verbose: int, **settings) -> dict:
    print(f"\n=== {label}: {settings or 'book defaults'}", flush=True)
    wall = time.perf_counter()
    _, history = seq2seq.train_adder(digits, seed=seed, verbose=verbose, show=3 if verbose else 0, **settings)
    wall = time.perf_counter() - wall
    epochs, seconds = seq2seq.epochs_to(history, target)
    values = history.history
    result = {"label": label, "epochs_run": len(values["val_exact"]), "trained_seconds": values["seconds"][-1],
              "seconds_per_epoch": values["seconds"][-1] / len(values["val_exact"]),
              "best_exact": max(values["val_exact"]), "epochs_to_target": epochs, "seconds_to_target": seconds,
              "wall_seconds": wall}
    reached = (f"reached {target:.0%} exact-match at epoch {epochs} after {seconds:.1f} s of training"
               if epochs else f"did NOT reach {target:.0%} exact-match in {result['epochs_run']} epochs "
                              f"({result['trained_seconds']:.1f} s; best {result['best_exact']:.2%})")
    print(f"--- {label}: {reached}; {result['seconds_per_epoch']:.1f} s per epoch; "
          f"wall time with evaluation {wall:.1f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--digits", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", type=float, default=0.99, help="held-out exact-match to reach")
    parser.add_argument("--original-cap", type=float, default=None,
                        help="stop the original configuration after this many seconds of training")
    parser.add_argument("--skip-original", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch lines")
    args = parser.parse_args()
    verbose = 0 if args.quiet else 2

    import tensorflow as tf

    print(f"{platform.node()}: {os.cpu_count()} CPUs, TensorFlow {tf.__version__}, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    common = {"n_questions": seq2seq.EXAMPLE_SIZES.get(args.digits, 50_000), "target_exact": args.target}
    book = run("book", args.digits, args.seed, args.target, verbose, **common)
    results = [book]
    if not args.skip_original:
        original = {**seq2seq.ORIGINAL, **common}
        if args.original_cap is not None:
            original["max_seconds"] = args.original_cap
        results.append(run("original", args.digits, args.seed, args.target, verbose, **original))

    print(f"\nSummary ({args.digits} digits, target {args.target:.0%} held-out exact-match, "
          f"load average {os.getloadavg()[0]:.1f} at the end):")
    for r in results:
        to = f"{r['seconds_to_target']:.1f} s (epoch {r['epochs_to_target']})" if r["epochs_to_target"] else "not reached"
        print(f"  {r['label']:<9} time to target {to:<24} {r['seconds_per_epoch']:.1f} s/epoch, "
              f"{r['epochs_run']} epochs run, best exact-match {r['best_exact']:.2%}")
    if len(results) == 2:
        fast, slow = results
        if fast["seconds_to_target"] and slow["seconds_to_target"]:
            print(f"  ratio original / book: {slow['seconds_to_target'] / fast['seconds_to_target']:.1f}x")
        elif fast["seconds_to_target"]:
            print(f"  ratio original / book: more than {slow['trained_seconds'] / fast['seconds_to_target']:.1f}x "
                  f"(the original was stopped after {slow['trained_seconds']:.0f} s without reaching the target)")
        else:
            print("  ratio: undefined (the book's configuration did not reach the target)")


if __name__ == "__main__":
    main()
