"""Chapter 1's in-browser trainer (book/_static/addition_trainer.js, explorer_app.js) against Python.

Headless Chromium opens a small page holding the explorer app as the chapter shows it
(``helpers.addition.explorer.browser_explorer_html``). The trainer must reproduce numpy's random
numbers bit for bit, follow Keras' Adam step for step (same initial weights, same batch order:
weights after 1 and 20 epochs within 1e-4 relative), and with the page's default settings score
within one point of the book's Python trainer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from helpers.addition import explorer
from helpers.addition.networks import build_mlp, initial_weights, make_pairs, network_seed, train_grid

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "book" / "_static"
#: The chapter's defaults for the app (notebook: hidden_units=2, bits=min(BITS), seed=SEEDS[0], PATIENCE).
DEFAULTS = dict(hidden_units=2, bits=4, seed=0, epochs=1000, patience=5)
CHOICES = dict(choices_hidden=(1, 2, 4, 8, 16), choices_bits=(4, 8, 16))


def write_page(folder: Path, seeds=(0, 1)) -> Path:
    """A page like the chapter's: plotly, the site loader and the explorer element."""
    html = explorer.browser_explorer_html(seeds, **DEFAULTS, **CHOICES)
    (folder / "notebooks").mkdir(parents=True)
    os.symlink(STATIC, folder / "_static")
    page = folder / "notebooks" / "explorer.html"
    page.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        "<script src='../_static/vendor/plotly.min.js'></script></head>"
        f"<body style='width: 1100px'><h1>Your turn</h1>{html}"
        "<script src='../_static/twoplustwo_models.js'></script></body></html>"
    )
    return page


@pytest.fixture
def app(tmp_path, served, open_page):
    """(page, log) with the explorer app started."""
    write_page(tmp_path)
    page, log = open_page(served(tmp_path) + "/notebooks/explorer.html")
    page.wait_for_selector("div.twoplustwo-browser-model[data-ready]", timeout=30_000)
    return page, log


def browser_train(page, settings: dict) -> dict:
    """``element.explorer.train(settings)`` in the page: what the Train button runs."""
    return page.evaluate(
        """async (settings) => {
            const element = document.querySelector('div.twoplustwo-browser-model');
            return await element.explorer.train(settings);
        }""",
        settings,
    )


def trainer_call(page, script: str, argument=None):
    """Run ``script`` (an async function body with ``T`` = the trainer and ``arg``) in the page."""
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            if (window.AdditionTrainer) { resolve(); return; }
            const tag = document.createElement('script');
            tag.src = '../_static/addition_trainer.js';
            tag.onload = resolve; tag.onerror = reject;
            document.head.appendChild(tag);
        })"""
    )
    return page.evaluate(f"async (arg) => {{ const T = window.AdditionTrainer; {script} }}", argument)


def test_numpy_generator_reproduced(app):
    page, log = app
    for seed, hidden, bits in [(0, 2, 4), (7, 16, 8), (123456, 1, 16)]:
        ours = trainer_call(
            page,
            """const [seed, h, bits] = arg;
               const w = T.initialWeights(h, bits, seed);
               const perm = T.permutation(new T.PCG64([seed, h, bits, 1]), 8000, new Int32Array(8000));
               return {x: Array.from(T.makePairs(500, bits, seed).x), scoring: Array.from(T.makePairs(50, bits,
                       T.EVAL_SEED + seed).x), hidden: Array.from(w.hidden), output: Array.from(w.output),
                       perm: Array.from(perm)};""",
            [seed, hidden, bits],
        )
        assert ours["x"] == make_pairs(500, bits, seed)[0].ravel().tolist()
        assert ours["scoring"] == make_pairs(50, bits, 1_000_000 + seed)[0].ravel().tolist()
        kernel, output = initial_weights(hidden, bits, seed)
        assert ours["hidden"] == kernel.ravel().tolist() and ours["output"] == output.ravel().tolist()
        rng = np.random.default_rng(network_seed(hidden, bits, seed) + [1])
        assert ours["perm"] == rng.permutation(8000).tolist()
    assert log.problems() == []


def test_the_table_exp_agrees_with_numpy_over_the_whole_range(app):
    """The trainer's exp (a table and a polynomial, for speed) against numpy's, where it is used."""
    page, log = app
    lowest, highest = trainer_call(page, "return [T.VANISHED, T.SATURATED];")
    z = np.concatenate([np.random.default_rng(5).uniform(lowest, highest, 20_000), [lowest, 0.0, highest]])
    ours = np.array(trainer_call(page, "return arg.map(T.tableExp);", z.tolist()))
    assert np.max(np.abs(ours - np.exp(z)) / np.exp(z)) < 1e-13
    # The same float32 but for (rare) values within 1e-14 of a rounding tie.
    assert np.count_nonzero(ours.astype(np.float32) != np.exp(z).astype(np.float32)) <= 1
    assert log.problems() == []


def keras_weights(hidden: int, bits: int, seed: int, epochs: int) -> list[np.ndarray]:
    """Keras' ``fit`` from the same start on the same batches (each epoch's order made by numpy)."""
    import keras

    x, y = make_pairs(10_000, bits, seed)
    x_fit, y_fit = x[:8000].astype(np.float32), y[:8000].astype(np.float32)
    rng = np.random.default_rng(network_seed(hidden, bits, seed) + [1])
    order = np.concatenate([rng.permutation(8000) for _ in range(epochs)])
    model = build_mlp(hidden)
    model.set_weights(initial_weights(hidden, bits, seed))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    # 8000 is a multiple of 32: one pass over the concatenated orders is exactly `epochs` epochs.
    model.fit(x_fit[order], y_fit[order], batch_size=32, epochs=1, shuffle=False, verbose=0)
    return model.get_weights()


@pytest.mark.parametrize(("hidden", "bits", "seed"), [(2, 4, 0), (16, 8, 0)])
def test_adam_follows_keras_step_for_step(app, hidden, bits, seed):
    page, log = app
    for epochs in (1, 20):
        ours = trainer_call(
            page,
            """const r = await T.train(Object.assign({restore_best_weights: false}, arg)); return r.weights;""",
            dict(hidden_units=hidden, bits=bits, seed=seed, epochs=epochs, patience=1000),
        )
        kernel, output = keras_weights(hidden, bits, seed, epochs)
        for browser, keras in ((np.reshape(ours["hidden"], kernel.shape), kernel), (ours["output"], output[:, 0])):
            np.testing.assert_allclose(browser, keras, rtol=1e-4, atol=1e-7)  # every weight, 1e-4 relative
        start = initial_weights(hidden, bits, seed)[0]
        assert not np.allclose(kernel, start, rtol=1e-4)  # the weights did move
    assert log.problems() == []


def test_default_settings_score_as_python(app):
    page, log = app
    ours = browser_train(page, {})
    python = train_grid(
        DEFAULTS["hidden_units"],
        DEFAULTS["bits"],
        DEFAULTS["seed"],
        epochs=DEFAULTS["epochs"],
        patience=DEFAULTS["patience"],
        progress=False,
    )
    row = python.table.iloc[0]
    assert abs(ours["accuracy"] - row.accuracy) <= 0.01, (ours["accuracy"], row.accuracy)
    assert len(ours["history"]["val_loss"]) == len(ours["history"]["loss"]) == ours["epochs"]
    assert ours["epochs"] < DEFAULTS["epochs"]  # early stopping ended it, on the validation loss
    best = int(np.argmin(ours["history"]["val_loss"]))
    assert ours["epochs"] == best + 1 + DEFAULTS["patience"]
    assert ours["seconds"] > 0
    status = page.inner_text(".explorer-status")
    assert f"{100 * ours['accuracy']:.1f}% of 10000 fresh pairs right" in status
    # Both figures were drawn by plotly: the curve and the surface.
    assert page.evaluate("document.querySelector('.explorer-curve').data[0].y.length") == ours["epochs"]
    assert page.evaluate("document.querySelector('.explorer-surface').data[0].type") == "surface"
    assert log.problems() == []


def test_bad_settings_get_a_sentence(app):
    page, log = app
    message = page.evaluate(
        """async () => {
            const element = document.querySelector('div.twoplustwo-browser-model');
            try { await element.explorer.train({hidden_units: 3, epochs: 5000}); return null; }
            catch (error) { return error.message; }
        }"""
    )
    assert message.startswith("Cannot train: hidden units must be one of 1, 2, 4, 8, 16")
    assert "max epochs must be a whole number from 1 to 1000" in message
    assert page.inner_text(".explorer-status") == message
    assert log.problems() == []


def test_the_train_button_trains_and_inputs_are_not_clipped(app, tmp_path):
    page, log = app
    inputs = page.query_selector_all(".explorer-app select, .explorer-app input")
    assert len(inputs) == 5
    for box in inputs:
        # Nothing clipped: the box is wide enough for its content.
        assert page.evaluate("(e) => e.scrollWidth <= e.clientWidth + 1", box)
    page.select_option(".explorer-app select >> nth=0", "16")
    page.fill(".explorer-app input >> nth=1", "30")  # max epochs
    page.click(".explorer-app button")
    page.wait_for_function("document.querySelector('.explorer-status').textContent.startsWith('trained')")
    assert "trained 30 epochs" in page.inner_text(".explorer-status")
    page.screenshot(path=str(tmp_path / "explorer.png"), full_page=True)
    shots = os.environ.get("TWOPLUSTWO_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "explorer.png"), full_page=True)
    assert log.problems() == []


def test_the_check_file_holds_pythons_numbers(tmp_path):
    path = explorer.explorer_check(tmp_path / "check.json", (2,), (4,), (3,))
    check = json.loads(path.read_text())
    kernel, output = initial_weights(2, 4, 3)
    assert check["initial_weights"]["2,4,3"] == [float(v) for v in [*kernel.ravel(), *output.ravel()]]
    assert check["first_pairs"]["4,3"] == make_pairs(explorer.CHECK_PAIRS, 4, 3)[0].ravel().tolist()


def test_opened_from_disk_it_says_what_to_run(tmp_path, open_page):
    page_path = write_page(tmp_path)
    page, _ = open_page(page_path.as_uri())
    # The site's loader starts no app from file://: it says why in the app's place, and what to run.
    page.wait_for_selector("div.twoplustwo-browser-model[data-failed]", timeout=30_000)
    message = page.inner_text("div.twoplustwo-browser-model")
    assert "opened from disk" in message and "make serve" in message, message
    assert page.locator(".explorer-app button").count() == 0
