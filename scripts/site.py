"""Build the static site from executed chapters, serve it locally, and look at it in Chromium.

Used by the browser test (``tests/test_site.py``) and by ``scripts/screenshot.py``. The
browser is the system's Chromium (Debian package ``chromium``), driven by Playwright; no
browser is ever downloaded. Set ``CHROMIUM`` to use another executable.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
#: Flags for a root, offline, GPU-less machine (WebGL still works, in software).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


def chromium_path() -> str:
    """The Chromium executable: ``$CHROMIUM``, else ``chromium`` on the PATH."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise FileNotFoundError(
            "Chromium not found: install Debian's 'chromium' package "
            "(scripts/install_chromium.sh) or set CHROMIUM=/path/to/chromium"
        )
    return path


def build_site(executed: dict[str, Path], workdir: Path) -> Path:
    """Build the book from already executed chapter notebooks; returns the HTML folder.

    ``executed`` maps chapter file names (``01_two_plus_two.ipynb``) to executed copies.
    The table of contents keeps the prose pages and the chapters given, in book order;
    execution is switched off, so the outputs shown are exactly the executed ones. Any
    warning fails the build (``RuntimeError``), as in ``make book``.
    """
    html, warnings = build_site_with_warnings(executed, workdir)
    if warnings:
        raise RuntimeError("jupyter-book build warned:\n" + "\n".join(warnings))
    return html


def build_site_with_warnings(executed: dict[str, Path], workdir: Path) -> tuple[Path, list[str]]:
    """``build_site``, but returns the warnings instead of failing on them.

    The build runs with ``--warningiserror --keep-going`` (every warning reported, the build
    completed anyway), so a test can check the pages and the warnings separately. A build
    that produced no pages at all is a ``RuntimeError``.
    """
    if workdir.exists():
        shutil.rmtree(workdir)
    shutil.copytree(ROOT / "book", workdir / "book")
    (workdir / "notebooks").mkdir()
    for name, path in executed.items():
        shutil.copyfile(path, workdir / "notebooks" / name)

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    (workdir / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    wanted = {f"notebooks/{Path(name).stem}" for name in executed}
    for part in toc["parts"]:
        part["chapters"] = [
            chapter
            for chapter in part["chapters"]
            if not chapter["file"].startswith("notebooks/") or chapter["file"] in wanted
        ]
    toc["parts"] = [part for part in toc["parts"] if part["chapters"]]
    (workdir / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))

    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", str(workdir), "--warningiserror", "--keep-going"], capture_output=True, text=True
    )
    html = workdir / "_build" / "html"
    warnings = build_warnings(result.stdout + "\n" + result.stderr)
    if (result.returncode != 0 and not warnings) or not (html / "index.html").exists():
        raise RuntimeError(f"jupyter-book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return html, warnings


def build_warnings(log: str) -> list[str]:
    """The WARNING and ERROR lines of a Sphinx log, without colour codes, each once."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", log)
    lines = [line.strip() for line in plain.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]
    return list(dict.fromkeys(lines))


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on a free localhost port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@dataclass
class PageReport:
    """What a page did in the browser."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    plots: list[dict] = field(default_factory=list)
    widgets: int = 0
    widget_images: int = 0
    #: What ``_LAYOUT_PROBE`` measured (see ``layout_problems``).
    layout: dict = field(default_factory=dict)


# Runs in the page: every plotly figure's traces and whether its WebGL canvas was drawn.
_PLOT_PROBE = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => ({
    traces: (plot.data || []).length,
    types: (plot.data || []).map(t => t.type),
    // _fullData holds the decoded arrays (the page ships them base64-encoded). An image trace
    // given as a PNG (source) counts as one point when plotly drew it (an SVG <image>).
    points: (plot._fullData || []).reduce((n, t) =>
        n + (t.z && t.z.length ? t.z.length * (t.z[0].length || 1)
             : t.type === 'image' && t.source ? Math.min(1, plot.querySelectorAll('image').length)
             : (t._length || 0)), 0),
    canvases: plot.querySelectorAll('canvas').length,
    buttons: plot.querySelectorAll('.updatemenu-button').length,
    height: plot.getBoundingClientRect().height,
}))
"""


#: Longest table a page may show open, in viewport heights: longer ones go behind a toggle.
MAX_TABLE_SCREENS = 1.0
#: Output boxes of printed text (stdout/stderr streams) a cell may show: one compact block per
#: training run, not one box per printed line.
MAX_STREAM_BOXES = 3

# Runs in the page: what a reader would trip on in the article (the page's main column).
# Closed <details> (a collapsed long table) and hidden outputs have no layout box, so only
# what the reader sees open is measured.
_LAYOUT_PROBE = r"""
() => {
    const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
    const style = getComputedStyle(article);
    const column = article.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const text = article.innerText;
    const cellOf = element => {
        const cell = element.closest('div.cell');
        return cell ? Array.from(article.querySelectorAll('div.cell')).indexOf(cell) + 1 : null;
    };
    // Chromium lays out a closed <details> (content-visibility), so test for one explicitly.
    const shown = element => element.getClientRects().length > 0 && !element.closest("details:not([open])");
    const tables = Array.from(article.querySelectorAll('table')).filter(shown).map(table => {
        const box = table.getBoundingClientRect();
        const headers = Array.from(table.querySelectorAll('thead th')).map(th => th.innerText.trim());
        const bodyRows = table.tBodies.length ? Array.from(table.tBodies[0].rows) : [];
        const firstColumn = bodyRows.map(row => row.cells.length ? row.cells[0] : null);
        // A default RangeIndex: the first column is <th> 0, 1, 2, ... and has no header text.
        const rawIndex = bodyRows.length > 1 && firstColumn.every((c, i) => c && c.tagName === 'TH'
                && c.innerText.trim() === String(i))
            && Array.from(table.querySelectorAll('thead tr')).every(row => !row.cells.length
                || row.cells[0].innerText.trim() === '');
        const cells = Array.from(table.querySelectorAll('td, tbody th')).map(c => c.innerText.trim());
        return {
            cell: cellOf(table), width: box.width, height: box.height, rows: bodyRows.length,
            in_output: !!table.closest('.cell_output'),
            headers: headers.slice(0, 20),
            snake_headers: headers.filter(h => /^[A-Za-z0-9]+(_[A-Za-z0-9]+)+$/.test(h)),
            raw_index: rawIndex,
            unformatted: cells.filter(c => /\d\.\d{5,}/.test(c)).slice(0, 3),
            raw_lists: cells.filter(c => /^\[.*\]$/s.test(c)).slice(0, 3),
        };
    });
    return {
        column: column,
        viewport_height: window.innerHeight,
        // MyST roles left as text ({glue:text}`name`) and docutils' markers of unresolved references.
        unresolved: Array.from(new Set(
            text.match(/\{[a-z][\w-]*(:[\w-]+)?\}`[^`\n]{0,60}`?|\{glue[^\n]{0,40}/g) || [])),
        problematic: Array.from(article.querySelectorAll('.problematic, .system-message'))
            .map(e => e.innerText.trim().slice(0, 80)),
        wide_code: Array.from(article.querySelectorAll('pre')).filter(shown)
            .filter(pre => pre.scrollWidth > pre.clientWidth + 1).map(pre => {
                const longest = pre.innerText.split('\n').reduce((a, b) => b.length > a.length ? b : a, '');
                return {cell: cellOf(pre), input: !!pre.closest('.cell_input'), scroll_width: pre.scrollWidth,
                        client_width: pre.clientWidth, characters: longest.length, line: longest.slice(0, 90)};
            }),
        tables: tables,
        stream_boxes: Array.from(article.querySelectorAll('div.cell')).map((cell, index) => [index + 1,
            cell.querySelectorAll('.cell_output > .output.stream').length]).filter(([_, n]) => n > 0),
    };
}
"""


def layout_problems(report: PageReport) -> list[str]:
    """What a reader would trip on, one sentence each (empty when the page reads cleanly).

    Raw MyST markup or unresolved references in the text; code (input or output) wider than
    its box, so a line is cut at the right edge; tables wider than the content column, longer
    than ``MAX_TABLE_SCREENS`` viewport heights while open, with snake_case headers, a raw
    DataFrame index, unformatted numbers (5+ decimals) or raw Python lists in their cells; and
    more than ``MAX_STREAM_BOXES`` boxes of printed text in one cell.
    """
    layout, problems = report.layout, []
    if not layout:
        return ["the layout was not measured"]
    problems += [f"raw markup in the text: {text!r}" for text in layout["unresolved"]]
    problems += [f"unresolved reference: {text!r}" for text in layout["problematic"]]
    for code in layout["wide_code"]:
        where = "code" if code["input"] else "output"
        problems.append(
            f"{_cell(code['cell'])}: {where} line of {code['characters']} characters cut at the right edge "
            f"({code['scroll_width']} px in a {code['client_width']} px box): {code['line']!r}"
        )
    column, screen = layout["column"], layout["viewport_height"]
    for table in layout["tables"]:
        where = f"{_cell(table['cell'])}, table {table['headers'][:4]}"
        if table["width"] > column + 1:
            problems.append(f"{where}: {table['width']:.0f} px wide, wider than the {column:.0f} px column")
        if table["in_output"] and table["height"] > MAX_TABLE_SCREENS * screen:
            problems.append(
                f"{where}: {table['rows']} rows, {table['height'] / screen:.1f} screens long while open "
                "(show a summary and collapse the full table)"
            )
        if table["snake_headers"]:
            problems.append(f"{where}: headers in code, not words: {table['snake_headers']}")
        if table["raw_index"]:
            problems.append(f"{where}: shows the raw DataFrame index (0, 1, 2, ...)")
        if table["unformatted"]:
            problems.append(f"{where}: unformatted numbers {table['unformatted']}")
        if table["raw_lists"]:
            problems.append(f"{where}: raw Python lists in cells {table['raw_lists']}")
    for cell, boxes in layout["stream_boxes"]:
        if boxes > MAX_STREAM_BOXES:
            problems.append(
                f"{_cell(cell)}: {boxes} boxes of printed output (at most {MAX_STREAM_BOXES}: one compact "
                "block per training run)"
            )
    return problems


def _cell(number: int | None) -> str:
    return "prose" if number is None else f"code cell {number}"


def inspect_page(url: str, screenshot: Path | None = None, wait_ms: int = 3000) -> PageReport:
    """Open ``url`` in headless Chromium and report errors, figures, widgets and layout (1280x900)."""
    from playwright.sync_api import sync_playwright

    report = PageReport(url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda message: message.type == "error" and report.console_errors.append(message.text))
        page.on("pageerror", lambda error: report.console_errors.append(f"uncaught: {error}"))
        page.on("requestfailed", lambda request: report.failed_requests.append(request.url))
        page.on(
            "response",
            lambda response: (
                response.status >= 400 and report.failed_requests.append(f"{response.status} {response.url}")
            ),
        )
        page.goto(url, wait_until="networkidle")
        # The widget manager renders after load, one view per saved widget-view script.
        page.wait_for_function(
            """() => document.querySelectorAll('.widget-subarea').length >=
                     document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length""",
            timeout=60_000,
        )
        page.wait_for_timeout(wait_ms)  # let plotly and MathJax settle
        report.plots = page.evaluate(_PLOT_PROBE)
        report.widgets = page.locator(
            ".jupyter-widgets.widget-dropdown, .jupyter-widgets.widget-slider, "
            ".jupyter-widgets.widget-button, button.jupyter-button"
        ).count()
        report.widget_images = page.locator(".jupyter-widgets-output-area img, .widget-output img").count()
        report.layout = page.evaluate(_LAYOUT_PROBE)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return report
