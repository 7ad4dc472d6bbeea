"""The shared in-browser runtime: Keras -> ONNX (helpers.browser) -> ONNX Runtime Web in Chromium.

Two models: chapter 4's shape (Embedding 50, GRU 128 x 2, softmax over 2,000 words) and a
small two-input generator like chapter 5's conditional one (noise + attribute ids). Each is
exported, shown with ``browser_model_html`` on a test page that loads ``twoplustwo_models.js``
exactly as a chapter page does, started as an app, and the browser's outputs are compared
with ``model.predict``. A file with another SHA-256 must be refused.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import keras
import nbformat
import numpy as np
import pytest
import yaml
from browser_support import serve
from conftest import ROOT

from helpers import browser

pytestmark = pytest.mark.browser

VOCABULARY = 2000
WINDOW = 14
TOLERANCE = 1e-4
STATIC = ROOT / "book" / "_static"

# A test app: runs every model named in its config on the feeds given there, and leaves the
# outputs (and the time per run of the first model) in window.__results.
CHECK_APP = """
TwoPlusTwoModels.register("runtime_check", async function (context) {
  const results = {};
  for (const [name, feeds] of Object.entries(context.config.feeds)) {
    const session = await context.model(name);
    const outputs = await TwoPlusTwoModels.run(session, feeds);
    results[name] = Array.from(outputs[session.outputNames[0]].data);
  }
  const timing = context.config.timing;
  if (timing) {
    const session = await context.model(timing.model);
    await TwoPlusTwoModels.run(session, timing.feeds);  // warm-up
    const start = performance.now();
    for (let step = 0; step < timing.steps; step++) {
      await TwoPlusTwoModels.run(session, timing.feeds);
    }
    results.ms_per_step = (performance.now() - start) / timing.steps;
  }
  const vocabulary = await context.json("vocabulary");
  results.vocabulary_size = vocabulary.length;
  context.element.textContent = "done";
  window.__results = results;
});
"""


def gru_model() -> keras.Model:
    """Chapter 4's shape: Embedding(50) -> GRU(128, sequences) -> GRU(128) -> Dense(2000, softmax)."""
    keras.utils.set_random_seed(0)
    tokens = keras.Input((WINDOW,), dtype="int32", name="tokens")
    hidden = keras.layers.Embedding(VOCABULARY, 50)(tokens)
    hidden = keras.layers.GRU(128, return_sequences=True)(hidden)
    hidden = keras.layers.GRU(128)(hidden)
    return keras.Model(tokens, keras.layers.Dense(VOCABULARY, activation="softmax")(hidden), name="gru")


def two_input_model() -> keras.Model:
    """Like chapter 5's conditional generator: noise and attribute ids in, an image out."""
    keras.utils.set_random_seed(1)
    noise = keras.Input((16,), name="noise")
    attributes = keras.Input((3,), dtype="int32", name="attributes")
    embedded = keras.layers.Flatten()(keras.layers.Embedding(7, 4)(attributes))
    hidden = keras.layers.Dense(64, activation="relu")(keras.layers.Concatenate()([noise, embedded]))
    image = keras.layers.Reshape((4, 4, 3))(keras.layers.Dense(48, activation="tanh")(hidden))
    return keras.Model([noise, attributes], image, name="conditional")


def feed(array: np.ndarray) -> dict:
    return {"type": str(array.dtype), "data": array.ravel().tolist(), "dims": list(array.shape)}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Both models exported into a temporary copy of the site's static folder."""
    site = tmp_path_factory.mktemp("site")
    static = site / "_static"
    (static / "vendor").mkdir(parents=True)
    shutil.copyfile(STATIC / "twoplustwo_models.js", static / "twoplustwo_models.js")
    runtime = STATIC / "vendor" / "onnxruntime"
    if not (runtime / "ort.wasm.min.mjs").exists():
        pytest.fail("onnxruntime-web is missing: run `make assets` (python scripts/fetch_web_assets.py)")
    (static / "vendor" / "onnxruntime").symlink_to(runtime)
    # Chapter pages with widgets load require.js: the runtime must not be captured by it.
    shutil.copyfile(STATIC / "vendor" / "require.js", static / "vendor" / "require.js")
    (static / "runtime_check_app.js").write_text(CHECK_APP)
    (site / "notebooks").mkdir()

    patch = pytest.MonkeyPatch()
    patch.setattr(browser, "SITE_STATIC", static)
    patch.setattr(browser, "SITE_MODELS", static / "models")
    folder = browser.site_model_dir("runtime_check")

    rng = np.random.default_rng(0)
    windows = rng.integers(0, VOCABULARY, (3, WINDOW)).astype("int32")
    noise = rng.normal(size=(2, 16)).astype("float32")
    attributes = rng.integers(0, 7, (2, 3)).astype("int32")
    gru, conditional = gru_model(), two_input_model()
    # The GRU model goes through a .keras file, as a chapter's trained model would.
    gru.save(site / "gru.keras")
    loaded = keras.saving.load_model(site / "gru.keras", safe_mode=True)
    started = time.perf_counter()
    gru_file = browser.export_onnx(loaded, folder / "gru.onnx", windows)
    export_seconds = time.perf_counter() - started
    conditional_file = browser.export_onnx(conditional, folder / "conditional.onnx", [noise, attributes])
    (folder / "vocabulary.json").write_text(json.dumps([f"word{i}" for i in range(VOCABULARY)]))
    yield {
        "site": site,
        "folder": folder,
        "windows": windows,
        "noise": noise,
        "attributes": attributes,
        "gru": gru_file,
        "conditional": conditional_file,
        "export_seconds": export_seconds,
        "expected": {
            "gru": gru.predict(windows, verbose=0),
            "conditional": conditional.predict([noise, attributes], verbose=0),
        },
    }
    patch.undo()


def page_with(exported, name: str, html: str) -> None:
    (exported["site"] / "notebooks" / f"{name}.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        "<script src='../_static/vendor/require.js'></script>"
        "<script src='../_static/twoplustwo_models.js'></script></head>"
        f"<body>{html}</body></html>"
    )


def check_app_html(exported, config: dict) -> str:
    return browser.browser_model_html(
        "runtime_check",
        models={"gru": exported["gru"], "conditional": exported["conditional"]},
        files={"vocabulary": exported["folder"] / "vocabulary.json"},
        config=config,
    )


def test_export_checks_against_predict_and_reports_inputs(exported):
    signature = browser.onnx_signature(exported["conditional"])
    assert [(t.name, t.shape, t.dtype) for t in signature.inputs] == [
        ("noise", (None, 16), "float32"),
        ("attributes", (None, 3), "int32"),
    ]
    assert signature.outputs[0].shape == (None, 4, 4, 3)
    python = browser.run_onnx(exported["gru"], exported["windows"])
    assert np.abs(python - exported["expected"]["gru"]).max() <= TOLERANCE
    by_name = browser.run_onnx(
        exported["conditional"], {"attributes": exported["attributes"], "noise": exported["noise"]}
    )
    assert np.abs(by_name - exported["expected"]["conditional"]).max() <= TOLERANCE
    print(f"\nexport of the GRU model (2,000 words) with the check: {exported['export_seconds']:.1f} s")


def test_browser_matches_predict(exported, open_page, served):
    timing = {"model": "gru", "steps": 50, "feeds": {"tokens": feed(exported["windows"][:1])}}
    config = {
        "feeds": {
            "gru": {"tokens": feed(exported["windows"])},
            "conditional": {"noise": feed(exported["noise"]), "attributes": feed(exported["attributes"])},
        },
        "timing": timing,
    }
    page_with(exported, "check", check_app_html(exported, config))
    page, log = open_page(f"{served(exported['site'])}/notebooks/check.html")
    page.wait_for_function("() => window.__results || document.querySelector('[data-failed]')", timeout=60_000)
    results = page.evaluate("() => window.__results")
    assert log.problems() == [], page.inner_text("body")
    for name in ("gru", "conditional"):
        expected = exported["expected"][name]
        actual = np.array(results[name], dtype=np.float32).reshape(expected.shape)
        assert np.abs(actual - expected).max() <= TOLERANCE, name
    assert results["vocabulary_size"] == VOCABULARY
    difference = np.abs(np.array(results["gru"]) - exported["expected"]["gru"].ravel()).max()
    print(
        f"\nGRU model in headless Chromium (ONNX Runtime Web, wasm, 1 thread): "
        f"{results['ms_per_step']:.2f} ms per step (one window of {WINDOW} words), "
        f"largest difference from predict {difference:.2g}"
    )


def test_wrong_sha256_is_refused(exported, open_page):
    html = check_app_html(exported, {"feeds": {"gru": {"tokens": feed(exported["windows"])}}})
    real = browser.file_sha256(exported["gru"])
    page_with(exported, "tampered", html.replace(real, "0" * 64))
    with serve(exported["site"]) as url:
        page, log = open_page(f"{url}/notebooks/tampered.html")
        page.wait_for_selector("[data-failed] .twoplustwo-browser-model-error", timeout=60_000)
        shown = page.inner_text(".twoplustwo-browser-model-error")
        # The same check through the API, on a file whose bytes were altered after export.
        gru_url = browser.publish(exported["gru"])[0]
        direct = page.evaluate(
            """async ([url, sha]) => {
            try { await TwoPlusTwoModels.loadModel(url, sha); return "loaded"; }
            catch (error) { return error.message; } }""",
            [gru_url, "f" * 64],
        )
    assert "SHA-256 mismatch" in shown and "0" * 64 in shown and real in shown, shown
    assert "refusing" in shown
    assert "SHA-256 mismatch" in direct and real in direct
    # The refusal is reported on the console (so the site test fails on it), nothing else is.
    assert any("SHA-256 mismatch" in error for error in log.console_errors)
    assert log.failed_requests == []
    assert page.evaluate("() => window.__results") is None


def test_notebook_shows_a_note_without_the_site_scripts(exported, open_page):
    html = check_app_html(exported, {})
    assert "<script" not in html and browser.DEFAULT_NOTE in html
    page, log = open_page()
    page.set_content(html)
    assert page.inner_text("body").strip() == browser.DEFAULT_NOTE
    assert log.problems() == []


def test_export_refuses_a_mismatch_and_bad_arguments(exported, tmp_path, monkeypatch):
    model = two_input_model()
    noise, attributes = exported["noise"], exported["attributes"]
    # An export that cannot match: model.predict is made to answer something else.
    original = model.predict
    monkeypatch.setattr(model, "predict", lambda *args, **kwargs: original(*args, **kwargs) + 1.0)
    with pytest.raises(browser.OnnxMismatchError, match="differs from model.predict by 1"):
        browser.export_onnx(model, tmp_path / "strict.onnx", [noise, attributes])
    assert not (tmp_path / "strict.onnx").exists()
    monkeypatch.undo()
    with pytest.raises(ValueError, match="sample_inputs must hold 2 arrays"):
        browser.export_onnx(model, tmp_path / "a.onnx", [noise])
    with pytest.raises(ValueError, match="pass sample_inputs as a list or a dict"):
        browser.export_onnx(model, tmp_path / "a.onnx", noise)
    with pytest.raises(ValueError, match="sample_inputs must have the model's input names"):
        browser.export_onnx(model, tmp_path / "a.onnx", {"noise": noise, "colour": attributes})
    with pytest.raises(ValueError, match="path must end in .onnx"):
        browser.export_onnx(model, tmp_path / "a.keras", [noise, attributes])
    with pytest.raises(ValueError, match="tolerance"):
        browser.export_onnx(model, tmp_path / "a.onnx", [noise, attributes], tolerance=-1)
    with pytest.raises(ValueError, match="model must be a Keras model"):
        browser.export_onnx("model.keras", tmp_path / "a.onnx", [noise, attributes])
    with pytest.raises(ValueError, match="name must be a lower-case name"):
        browser.site_model_dir("../escape")
    outside = tmp_path / "outside.onnx"
    outside.write_bytes(b"not in the site")
    with pytest.raises(ValueError, match="must be inside"):
        browser.browser_model_html("runtime_check", models={"gru": outside})
    with pytest.raises(ValueError, match="models must be a non-empty dict"):
        browser.browser_model_html("runtime_check", models={})
    with pytest.raises(ValueError, match="config must be JSON-serialisable"):
        browser.browser_model_html("runtime_check", models={"gru": exported["gru"]}, config={"x": float("nan")})


def test_book_build_serves_the_models_a_chapter_exports(exported, open_page, tmp_path):
    """A real Jupyter Book build: a chapter exports while the build executes it, the page runs it.

    Sphinx copies static files after executing and writing every page, so a model written by
    the chapter is served; the extension keeps only the files pages refer to.
    """
    source = tmp_path / "book_source"
    shutil.copytree(STATIC.parent, source / "book", ignore=shutil.ignore_patterns("models"), symlinks=True)
    (source / "book" / "_static" / "runtime_check_app.js").write_text(CHECK_APP)
    stale = source / "book" / "_static" / "models" / "runtime_check" / "gru.0123456789ab.onnx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an older export no page refers to")
    config = {"feeds": {"gru": {"tokens": feed(exported["windows"])}}}
    chapter = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    chapter.cells = [
        nbformat.v4.new_markdown_cell("# An in-browser model"),
        nbformat.v4.new_code_cell(f"""
import shutil
from pathlib import Path
from helpers import browser
# This book's own static folder (helpers points at the repository's).
browser.SITE_STATIC = (Path.cwd().parent / "book" / "_static").resolve()
browser.SITE_MODELS = browser.SITE_STATIC / "models"
folder = browser.site_model_dir("runtime_check")
shutil.copyfile({str(exported["gru"])!r}, folder / "gru.onnx")
shutil.copyfile({str(exported["folder"] / "vocabulary.json")!r}, folder / "vocabulary.json")
browser.show_browser_model("runtime_check", models={{"gru": folder / "gru.onnx"}},
                           files={{"vocabulary": folder / "vocabulary.json"}}, config={json.dumps(config)})
"""),
    ]
    (source / "notebooks").mkdir()
    nbformat.write(chapter, source / "notebooks" / "demo.ipynb")
    book_config = yaml.safe_load((ROOT / "_config.yml").read_text())
    book_config["execute"]["execute_notebooks"] = "force"
    (source / "_config.yml").write_text(yaml.safe_dump(book_config, sort_keys=False))
    (source / "_toc.yml").write_text("format: jb-book\nroot: notebooks/demo\n")

    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    build = subprocess.run(
        [str(jupyter_book), "build", str(source), "--warningiserror"], capture_output=True, text=True
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    html_dir = source / "_build" / "html"
    served = sorted(
        p.relative_to(html_dir / "_static" / "models").as_posix()
        for p in (html_dir / "_static" / "models").rglob("*")
        if p.is_file()
    )
    sha = browser.file_sha256(exported["gru"])[:12]
    assert f"runtime_check/gru.{sha}.onnx" in served
    assert "runtime_check/gru.onnx" not in served and stale.name not in " ".join(served), served
    # Only pages with an app load the runtime script.
    assert "twoplustwo_models.js" in (html_dir / "notebooks" / "demo.html").read_text()
    assert "twoplustwo_models.js" not in (html_dir / "search.html").read_text()
    with serve(html_dir) as url:
        page, log = open_page(f"{url}/notebooks/demo.html")
        page.wait_for_function("() => window.__results || document.querySelector('[data-failed]')", timeout=60_000)
        results = page.evaluate("() => window.__results")
        assert log.problems() == [], page.inner_text("article")
    expected = exported["expected"]["gru"]
    assert np.abs(np.array(results["gru"]).reshape(expected.shape) - expected).max() <= TOLERANCE


def test_book_build_fails_when_a_page_refers_to_a_missing_model(tmp_path):
    """The extension's check, run on a built folder whose model file went missing."""
    sys.path.insert(0, str(STATIC.parent / "_ext"))
    try:
        import twoplustwo_models
    finally:
        sys.path.pop(0)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "chapter.html").write_text(
        '<div data-spec="{&quot;url&quot;: &quot;../_static/models/lyrics/gene.0123456789ab.onnx&quot;}"></div>'
    )
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    with pytest.raises(Exception, match="gene.0123456789ab.onnx, which is missing"):
        twoplustwo_models._check_models(app, None)
    model = tmp_path / "_static" / "models" / "lyrics" / "gene.0123456789ab.onnx"
    model.parent.mkdir(parents=True)
    model.write_bytes(b"altered")
    with pytest.raises(Exception, match="does not start with 0123456789ab"):
        twoplustwo_models._check_models(app, None)
