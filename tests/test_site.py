"""The static site: built from the executed chapters and opened in headless Chromium.

It checks what a reader would see: the 3D figures drawn (plot elements holding data, WebGL
canvases present), the widgets rendered without a kernel, and a console free of JavaScript
errors. Chromium is Debian's package (``make test`` installs it when missing).
"""

from __future__ import annotations

import re
import sys

import pytest

from conftest import ROOT, SMALL_PARAMETERS

sys.path.insert(0, str(ROOT))
from scripts.site import build_site, inspect_page, serve  # noqa: E402

pytestmark = pytest.mark.browser

#: Console errors a page may log, each with the reason it is harmless. Empty: none allowed.
ALLOWED_ERRORS: dict[str, str] = {}


@pytest.fixture(scope="module")
def site(executed, executed_dir, tmp_path_factory):
    chapters = {}
    for name in SMALL_PARAMETERS:
        executed(name)
        chapters[name] = executed_dir / name
    return build_site(chapters, tmp_path_factory.mktemp("site") / "book")


@pytest.fixture(scope="module")
def chapter_one(site, tmp_path_factory):
    with serve(site) as url:
        return inspect_page(f"{url}/notebooks/01_two_plus_two.html",
                            screenshot=tmp_path_factory.mktemp("shots") / "01.png")


def unexplained(errors: list[str]) -> list[str]:
    return [e for e in errors if not any(re.search(pattern, e) for pattern in ALLOWED_ERRORS)]


def test_error_surfaces_render(chapter_one):
    surfaces = [plot for plot in chapter_one.plots if "surface" in plot["types"]]
    assert len(surfaces) == len(SMALL_PARAMETERS["01_two_plus_two.ipynb"]["BITS"])
    for plot in surfaces:
        assert plot["traces"] == len(SMALL_PARAMETERS["01_two_plus_two.ipynb"]["HIDDEN_UNITS"])
        assert plot["points"] > 0 and plot["canvases"] > 0 and plot["height"] > 300
        assert plot["buttons"] == plot["traces"]


def test_widgets_render_without_a_kernel(chapter_one):
    assert chapter_one.widgets >= 3          # dropdowns, sliders, the Train button
    assert chapter_one.widget_images >= 1    # the explorer's figure, from the saved widget state


def test_no_javascript_errors_and_nothing_missing(chapter_one):
    assert (unexplained(chapter_one.console_errors), chapter_one.failed_requests) == ([], [])


def test_every_page_loads_cleanly(site):
    """Prose pages and every chapter: no JavaScript errors, nothing missing, figures drawn."""
    chapters = [f"notebooks/{name.replace('.ipynb', '.html')}" for name in SMALL_PARAMETERS]
    with serve(site) as url:
        for page in ["index.html", "book/data.html", "book/references.html", *chapters]:
            report = inspect_page(f"{url}/{page}", wait_ms=500)
            # Both at once: a failed request also logs a console error, the URL says which.
            assert (unexplained(report.console_errors), report.failed_requests) == ([], []), page
            for plot in report.plots:
                assert plot["traces"] > 0 and plot["points"] > 0 and plot["height"] > 100, (page, plot)
