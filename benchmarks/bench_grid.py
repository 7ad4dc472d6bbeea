"""Chapter 1's grid, trained the original way and the book's way, side by side.

The original way is one Keras ``model.fit`` per network (batch 32, Adam, early stopping).
Running it on the whole grid to 1000 epochs takes about an hour, so by default it trains
every network of the grid for a capped number of epochs (``--original-epochs``), which gives
a fair seconds-per-epoch figure. The book's way (``train_grid(method="stacked")``) is run
twice: with the same epoch cap, for an accuracy table that compares like with like, and
with the original's full settings (1000 epochs, early stopping), for the wall time that
the book build pays.

    python benchmarks/bench_grid.py                       # default: 15 networks, seed 0
    python benchmarks/bench_grid.py --original-epochs 1000  # the full original run (about an hour)
    python benchmarks/bench_grid.py --seeds 0 1 2 3 4       # what 5 seeds cost the book

Prints wall times, seconds per network-epoch, their ratio, and the accuracy tables.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.addition import train_grid  # noqa: E402


def accuracy_grid(result) -> str:
    pivot = result.table.pivot_table(index="hidden_units", columns="max_sum", values="accuracy", aggfunc="mean")
    pivot.index.name, pivot.columns.name = "hidden", "max sum"
    return pivot.map(lambda value: f"{value:7.1%}").to_string()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden-units", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--bits", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument(
        "--original-epochs", type=int, default=20, help="epoch cap for the original way (1000 = the full original run)"
    )
    args = parser.parse_args()
    grid = dict(hidden_units=args.hidden_units, bits=args.bits, seeds=args.seeds)
    print(
        f"grid: hidden units {args.hidden_units}, bits {args.bits}, seeds {args.seeds}; {os.cpu_count()} CPUs visible"
    )

    original = train_grid(**grid, method="keras", epochs=args.original_epochs, progress=False)
    capped = train_grid(**grid, method="stacked", epochs=args.original_epochs, progress=False)
    start = time.perf_counter()
    full = train_grid(**grid, method="stacked", progress=False)
    full_wall = time.perf_counter() - start

    per_epoch_original = original.seconds / original.network_epochs
    per_epoch_capped = capped.seconds / capped.network_epochs
    per_epoch_full = full.seconds / full.network_epochs
    print()
    print(f"original way (one model.fit per network, at most {args.original_epochs} epochs):")
    print(
        f"  {original.seconds:8.1f} s for {original.network_epochs:6d} network-epochs = "
        f"{per_epoch_original * 1000:8.2f} ms per network-epoch"
    )
    print(f"book's way, same cap ({args.original_epochs} epochs):")
    print(
        f"  {capped.seconds:8.1f} s for {capped.network_epochs:6d} network-epochs = "
        f"{per_epoch_capped * 1000:8.2f} ms per network-epoch   (compilation included)"
    )
    print("book's way, the original's full settings (1000 epochs, early stopping, patience 5):")
    print(
        f"  {full.seconds:8.1f} s for {full.network_epochs:6d} network-epochs = "
        f"{per_epoch_full * 1000:8.2f} ms per network-epoch   ({full_wall:.1f} s with evaluation)"
    )
    print()
    print(
        f"speed-up per network-epoch: {per_epoch_original / per_epoch_full:6.1f}x (full run), "
        f"{per_epoch_original / per_epoch_capped:6.1f}x (same cap)"
    )
    print(
        f"the original way would need about {per_epoch_original * full.network_epochs / 60:.0f} minutes "
        f"for the {full.network_epochs} network-epochs of the full run"
    )
    print()
    print(f"accuracy after at most {args.original_epochs} epochs, original way:")
    print(accuracy_grid(original))
    print(f"accuracy after at most {args.original_epochs} epochs, book's way:")
    print(accuracy_grid(capped))
    print("accuracy, book's way, full settings:")
    print(accuracy_grid(full))


if __name__ == "__main__":
    main()
