"""Chapter 2's activation explorer in headless Chromium: the browser's values equal Python's.

The app (``book/_static/activations_app.js``) is placed on a test page exactly as the chapter
places it (``helpers.addition.activation_explorer``: the networks' weights exported as a
hash-checked JSON file, ``helpers.browser.browser_model_html`` for the element), served over
HTTP, and driven through ``element.activations``. Its hidden outputs, contributions and
outputs must equal ``helpers.addition.inspection.forward_steps`` for several networks and
pairs; the weights file must not be fetched before the reader uses the explorer; bad input
must be a sentence in the page.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from conftest import ROOT

pytestmark = pytest.mark.browser

from helpers import addition, browser  # noqa: E402
from helpers.addition import activation_explorer, inspection  # noqa: E402

STATIC = ROOT / "book" / "_static"
APP_SOURCE = STATIC / "activations_app.js"


def networks() -> dict[str, object]:
    """A hand-made adder and two random original networks (4 and 8 units)."""
    adder = addition.build_mlp(2)
    adder.set_weights([np.array([[0.05, -0.05], [0.05, -0.05]], np.float32), np.array([[40.0], [-40.0]], np.float32)])
    rng = np.random.default_rng(3)
    models = {"2 units, hand-made": adder}
    for units in (4, 8):
        model = addition.build_mlp(units)
        model.set_weights(
            [rng.normal(0, 0.3, (2, units)).astype(np.float32), rng.normal(0, 10, (units, 1)).astype(np.float32)]
        )
        models[f"{units} units, random"] = model
    return models


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A site folder with the loader, the app and one page showing the explorer."""
    site = tmp_path_factory.mktemp("site")
    static = site / "_static"
    static.mkdir()
    for name in ("twoplustwo_models.js", "activations_app.js"):
        shutil.copyfile(STATIC / name, static / name)
    (site / "notebooks").mkdir()
    patch = pytest.MonkeyPatch()
    patch.setattr(browser, "SITE_STATIC", static)
    patch.setattr(browser, "SITE_MODELS", static / "models")
    models = networks()
    path = activation_explorer.export_explorer_data(activation_explorer.explorer_data(models, bits=4, a=2, b=2))
    element = browser.browser_model_html(
        activation_explorer.APP, models={}, files={"networks": path}, note=activation_explorer.APP_NOTE
    )
    patch.undo()
    (site / "notebooks" / "chapter.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        "<script src='../_static/twoplustwo_models.js'></script></head>"
        f"<body>{element}</body></html>"
    )
    return site, models


def open_app(site, open_page, served):
    page, log = open_page(f"{served(site)}/notebooks/chapter.html")
    page.wait_for_function("() => document.querySelector('.twoplustwo-browser-model').dataset.ready === '1'")
    return page, log


def test_browser_values_equal_pythons(site, open_page, served):
    folder, models = site
    page, log = open_app(folder, open_page, served)
    settings = [("2 units, hand-made", 2, 2), ("4 units, random", 7, 0), ("8 units, random", 3, 5), (1, 0, 0)]
    for network, a, b in settings:
        result = page.evaluate(
            "(s) => document.querySelector('.twoplustwo-browser-model').activations.show(s)",
            {"network": network, "a": a, "b": b},
        )
        label = network if isinstance(network, str) else list(models)[network]
        steps = inspection.forward_steps(models[label], a, b)
        assert result["network"] == label
        np.testing.assert_allclose(result["z"], steps.z, rtol=0, atol=1e-12)
        np.testing.assert_allclose(result["h"], steps.h, rtol=0, atol=1e-12)
        np.testing.assert_allclose(result["v_h"], steps.v_h, rtol=0, atol=1e-10)
        assert result["output"] == pytest.approx(steps.v_h.sum(), abs=1e-10)
        # ... and the diagram shows them: one circle per input, hidden unit and output.
        assert page.locator(".activations-diagram circle").count() == len(steps) + 3
        heading = page.inner_text(".activations-heading")
        assert heading.startswith(f"{a} + {b} = {a + b}") and f"{steps.v_h.sum():.2f}" in heading
    assert log.problems() == []


def test_weights_load_only_when_the_reader_asks(site, open_page, served):
    folder, _ = site
    requests = []
    page, log = open_page()
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{served(folder)}/notebooks/chapter.html")
    page.wait_for_function("() => document.querySelector('.twoplustwo-browser-model').dataset.ready === '1'")
    assert not [url for url in requests if "networks." in url], requests
    page.click(".activations-start")
    page.wait_for_selector(".activations-diagram circle")
    assert [url for url in requests if re.search(r"networks\.[0-9a-f]{12}\.json$", url)]
    # The controls work: moving a's slider redraws the heading.
    before = page.inner_text(".activations-heading")
    page.locator("input[aria-label=a]").fill("6")
    assert page.inner_text(".activations-heading") != before
    assert page.inner_text(".activations-heading").startswith("6 + 2 = 8")
    assert log.problems() == []


def test_bad_input_is_a_sentence_in_the_page(site, open_page, served):
    folder, _ = site
    page, log = open_app(folder, open_page, served)
    message = page.evaluate(
        "() => document.querySelector('.twoplustwo-browser-model').activations.show({a: 8, b: 0})"
        ".then(() => 'accepted', (error) => error.message)"
    )
    assert message.startswith("a must be a whole number from 0 to 7")
    assert page.inner_text(".activations-status") == message
    message = page.evaluate(
        "() => document.querySelector('.twoplustwo-browser-model').activations.show({network: 'nope'})"
        ".then(() => 'accepted', (error) => error.message)"
    )
    assert message.startswith('There is no network "nope"')
    assert log.problems() == []


def test_the_app_styles_only_with_theme_variables():
    source = APP_SOURCE.read_text()
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|\b(white|black)\b", source)
    assert "var(--pst-color-" in source
