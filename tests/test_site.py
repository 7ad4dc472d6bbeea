"""The static site: built from the executed chapters and opened in headless Chromium.

It checks what a reader would see: the 3D figures drawn (plot elements holding data, WebGL
canvases present), no ipywidgets control left on a page (dead without a kernel), a console
free of JavaScript errors, and pages that read cleanly (``scripts.site.layout_problems``): no
raw MyST markup, no code line cut at its box's edge, tables that fit the column and read as
tables, printed output in compact blocks, no text clipped in a figure, no overlapping controls,
no row wider than the column, no code names in the prose, no visible code cell over 25 lines.
Issue 15: every app found on the pages starts with the site served under a sub-path; opened
from disk, each app says why it cannot start and what to run; each page fetches at most 5 MB
before the reader touches it, ONNX Runtime loads once for the whole site. The build itself must
not warn. Chromium is Debian's package (``make test`` installs it when missing).

``TWOPLUSTWO_SITE_EXECUTED=/folder`` builds from the executed chapters in that folder instead of
executing every chapter small (a developer's shortcut; pages of chapters not there are skipped).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, SMALL_PARAMETERS

sys.path.insert(0, str(ROOT))
from scripts.site import (  # noqa: E402
    CHROMIUM_ARGS,
    FIRST_LOAD_BUDGET,
    build_site_with_warnings,
    chromium_path,
    first_load,
    inspect_page,
    layout_problems,
    serve,
    served_requests,
)

pytestmark = pytest.mark.browser

#: Console errors a page may log, each with the reason it is harmless. Empty: none allowed.
ALLOWED_ERRORS: dict[str, str] = {}

NOTES_PAGES = [f"book/notes/{name.replace('.ipynb', '.html')}" for name in SMALL_PARAMETERS]
PROSE_PAGES = ["book/intro.html", "book/data.html", *NOTES_PAGES, "book/references.html"]
CHAPTER_PAGES = [f"notebooks/{name.replace('.ipynb', '.html')}" for name in SMALL_PARAMETERS]


#: A folder of chapters executed beforehand (see the module docstring), or None.
PREBUILT = os.environ.get("TWOPLUSTWO_SITE_EXECUTED")
#: Where the built site is published in the sub-path test, as on GitHub Pages.
PREFIX = "/two-plus-two"
APP_SELECTOR = ".twoplustwo-browser-model"


@pytest.fixture(scope="module")
def execution_failures(executed, executed_dir) -> dict[str, str]:
    """Run every chapter small; ``{chapter: error}`` for those that failed (built without them)."""
    failures = {}
    if PREBUILT:
        return failures
    for name in SMALL_PARAMETERS:
        try:
            executed(name)
        except Exception as error:  # reported by test_every_chapter_executes
            failures[name] = f"{type(error).__name__}: {str(error)[-1500:]}"
    return failures


@pytest.fixture(scope="module")
def built(execution_failures, executed_dir, tmp_path_factory):
    """``(html folder, build warnings)`` of the site built from every chapter that ran small."""
    folder = Path(PREBUILT) if PREBUILT else executed_dir
    chapters = {
        name: folder / name
        for name in SMALL_PARAMETERS
        if name not in execution_failures and (not PREBUILT or (folder / name).exists())
    }
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
    if PREBUILT and page not in reports:
        pytest.skip(f"{chapter} is not in TWOPLUSTWO_SITE_EXECUTED={PREBUILT}")
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


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_no_ipywidgets_control_is_left_on_a_page(reports, execution_failures, page):
    """ipywidgets controls do nothing without a kernel: cells showing them are tagged remove-output."""
    assert report_for(reports, execution_failures, page).dead_widgets == []


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
            # Issue 16 §3's kinds, as chapter 5's full-size page showed them.
            "clipped_text": [{"cell": 5, "text": "16 fixed samples pe", "overflow": 40}],
            "overlapping_controls": [{"cell": 5, "first": "Play", "second": "epoch 7"}],
            "wide_rows": [{"cell": 6, "what": "row div", "items": 8, "width": layout["column"] + 200}],
            "code_names": ["book_spectral"],
            "long_code": [{"cell": 7, "lines": 77}],
            "inline_data": [{"cell": 8, "characters": 6_600_000}],
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
        "text cut off inside a figure",
        "controls overlap",
        "runs past the",
        "code names in the prose",
        "visible code cell of 77 lines",
        "inline data: URI",
    ):
        assert any(expected in problem for problem in problems), expected


def test_the_page_checks_catch_real_defects(tmp_path):
    """Each issue 16 check finds its defect in a real page, made in the browser, not only in a report."""
    defects = """
    <div class="cell"><div class="cell_input"><pre>{code}</pre></div><div class="cell_output">
      <div class="output text_html">
        <div style="width: 120px; overflow: hidden; white-space: nowrap">16 fixed samples per epoch of training</div>
        <div style="position: relative; height: 40px"><button style="position: absolute; left: 0">Play</button>
          <label style="position: absolute; left: 10px">epoch 7</label></div>
        <div style="display: flex">{faces}</div>
      </div></div></div>
    <p>The run uses book_spectral for its discriminator.</p>
    """.format(
        code="\n".join(f"x{i} = {i}" for i in range(30)),
        faces="".join('<div style="flex: none; width: 150px; height: 150px"></div>' for _ in range(8)),
    )
    page = tmp_path / "book" / "defects.html"
    page.parent.mkdir()
    (tmp_path / "plotly.min.js").symlink_to(ROOT / "book" / "_static" / "vendor" / "plotly.min.js")
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        "<script src='../plotly.min.js'></script></head><body>"
        f"<main><article class='bd-article' style='width: 700px'>{defects}"
        f"<div class='cell'><div class='cell_output'>{_clipped_animation()}</div></div></article></main></body></html>"
    )
    with serve(tmp_path) as url:
        problems = layout_problems(inspect_page(f"{url}/book/defects.html", wait_ms=100))
    for expected in (
        "text cut off inside a figure",
        "controls overlap: 'Play' and 'epoch 7'",
        "a row div of 8 items",
        "['book_spectral']",
        "a visible code cell of 30 lines",
        "'16 fixed samples per epoch, as the generator learns to draw'",
    ):
        assert any(expected in problem for problem in problems), (expected, problems)
    # The play button over the slider's current "epoch 1" (in either order).
    assert any("controls overlap" in p and "'▶'" in p and "'epoch 1'" in p for p in problems), problems


def _clipped_animation() -> str:
    """A plotly animation with chapter 5's two defects: a title wider than the figure, and the
    play button drawn over the slider's "epoch" label."""
    import plotly.graph_objects as go

    figure = go.Figure(
        data=[go.Scatter(x=[0, 1], y=[0, 1])],
        frames=[go.Frame(data=[go.Scatter(x=[0, 1], y=[1, i])], name=f"epoch {i}") for i in (1, 2)],
    )
    figure.update_layout(
        width=260,
        height=300,
        title="16 fixed samples per epoch, as the generator learns to draw",
        updatemenus=[
            {
                "type": "buttons",
                "x": 0.1,
                "y": 0,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [{"label": "▶", "method": "animate", "args": [None]}],
            }
        ],
        sliders=[
            {
                "x": 0.1,
                "y": 0,
                "xanchor": "left",
                "yanchor": "top",
                "currentvalue": {"prefix": ""},
                "steps": [{"label": f"epoch {i}", "method": "animate", "args": [[f"epoch {i}"]]} for i in (1, 2)],
            }
        ],
    )
    return figure.to_html(full_html=False, include_plotlyjs=False)


def pages_with_apps(site: Path) -> list[str]:
    """Every built page holding an in-browser app element (found in the HTML, not listed by hand)."""
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if 'class="twoplustwo-browser-model"' in path.read_text(encoding="utf-8", errors="replace")
    )


def pages_with_onnx_apps(site: Path) -> list[str]:
    """The pages among ``pages_with_apps`` whose app runs a model in ONNX Runtime (not only JSON files)."""
    onnx = re.compile(r'data-spec="[^"]*&quot;models&quot;: \{&quot;')
    return [page for page in pages_with_apps(site) if onnx.search((site / page).read_text(encoding="utf-8"))]


def test_every_app_starts_under_a_sub_path(site, open_page):
    """Published under /two-plus-two/ (GitHub Pages), every app on every page starts, with no error."""
    pages = pages_with_apps(site)
    assert pages, "no page of the built site shows an in-browser app"
    with serve(site, prefix=PREFIX) as url:
        assert url.endswith(PREFIX)
        for name in pages:
            page, log = open_page(f"{url}/{name}")
            count = page.locator(APP_SELECTOR).count()
            page.evaluate("() => TwoPlusTwoModels.startAll()")
            apps = page.eval_on_selector_all(
                APP_SELECTOR, "els => els.map(el => [!!el.dataset.ready, el.innerText.slice(0, 200)])"
            )
            assert len(apps) == count > 0 and all(ready for ready, _ in apps), (name, apps)
            page.wait_for_load_state("networkidle")
            assert log.problems() == [], name
            # Everything came from under the prefix: nothing resolved against the server's root.
            assert all(path.startswith(PREFIX + "/") for path in served_requests(url)), served_requests(url)


def test_apps_opened_from_disk_say_to_run_make_serve(site, open_page):
    """From file:// no app can fetch its models: each says why in the page, and what to run."""
    for name in pages_with_apps(site):
        page, _ = open_page((site / name).as_uri())
        page.wait_for_function(
            f"() => Array.from(document.querySelectorAll('{APP_SELECTOR}')).every(el => el.dataset.failed)"
        )
        for text in page.eval_on_selector_all(APP_SELECTOR, "els => els.map(el => el.innerText)"):
            assert "opened from disk" in text and "make serve" in text, text
            assert "Failed to fetch" not in text and "could not start" not in text, text


@pytest.fixture(scope="module")
def first_loads(site, chromium):
    """``{page: FirstLoad}``: what each built page fetched before any scroll or click."""
    with serve(site) as url:
        return {
            page: first_load(chromium, f"{url}/{page}")
            for page in ["index.html", *PROSE_PAGES, *CHAPTER_PAGES]
            if (site / page).exists()
        }


@pytest.mark.parametrize("page", ["index.html", *PROSE_PAGES, *CHAPTER_PAGES])
def test_pages_are_light_before_the_reader_touches_them(site, first_loads, execution_failures, page):
    """At most 5 MB before any interaction; no runtime, model or plotly.js; no unused widget embedder."""
    if page not in first_loads:
        report_for({}, execution_failures, page)  # says why the page is missing
    load = first_loads[page]
    largest = [(url.rsplit("/", 1)[-1], size) for url, size in load.largest(5)]
    assert load.total <= FIRST_LOAD_BUDGET, f"{page}: {load.total / 1e6:.1f} MB on first load, largest {largest}"
    fetched = " ".join(load.files)
    for heavy in ("onnxruntime/", "_static/models/", "plotly.min.js", "_app.js"):
        assert heavy not in fetched, f"{page} fetched {heavy} before the reader came near an app or figure"
    html = (site / page).read_text(encoding="utf-8")
    if "application/vnd.jupyter.widget-view+json" not in html:
        assert "embed-amd.js" not in fetched and "require.js" not in fetched, page
        assert "application/vnd.jupyter.widget-state+json" not in html, f"{page} carries unused widget state"


def test_figures_and_apps_load_when_the_reader_comes_near(site, chromium, tmp_path):
    """Scrolling to a figure draws it; scrolling to an app starts it, and ONNX Runtime loads once for the site.

    A browser profile on disk, as a reader's is: an incognito context's small in-memory cache
    does not keep a 14 MB file.
    """
    from browser_support import watch

    pages = pages_with_onnx_apps(site)
    assert pages, "no page of the built site shows an app that runs an ONNX model"
    with (
        serve(site) as url,
        contextlib.closing(
            chromium.browser_type.launch_persistent_context(
                str(tmp_path / "profile"),
                executable_path=chromium_path(),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900},
            )
        ) as reader,
    ):
        page = reader.new_page()
        log = watch(page)

        def visit(name: str) -> list[str]:
            """Open a page, scroll to its app, wait until it is ready: the wasm files served so far."""
            page.goto(f"{url}/{name}", wait_until="networkidle")
            assert page.locator(f"{APP_SELECTOR}[data-started]").count() == 0, name
            page.locator(APP_SELECTOR).first.scroll_into_view_if_needed()
            page.wait_for_function(f"() => document.querySelector('{APP_SELECTOR}').dataset.ready", timeout=60_000)
            page.wait_for_load_state("networkidle")
            return [path for path in served_requests(url) if path.endswith(".wasm")]

        # Some apps load their model only when the reader asks (chapter 3's adders): find one
        # that runs it as it starts, then open that page again, the second time from the cache.
        first = next((name for name in pages if visit(name)), None)
        assert first is not None, f"no app on {pages} loaded ONNX Runtime when it started"
        runtime = visit(first)
        assert len(runtime) == 1, runtime  # one download, then the browser's cache
        figures = [name for name in CHAPTER_PAGES if "x-twoplustwo-plotly" in _read(site / name)]
        for name in figures:
            page.goto(f"{url}/{name}", wait_until="networkidle")
            assert page.evaluate("() => typeof window.Plotly") == "undefined", name
            page.locator(".plotly-graph-div").first.scroll_into_view_if_needed()
            page.wait_for_function("() => document.querySelector('.js-plotly-plot')", timeout=120_000)
            # Every figure draws, those whose script is a file of its own (data-src) too.
            page.evaluate("() => TwoPlusTwo.drawFigures()")
            page.wait_for_function(
                "() => document.querySelectorAll('.js-plotly-plot').length"
                " === document.querySelectorAll('.plotly-graph-div').length",
                timeout=120_000,
            )
        assert log.problems() == []


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_pages_load_plotly_and_the_widget_embedder_only_where_shown():
    """The extension's per-page decision: inert figure scripts; the embedder dropped where no widget shows."""
    from types import SimpleNamespace

    from sphinx.builders.html._assets import _JavaScript

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import twoplustwo_assets

    app = SimpleNamespace(config=SimpleNamespace(nb_ipywidgets_js={"vendor/require.js": {}, "vendor/embed-amd.js": {}}))
    state = _JavaScript(None, type=twoplustwo_assets.WIDGET_STATE, body="{}")

    def page(body: str) -> dict:
        scripts = [
            _JavaScript("twoplustwo.js"),
            state,
            _JavaScript("vendor/require.js"),
            _JavaScript("vendor/embed-amd.js"),
        ]
        context = {"body": body, "script_files": scripts}
        twoplustwo_assets._per_page_scripts(app, "page", "page.html", context, None)
        return context

    figure = '<div id="f"></div><script type="text/javascript">if (x) { Plotly.newPlot("f", [], {}) };</script>'
    plain = page(f"<p>Prose</p>{figure}<script>var kept = 1;</script>")
    assert plain["body"].count(f'type="{twoplustwo_assets.INERT_PLOTLY}"') == 1
    assert "<script>var kept = 1;</script>" in plain["body"]
    assert [script.filename for script in plain["script_files"]] == ["twoplustwo.js"]
    widgets = page('<script type="application/vnd.jupyter.widget-view+json">{}</script>')
    assert [script.filename for script in widgets["script_files"]] == [
        "twoplustwo.js",
        None,
        "vendor/require.js",
        "vendor/embed-amd.js",
    ]


def test_big_figures_move_out_of_the_page_into_content_named_files(tmp_path):
    """A figure script over FIGURE_FILE_BYTES becomes a file the page names; a small one stays
    inline; images load lazily."""
    from types import SimpleNamespace

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import twoplustwo_assets

    app = SimpleNamespace(config=SimpleNamespace(nb_ipywidgets_js={}), outdir=str(tmp_path))
    data = "[" + ",".join(["0.125"] * (twoplustwo_assets.FIGURE_FILE_BYTES // 5)) + "]"
    big = f'if (x) {{ Plotly.newPlot("big", [{{"z": {data}}}], {{}}) }};'
    small = 'if (x) { Plotly.newPlot("small", [], {}) };'
    context = {
        "body": f"<script type='text/javascript'>{big}</script>".replace("'", '"')
        + f'<script type="text/javascript">{small}</script><img src="faces.png" alt="faces">',
        "script_files": [],
        "pathto": lambda name, resource: "../" + name,
    }
    twoplustwo_assets._per_page_scripts(app, "notebooks/page", "page.html", context, None)
    files = list((tmp_path / "_static" / "figures").glob("figure.*.js"))
    assert len(files) == 1 and files[0].read_text(encoding="utf-8") == big
    assert f'data-src="../_static/figures/{files[0].name}"></script>' in context["body"]
    assert small in context["body"] and data not in context["body"]
    assert '<img loading="lazy" src="faces.png"' in context["body"]  # images load when near, too


def test_the_claims_report_reads_each_chapters_record_from_the_build(site, execution_failures, executed_dir, capsys):
    """``scripts/claims_report.py`` on the built site: each chapter's count of claims and of failures."""
    import nbformat
    from conftest import claims

    from scripts.claims_report import main

    folder = site.parent / "jupyter_execute" / "notebooks"
    assert main([str(folder)]) == 0
    printed = capsys.readouterr().out
    source = Path(PREBUILT) if PREBUILT else executed_dir
    built = [name for name in SMALL_PARAMETERS if name not in execution_failures and (source / name).exists()]
    assert built
    for name in built:
        record = claims(nbformat.read(source / name, as_version=4))
        failed = [claim_id for claim_id, claim in record.items() if not claim["holds"]]
        assert f"{name.removesuffix('.ipynb')}: {len(record)} claims, {len(failed)} did not hold" in printed
        assert all(f"    {claim_id}: " in printed for claim_id in failed)
