"""The static site: built from the executed chapters and opened in headless Chromium.

It checks what a reader would see: the 3D figures drawn (plot elements holding data, WebGL
canvases present), the widgets rendered without a kernel, a console free of JavaScript
errors, and pages that read cleanly (``scripts.site.layout_problems``): no raw MyST markup,
no code line cut at its box's edge, tables that fit the column and read as tables, printed
output in compact blocks. The build itself must not warn. Chromium is Debian's package
(``make test`` installs it when missing).
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace

import pytest
from conftest import ROOT, SMALL_PARAMETERS

sys.path.insert(0, str(ROOT))
from scripts.site import build_site_with_warnings, inspect_page, layout_problems, serve  # noqa: E402

pytestmark = pytest.mark.browser

#: Console errors a page may log, each with the reason it is harmless. Empty: none allowed.
ALLOWED_ERRORS: dict[str, str] = {}

NOTES_PAGES = [f"book/notes/{name.replace('.ipynb', '.html')}" for name in SMALL_PARAMETERS]
PROSE_PAGES = ["book/intro.html", "book/data.html", *NOTES_PAGES, "book/references.html"]
CHAPTER_PAGES = [f"notebooks/{name.replace('.ipynb', '.html')}" for name in SMALL_PARAMETERS]


@pytest.fixture(scope="module")
def execution_failures(executed, executed_dir) -> dict[str, str]:
    """Run every chapter small; ``{chapter: error}`` for those that failed (built without them)."""
    failures = {}
    for name in SMALL_PARAMETERS:
        try:
            executed(name)
        except Exception as error:  # reported by test_every_chapter_executes
            failures[name] = f"{type(error).__name__}: {str(error)[-1500:]}"
    return failures


@pytest.fixture(scope="module")
def built(execution_failures, executed_dir, tmp_path_factory):
    """``(html folder, build warnings)`` of the site built from every chapter that ran small."""
    chapters = {name: executed_dir / name for name in SMALL_PARAMETERS if name not in execution_failures}
    return build_site_with_warnings(chapters, tmp_path_factory.mktemp("site") / "book")


@pytest.fixture(scope="module")
def site(built):
    return built[0]


@pytest.fixture(scope="module")
def chapter_one(site, tmp_path_factory):
    with serve(site) as url:
        return inspect_page(
            f"{url}/notebooks/01_two_plus_two.html", screenshot=tmp_path_factory.mktemp("shots") / "01.png"
        )


@pytest.fixture(scope="module")
def reports(site):
    """Every page built opened once: ``{page: PageReport}``."""
    with serve(site) as url:
        return {
            page: inspect_page(f"{url}/{page}", wait_ms=500)
            for page in ["index.html", *PROSE_PAGES, *CHAPTER_PAGES]
            if (site / page).exists()
        }


def report_for(reports, execution_failures, page):
    chapter = page.removeprefix("notebooks/").replace(".html", ".ipynb")
    if chapter in execution_failures:
        pytest.fail(f"{chapter} did not execute, so its page was not built: {execution_failures[chapter][:300]}")
    return reports[page]


def unexplained(errors: list[str]) -> list[str]:
    return [e for e in errors if not any(re.search(pattern, e) for pattern in ALLOWED_ERRORS)]


def test_every_chapter_executes(execution_failures):
    assert execution_failures == {}


def test_the_build_does_not_warn(built):
    """Any Sphinx or myst-nb warning (stderr in a cell, a missing glue value, a broken link) fails it."""
    _, warnings = built
    assert warnings == []


def test_error_surfaces_render(chapter_one):
    surfaces = [plot for plot in chapter_one.plots if "surface" in plot["types"]]
    assert len(surfaces) == len(SMALL_PARAMETERS["01_two_plus_two.ipynb"]["BITS"])
    for plot in surfaces:
        assert plot["traces"] == len(SMALL_PARAMETERS["01_two_plus_two.ipynb"]["HIDDEN_UNITS"])
        assert plot["points"] > 0 and plot["canvases"] > 0 and plot["height"] > 300
        assert plot["buttons"] == plot["traces"]


def test_widgets_render_without_a_kernel(chapter_one):
    assert chapter_one.widgets >= 3  # dropdowns, sliders, the Train button
    assert chapter_one.widget_images >= 1  # the explorer's figure, from the saved widget state


def test_no_javascript_errors_and_nothing_missing(chapter_one):
    assert (unexplained(chapter_one.console_errors), chapter_one.failed_requests) == ([], [])


@pytest.mark.parametrize("page", ["index.html", *PROSE_PAGES, *CHAPTER_PAGES])
def test_every_page_loads_cleanly(reports, execution_failures, page):
    """Prose pages and every chapter: no JavaScript errors, nothing missing, figures drawn."""
    report = report_for(reports, execution_failures, page)
    # Both at once: a failed request also logs a console error, the URL says which.
    assert (unexplained(report.console_errors), report.failed_requests) == ([], [])
    for plot in report.plots:
        assert plot["traces"] > 0 and plot["points"] > 0 and plot["height"] > 100, plot


@pytest.mark.parametrize("page", [*PROSE_PAGES, *CHAPTER_PAGES])
def test_every_page_reads_cleanly(reports, execution_failures, page):
    """No raw markup, no code cut at the edge, tables that fit and read, compact printed output."""
    assert layout_problems(report_for(reports, execution_failures, page)) == []


def test_the_layout_checks_catch_what_they_should(chapter_one):
    """The checks are not vacuous: the probe saw the page's tables, code and printed output."""
    layout = chapter_one.layout
    assert layout["column"] > 300
    assert len(layout["tables"]) >= 5
    assert any(boxes >= 1 for _, boxes in layout["stream_boxes"])
    # A fabricated report with one of each defect is caught on every count.
    broken = replace(
        chapter_one,
        layout={
            **layout,
            "unresolved": ["{glue:text}`example`"],
            "wide_code": [
                {"cell": 2, "input": True, "scroll_width": 900, "client_width": 680, "characters": 110, "line": "x = 1"}
            ],
            "tables": [
                {
                    "cell": 3,
                    "width": layout["column"] + 50,
                    "height": 3 * layout["viewport_height"],
                    "rows": 40,
                    "in_output": True,
                    "headers": ["", "hidden_units"],
                    "snake_headers": ["hidden_units"],
                    "raw_index": True,
                    "unformatted": ["0.123456"],
                    "raw_lists": ["[1, 2]"],
                }
            ],
            "stream_boxes": [[4, 20]],
        },
    )
    problems = layout_problems(broken)
    for expected in (
        "raw markup",
        "cut at the right edge",
        "wider than",
        "screens long",
        "headers in code",
        "raw DataFrame index",
        "unformatted",
        "raw Python lists",
        "boxes of printed output",
    ):
        assert any(expected in problem for problem in problems), expected
