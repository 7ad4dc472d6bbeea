"""Chapter 5's in-browser face generator: faces_app.js in headless Chromium draws Python's faces.

A conditional generator with the chapter's shape (32 px, the book's widths, the chapter's five
attributes, which also enter every upsampling layer) is exported with
``helpers.browser.export_onnx`` onto a test page that loads ``twoplustwo_models.js`` and
``faces_app.js`` as the chapter page does. The app must show one dropdown per attribute and
a button, draw faces on load and on click, and, given the same noise and attributes, produce
the pixels Python produces (rounding may differ by one level).
"""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest
from browser_support import app_page, app_site, publish_into, serve

from helpers import browser
from helpers.gan import faces
from helpers.gan.figures import to_uint8
from helpers.gan.models import build_generator, conditional_config
from helpers.gan.training import generate

pytestmark = pytest.mark.browser

ATTRIBUTES = ["hair", "hairColor", "skinColor", "clothingColor", "eyes"]
COUNTS = {name: len(faces.ATTRIBUTES[name]) for name in ATTRIBUTES}
SIZE = 32
MAX_MB = 8.0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A temporary site: the runtime, the app, and the exported generator on a chapter-like page."""
    root = tmp_path_factory.mktemp("faces_site")
    with publish_into(app_site(root, ["twoplustwo_models.js", "faces_app.js"])):
        yield _faces_page(root)


def _faces_page(root) -> dict:
    """Export a conditional generator into the site and write the page that shows the app."""
    keras.utils.set_random_seed(3)
    # The chapter's conditional shape: the attributes beside the noise and at every upsampling layer.
    config = conditional_config("book", condition_every_layer=True)
    generator = build_generator(SIZE, config, condition_dim=sum(COUNTS.values()))
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((4, 100)).astype(np.float32)
    codes = {name: rng.integers(0, count, 4) for name, count in COUNTS.items()}
    from helpers.gan.training import one_hot_conditions

    onnx_file = browser.export_onnx(
        generator,
        browser.site_model_dir("faces") / "generator.onnx",
        [noise, one_hot_conditions(COUNTS, codes)],
        verbose=False,
    )
    html = browser.browser_model_html(
        "faces",
        models={"generator": onnx_file},
        config={
            "attributes": {name: list(faces.ATTRIBUTES[name]) for name in ATTRIBUTES},
            "names": {name: faces.value_names(name) for name in ATTRIBUTES},
            "swatches": {name: name.endswith("Color") for name in ATTRIBUTES},
            "labels": {name: faces.LABELS[name] for name in ATTRIBUTES},
            "noise_dim": 100,
            "size": SIZE,
            "faces": 8,
            "seed": 0,
        },
    )
    app_page(root, "faces.html", html)
    return {"root": root, "generator": generator, "noise": noise, "codes": codes, "onnx": onnx_file}


def test_generator_fits_the_budget(site):
    assert site["onnx"].stat().st_size / 1e6 < MAX_MB


def test_browser_draws_pythons_faces(site, open_page):
    expected = to_uint8(generate(site["generator"], site["noise"], COUNTS, site["codes"]))
    with serve(site["root"]) as url:
        page, log = open_page(f"{url}/notebooks/faces.html")
        page.wait_for_function("() => document.querySelector('[data-ready], [data-failed]')", timeout=60_000)
        assert page.query_selector("[data-failed]") is None, page.inner_text("body")
        # One dropdown per attribute, with every value in words (colours by name, with a swatch), faces drawn.
        for name in ATTRIBUTES:
            options = page.eval_on_selector(f"select[name={name}]", "s => Array.from(s.options, o => o.textContent)")
            assert options == faces.value_names(name)
            assert not any(re.fullmatch("[0-9a-f]{6}", option) for option in options)
        assert page.eval_on_selector_all(".faces-swatch", "s => s.length") == 3
        swatch = "() => getComputedStyle(document.querySelectorAll('.faces-swatch')[2]).backgroundColor"
        assert page.evaluate(swatch) == "rgb(69, 109, 255)"  # clothing colour 0: blue, 456dff
        first = page.evaluate("() => document.querySelector('.twoplustwo-browser-model').facesApp.lastPixels")
        assert len(first) == 8 * SIZE * SIZE * 3
        # Same noise and attributes as Python: the same pixels.
        pixels = page.evaluate(
            "([noise, codes]) => document.querySelector('.twoplustwo-browser-model').facesApp.generate(noise, codes)",
            [site["noise"].ravel().tolist(), {k: v.tolist() for k, v in site["codes"].items()}],
        )
        actual = np.array(pixels, dtype=np.int16).reshape(expected.shape)
        assert np.abs(actual - expected.astype(np.int16)).max() <= 1
        # The button draws new faces; a dropdown change redraws with that attribute.
        page.select_option("select[name=clothingColor]", "3")
        page.wait_for_timeout(300)
        page.click("text=new faces")
        redrawn = "() => /noise seed 1\\b/.test(document.querySelector('.twoplustwo-browser-model').innerText)"
        page.wait_for_function(redrawn, timeout=20_000)
        after = page.evaluate("() => document.querySelector('.twoplustwo-browser-model').facesApp.lastPixels")
        assert after != first
        assert page.evaluate(swatch) == "rgb(109, 187, 88)"  # clothing colour 3: green, 6dbb58
        # In a column narrower than the 8 faces, the canvas shrinks to fit.
        page.evaluate("() => { document.body.style.width = '500px'; }")
        width = page.evaluate("() => document.querySelector('.twoplustwo-browser-model canvas').clientWidth")
        assert 0 < width <= 500
        assert log.problems() == []
