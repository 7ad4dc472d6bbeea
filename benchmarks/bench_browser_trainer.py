"""Chapter 1's in-browser trainer against Keras' ``fit`` and the stacked trainer, on the same work.

The work: the 16-unit network on sums below 256 (seed 0), 1000 epochs, early stopping off
(patience 1000), batch 32: 250 Adam steps an epoch, 250,000 in all. Three ways:

* the browser: ``book/_static/addition_trainer.js`` in headless Chromium (Debian's
  ``/usr/bin/chromium``), run ``--repeats`` times after a warm-up run (the budget is 3 s);
* Keras: one ``model.fit`` of the same network, data and epochs (``--keras-epochs`` caps it;
  the steps per second are what is compared);
* ``helpers.stacked`` (``train_grid(method="stacked")``) with that one network;
* the same trainer in Node (V8, as in Chromium), whose *CPU* seconds say what the browser
  would take on a quiet machine when the shared sandbox is loaded.

    python benchmarks/bench_browser_trainer.py
    python benchmarks/bench_browser_trainer.py --keras-epochs 1000 --repeats 5
    python benchmarks/bench_browser_trainer.py --trainer /tmp/older_trainer.js  # another version


Prints seconds and Adam steps per second for each, and the machine's load average (the
sandbox is shared: a loaded machine makes every figure slower).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402

from helpers.addition import build_mlp, initial_weights, make_pairs, train_grid  # noqa: E402

HIDDEN, BITS, SEED = 16, 8, 0
STEPS_PER_EPOCH = 250  # 8000 training pairs, batch 32


TRAINER = ROOT / "book" / "_static" / "addition_trainer.js"


def browser_seconds(epochs: int, repeats: int, trainer: Path = TRAINER) -> list[float]:
    """Training seconds (as the trainer measures them) of each repeat, after one warm-up run."""
    from browser_support import launch_chromium, serve

    with launch_chromium() as browser, serve(trainer.parent) as url:
        page = browser.new_page()
        page.goto(url + "/")
        page.add_script_tag(url=f"{url}/{trainer.name}")
        settings = dict(hidden_units=HIDDEN, bits=BITS, seed=SEED, epochs=epochs, patience=1000)
        warm_up = "async (s) => (await AdditionTrainer.train(Object.assign({}, s, {epochs: 20}))).seconds"
        page.evaluate(warm_up, settings)
        times = []
        for _ in range(repeats):
            result = page.evaluate("(s) => AdditionTrainer.train(s)", settings)
            assert result["epochs"] == epochs
            times.append(result["seconds"])
        return times


NODE_SCRIPT = """
const T = require(process.argv[1]);
(async () => {
  const cpu = process.cpuUsage(), wall = performance.now();
  const r = await T.train({hidden_units: %d, bits: %d, seed: %d, epochs: %d, patience: 1000});
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({cpu: (used.user + used.system) / 1e6, wall: (performance.now() - wall) / 1000}));
})();
"""


def node_seconds(epochs: int, trainer: Path = TRAINER) -> dict[str, float] | None:
    """CPU and wall seconds of the trainer in Node, or None without Node."""
    node = shutil.which("node")
    if node is None:
        return None
    script = NODE_SCRIPT % (HIDDEN, BITS, SEED, epochs)
    output = subprocess.run([node, "-e", script, str(trainer)], capture_output=True, text=True, check=True).stdout
    return json.loads(output)


def keras_seconds(epochs: int) -> float:
    import keras

    x, y = make_pairs(10_000, BITS, SEED)
    model = build_mlp(HIDDEN)
    model.set_weights(initial_weights(HIDDEN, BITS, SEED))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    x, y = x.astype(np.float32), y.astype(np.float32)
    model.fit(x, y, batch_size=32, epochs=1, validation_split=0.2, verbose=0)  # warm-up: tracing
    start = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=epochs, validation_split=0.2, verbose=0)
    return time.perf_counter() - start


def stacked_seconds(epochs: int) -> float:
    train_grid(HIDDEN, BITS, SEED, epochs=2, patience=1000, progress=False)  # warm-up: compiling
    return train_grid(HIDDEN, BITS, SEED, epochs=epochs, patience=1000, progress=False).seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--keras-epochs", type=int, default=100, help="epochs for Keras' fit (slow)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--trainer", type=Path, default=TRAINER, help="trainer script to time (default: the book's)")
    args = parser.parse_args()
    if not args.trainer.is_file():
        parser.error(f"--trainer must be a JavaScript file, got {args.trainer}")
    args.trainer = args.trainer.resolve()
    print(f"16-unit network, sums below 256, seed 0; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"trainer: {args.trainer}")
    rows = []
    times = browser_seconds(args.epochs, args.repeats, args.trainer)
    best = min(times)
    rows.append((f"browser (Chromium), {args.epochs} epochs", best, args.epochs))
    print(f"browser runs: {', '.join(f'{t:.2f}' for t in times)} s (budget 3 s for 1000 epochs)")
    rows.append((f"Keras fit, {args.keras_epochs} epochs", keras_seconds(args.keras_epochs), args.keras_epochs))
    rows.append((f"helpers.stacked, {args.epochs} epochs", stacked_seconds(args.epochs), args.epochs))
    node = node_seconds(args.epochs, args.trainer)
    if node is not None:
        rows.append((f"Node, same trainer, {args.epochs} epochs (CPU s)", node["cpu"], args.epochs))
        rows.append((f"Node, same trainer, {args.epochs} epochs (wall s)", node["wall"], args.epochs))
    print(f"{'trainer':42} {'seconds':>9} {'Adam steps/s':>13} {'s per 1000 epochs':>18}")
    for name, seconds, epochs in rows:
        steps = epochs * STEPS_PER_EPOCH
        print(f"{name:42} {seconds:9.2f} {steps / seconds:13,.0f} {seconds * 1000 / epochs:18.2f}")


if __name__ == "__main__":
    main()
