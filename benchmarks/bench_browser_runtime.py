"""Speed of one generation step of a chapter-4-shaped model: browser, ONNX Runtime, Keras.

The model: Embedding(vocabulary 2,000, 50) -> GRU(128, sequences) -> GRU(128) -> Dense(2,000,
softmax), one window of 14 word ids in, next-word probabilities out (one step of the lyrics
generator). It is exported with ``helpers.browser.export_onnx`` and timed, interleaved in
rounds so that load from other processes hits all three alike:

* ONNX Runtime Web 1.30.0 (wasm, one thread) in headless Chromium, through
  ``_static/twoplustwo_models.js`` as the book's pages use it;
* ONNX Runtime in Python (what ``helpers.browser.run_onnx`` uses);
* Keras: ``model(x, training=False)`` (eager call) and ``model.predict``.

Run: ``TF_CPP_MIN_LOG_LEVEL=2 .venv/bin/python benchmarks/bench_browser_runtime.py``
(``make assets`` first, for the vendored runtime).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.site import CHROMIUM_ARGS, chromium_path, serve  # noqa: E402

VOCABULARY, WINDOW = 2000, 14
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="twoplustwo_models.js"></script></head><body></body></html>"""
# Runs in the page: `steps` single-window steps, returns ms per step.
TIME_STEPS = """async ([url, sha256, tokens, steps]) => {
  const session = window.__session || (window.__session = await TwoPlusTwoModels.loadModel(url, sha256));
  const feeds = {tokens: {type: "int32", data: tokens, dims: [1, tokens.length]}};
  await TwoPlusTwoModels.run(session, feeds);
  const start = performance.now();
  for (let step = 0; step < steps; step++) {
    await TwoPlusTwoModels.run(session, feeds);
  }
  return (performance.now() - start) / steps;
}"""


def build_model():
    import keras

    keras.utils.set_random_seed(0)
    tokens = keras.Input((WINDOW,), dtype="int32", name="tokens")
    hidden = keras.layers.Embedding(VOCABULARY, 50)(tokens)
    hidden = keras.layers.GRU(128, return_sequences=True)(hidden)
    hidden = keras.layers.GRU(128)(hidden)
    return keras.Model(tokens, keras.layers.Dense(VOCABULARY, activation="softmax")(hidden))


def per_step_ms(run, steps: int) -> float:
    run()  # warm-up
    start = time.perf_counter()
    for _ in range(steps):
        run()
    return (time.perf_counter() - start) * 1000 / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="steps per round and runtime (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    arguments = parser.parse_args()

    import onnxruntime
    from playwright.sync_api import sync_playwright

    from helpers import browser

    runtime = ROOT / "book" / "_static" / "vendor" / "onnxruntime"
    if not (runtime / "ort.wasm.min.mjs").exists():
        sys.exit("onnxruntime-web is missing: run `make assets` first")
    model = build_model()
    window = np.random.default_rng(0).integers(0, VOCABULARY, (1, WINDOW)).astype("int32")
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch)
        onnx_file = browser.export_onnx(model, site / "gru.onnx", window)
        sha256 = browser.file_sha256(onnx_file)
        megabytes = onnx_file.stat().st_size / 1e6
        shutil.copyfile(ROOT / "book" / "_static" / "twoplustwo_models.js", site / "twoplustwo_models.js")
        (site / "vendor").mkdir()
        (site / "vendor" / "onnxruntime").symlink_to(runtime)
        (site / "index.html").write_text(PAGE)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # like the browser's single thread
        session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        times: dict[str, list[float]] = {
            "browser (onnxruntime-web, wasm, 1 thread)": [],
            "Python onnxruntime (1 thread)": [],
            "Keras model(x)": [],
            "Keras model.predict": [],
        }
        with serve(site) as url, sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            page = chromium.new_page()
            page.goto(f"{url}/index.html")
            for _ in range(arguments.rounds):
                times["browser (onnxruntime-web, wasm, 1 thread)"].append(
                    page.evaluate(TIME_STEPS, [f"{url}/gru.onnx", sha256, window.ravel().tolist(), arguments.steps])
                )
                times["Python onnxruntime (1 thread)"].append(
                    per_step_ms(lambda: session.run(None, {"tokens": window}), arguments.steps)
                )
                times["Keras model(x)"].append(per_step_ms(lambda: model(window, training=False), arguments.steps))
                times["Keras model.predict"].append(
                    per_step_ms(lambda: model.predict(window, verbose=0), max(10, arguments.steps // 10))
                )
            chromium.close()
    print(
        f"One generation step (a window of {WINDOW} ids, vocabulary {VOCABULARY:,}), ms per step, "
        f"median of {arguments.rounds} interleaved rounds; model file {megabytes:.2f} MB"
    )
    browser_ms = statistics.median(times["browser (onnxruntime-web, wasm, 1 thread)"])
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"  {name:45s} {median:8.2f} ms  ({median / browser_ms:5.2f}x the browser; rounds: "
            f"{', '.join(f'{v:.2f}' for v in values)})"
        )
    print(f"  browser: {1000 / browser_ms:.0f} steps (words) per second")


if __name__ == "__main__":
    main()
