"""Chapter 2, item 7: the step-by-step accuracy table at full size, from the command line.

    TF_CPP_MIN_LOG_LEVEL=2 .venv/bin/python benchmarks/bench_improved.py [--seeds 0 1 2] [--units 16]

Prints, for every step of ``helpers.addition.fixes.steps`` and every maximum sum (16, 256, 65536),
the mean and worst accuracy over the seeds on the original evaluation (10,000 fresh pairs per
network, ``helpers.addition.evaluate``), the epochs trained, then the sigmoid push at 65536
and ``train_best`` for each maximum sum. Every number is measured by this run.
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

from helpers import addition
from helpers.addition import fixes, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--units", type=int, default=16)
    parser.add_argument("--bits", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--push-widths", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--epochs", type=int, default=1000)
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)

    # Benchmark figures carry their date and command (book/notes/02_inside_the_hidden_layer.md).
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: python {' '.join(sys.argv)}")
    start = time.perf_counter()
    step_runs = fixes.train_recipes(fixes.steps(args.units), bits=args.bits, seeds=args.seeds, epochs=args.epochs)
    table = step_runs.table
    order = list(dict.fromkeys(table.step))
    summary = (
        table.groupby(["step", "max_sum"], sort=False)
        .agg(mean=("accuracy", "mean"), worst=("accuracy", "min"), epochs=("epochs", "mean"))
        .unstack("max_sum")
        .loc[order]
    )
    print(
        f"Step-by-step fixes, {args.units} hidden units, seeds {args.seeds}: {len(table)} networks trained in "
        f"{step_runs.seconds:.1f} s"
    )
    print(summary.to_string(float_format=lambda v: f"{v:.4f}"))

    push = fixes.sigmoid_push(max(args.bits), seeds=args.seeds, widths=args.push_widths, epochs=args.epochs)
    print(f"\nSigmoid units at {2 ** max(args.bits)} (trained in {push['seconds']:.1f} s):")
    pushed = results.push_summary(push, args.push_widths)  # the chapter's summary of the same run
    print(pushed.summary.to_string())
    print(pushed.diagnostics.to_string())

    print("\ntrain_best (seed 0):")
    for activation in ("relu", "sigmoid"):
        for bits in args.bits:
            tick = time.perf_counter()
            model = addition.train_best(bits, seed=0, activation=activation)
            score = addition.evaluate(model, bits)
            print(
                f"  {activation:8s} sums < {2**bits:6d}: {score['accuracy']:.4%} right, MSE {score['mse']:.3g} "
                f"({time.perf_counter() - tick:.1f} s)"
            )
    print(f"\nTotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
