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
def serve(directory: Path, prefix: str = "", port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``directory`` over HTTP on ``host`` (a free port unless ``port``); yields the base URL.

    ``prefix`` publishes the site under a sub-path, as GitHub Pages does (``"/two-plus-two"``:
    the pages are at ``/two-plus-two/...``, everything else is 404). Responses carry the cache
    headers of ``SiteHandler`` so a browser keeps one copy of the runtime and models.
    """
    handler = functools.partial(SiteHandler, directory=str(directory), prefix=prefix)
    server = _QuietServer((host, port), handler)
    server.requests = []  # paths asked for, in order (tests read them off the base URL's server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://{host}:{server.server_address[1]}{_clean_prefix(prefix)}"
        _SERVERS[base] = server
        yield base
    finally:
        _SERVERS.pop(base, None)
        server.shutdown()
        server.server_close()


_SERVERS: dict[str, http.server.ThreadingHTTPServer] = {}


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A browser that closes a connection mid-file (a page left before its last download) is
        # not an error of the site.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def served_requests(base_url: str) -> list[str]:
    """The paths the server started by ``serve`` at ``base_url`` was asked for so far."""
    return list(_SERVERS[base_url].requests)


def _clean_prefix(prefix: str) -> str:
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    if re.search(r"[^A-Za-z0-9._~/-]", prefix):
        raise ValueError(f"prefix must be a URL path like '/two-plus-two', got {prefix!r}")
    return prefix


#: Cache-Control by path: content-named model and figure files never change; the vendored runtime and
#: libraries change only with a new pinned version (make assets), so a day; pages revalidate.
CACHE_RULES = (
    (re.compile(r"/_static/(models|figures)/"), "public, max-age=31536000, immutable"),
    (re.compile(r"/_static/"), "public, max-age=86400"),
    (re.compile(r""), "no-cache"),
)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of the built book, optionally under a prefix, with cache headers, quietly."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".onnx": "application/octet-stream",
    }

    def __init__(self, *args, prefix: str = "", **kwargs) -> None:
        self.prefix = _clean_prefix(prefix)
        super().__init__(*args, **kwargs)

    def send_head(self):
        self.server.requests.append(self.path.split("?")[0])
        if self.prefix:
            if self.path == self.prefix:
                self.send_response(301)
                self.send_header("Location", self.prefix + "/")
                self.end_headers()
                return None
            if not self.path.startswith(self.prefix + "/"):
                self.send_error(404, "outside the site's prefix " + self.prefix)
                return None
            self.path = self.path[len(self.prefix) :]
        return super().send_head()

    def end_headers(self) -> None:
        path = self.path.split("?")[0]
        rule = next(value for pattern, value in CACHE_RULES if pattern.search(path))
        self.send_header("Cache-Control", rule)
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class PageReport:
    """What a page did in the browser."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    plots: list[dict] = field(default_factory=list)
    #: Visible ipywidgets controls (dead without a kernel), one description each.
    dead_widgets: list[str] = field(default_factory=list)
    widgets: int = 0
    widget_images: int = 0
    #: Every in-browser app of the page: ``{app, ready, failed, text}``.
    apps: list[dict] = field(default_factory=list)
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

#: Longest visible code cell, in lines (issue 16 §3: longer cells become helper calls).
MAX_CODE_LINES = 25
#: Largest inline ``data:`` URI a page may carry, in characters (generated images are files).
MAX_INLINE_DATA = 100_000
#: Pixels two boxes may share before they count as overlapping (borders touch in a row).
OVERLAP_PX = 3

# Runs in the page (issue 16 §3): text clipped inside figures, overlapping controls, rows
# wider than the column, code names in prose, long visible code cells, big inline data: URIs.
_PAGE_CHECKS = (
    r"""
(article, column, shown, cellOf) => {
    const box = article.getBoundingClientRect();
    const left = box.left + parseFloat(getComputedStyle(article).paddingLeft), right = left + column;
    const describe = el => (el.innerText || el.textContent || el.value || el.getAttribute('aria-label')
        || el.tagName).trim().replace(/\s+/g, ' ').slice(0, 60);
    // Plotly draws its titles, labels and legends as SVG text: any that leaves its figure is cut.
    const clipped = [];
    article.querySelectorAll('.js-plotly-plot').forEach(plot => {
        const frame = plot.getBoundingClientRect();
        plot.querySelectorAll('svg.main-svg text').forEach(text => {
            const r = text.getBoundingClientRect();
            if (!text.textContent.trim() || r.width === 0) return;
            if (r.left < frame.left - 2 || r.right > frame.right + 2 || r.top < frame.top - 2
                    || r.bottom > frame.bottom + 2) {
                clipped.push({cell: cellOf(plot), text: text.textContent.trim().slice(0, 60),
                              overflow: Math.round(Math.max(frame.left - r.left, r.right - frame.right,
                                                            frame.top - r.top, r.bottom - frame.bottom))});
            }
        });
    });
    // HTML text in outputs and apps cut by its own box (overflow hidden, ellipsis, a narrow input).
    article.querySelectorAll('.cell_output *, .twoplustwo-app *').forEach(el => {
        if (!shown(el) || el.closest('pre, table, .js-plotly-plot')) return;
        const style = getComputedStyle(el);
        const hides = /hidden|clip/.test(style.overflowX) || el.tagName === 'INPUT';
        const text = el.tagName === 'INPUT' ? el.value : (el.children.length ? '' : el.textContent.trim());
        if (hides && text && el.scrollWidth > el.clientWidth + 1) {
            clipped.push({cell: cellOf(el), text: text.slice(0, 60), overflow: el.scrollWidth - el.clientWidth});
        }
    });
    // Controls (HTML and plotly's buttons, slider labels) whose boxes overlap.
    const controls = Array.from(article.querySelectorAll(
        'button, input, select, textarea, label, .widget-label, .updatemenu-button, .slider-label'))
        .filter(shown).map(el => ({el: el, r: el.getBoundingClientRect()}))
        .filter(c => c.r.width > 0 && c.r.height > 0);
    const overlapping = [];
    for (let i = 0; i < controls.length; i++) {
        for (let j = i + 1; j < controls.length; j++) {
            const a = controls[i], b = controls[j];
            if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
            const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
            const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
            if (w > __OVERLAP__ && h > __OVERLAP__) {
                overlapping.push({cell: cellOf(a.el), first: describe(a.el), second: describe(b.el)});
            }
        }
    }
    // Rows (flex and grid boxes) and media wider than the column, or running past its edge.
    const wide = [];
    article.querySelectorAll('*').forEach(el => {
        if (el.closest('pre, table') || wide.some(w => w.el.contains(el)) || !shown(el)) return;
        const display = getComputedStyle(el).display;
        const row = display === 'flex' || display === 'grid';  // rows of boxes, not inline math
        const media = /^(IMG|CANVAS|VIDEO|svg)$/.test(el.tagName) && !el.parentElement.closest('svg');
        if (!row && !media) return;
        const r = el.getBoundingClientRect();
        const width = row ? Math.max(r.width, el.scrollWidth) : r.width;
        if (r.width > 0 && (width > column + 2 || r.left + width > right + 2)) {
            const classes = String(el.className.baseVal ?? el.className).trim().split(/\s+/).slice(0, 2).join('.');
            wide.push({el: el, cell: cellOf(el), what: (row ? 'row ' : '') + el.tagName.toLowerCase()
                           + (classes ? '.' + classes : ''),
                       width: Math.round(width), items: el.children.length});
        }
    });
    // snake_case names in the prose, outside code and outputs.
    const names = new Set();
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('code, pre, kbd, samp, script, style, .cell_input, .cell_output, '
                + 'mjx-container, .MathJax, .headerlink, .twoplustwo-app') || !shown(parent)) continue;
        (node.textContent.match(/(?<![\w./:#=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/(-])/g) || [])
            .forEach(name => names.add(name));
    }
    const longCode = Array.from(article.querySelectorAll('.cell_input pre')).filter(shown)
        .map(pre => ({cell: cellOf(pre), lines: pre.innerText.replace(/\n+$/, '').split('\n').length}))
        .filter(code => code.lines > __MAX_CODE_LINES__);
    const inline = Array.from(article.querySelectorAll('[src^="data:"], [href^="data:"]'))
        .map(el => ({cell: cellOf(el), characters: (el.getAttribute('src') || el.getAttribute('href')).length}))
        .filter(item => item.characters > __MAX_INLINE_DATA__);
    return {
        clipped_text: clipped.slice(0, 20), overlapping_controls: overlapping.slice(0, 20),
        wide_rows: wide.slice(0, 20).map(({el, ...rest}) => rest), code_names: Array.from(names).slice(0, 20),
        long_code: longCode, inline_data: inline,
    };
}
""".replace("__OVERLAP__", str(OVERLAP_PX))
    .replace("__MAX_CODE_LINES__", str(MAX_CODE_LINES))
    .replace("__MAX_INLINE_DATA__", str(MAX_INLINE_DATA))
)

# Runs in the page: what a reader would trip on in the article (the page's main column).
# Closed <details> (a collapsed long table) and hidden outputs have no layout box, so only
# what the reader sees open is measured.
_LAYOUT_PROBE = r"""
() => {
    const pageChecks = __PAGE_CHECKS__;
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
        ...pageChecks(article, column, shown, cellOf),
    };
}

""".replace("__PAGE_CHECKS__", _PAGE_CHECKS.strip())


def layout_problems(report: PageReport) -> list[str]:
    """What a reader would trip on, one sentence each (empty when the page reads cleanly).

    Raw MyST markup or unresolved references in the text; code (input or output) wider than
    its box, so a line is cut at the right edge; tables wider than the content column, longer
    than ``MAX_TABLE_SCREENS`` viewport heights while open, with snake_case headers, a raw
    DataFrame index, unformatted numbers (5+ decimals) or raw Python lists in their cells; more
    than ``MAX_STREAM_BOXES`` boxes of printed text in one cell; and (issue 16 §3) text cut off
    inside a figure (plotly's SVG text leaving its figure, HTML text or an input's value cut by
    its box), controls overlapping each other (HTML controls and labels, plotly's buttons and
    slider label), rows (flex or grid boxes) or images wider than the column, snake_case code
    names in the prose outside code, visible code cells over ``MAX_CODE_LINES`` lines, and
    inline ``data:`` URIs over ``MAX_INLINE_DATA`` characters.
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
    problems += _page_check_problems(layout)
    for cell, boxes in layout["stream_boxes"]:
        if boxes > MAX_STREAM_BOXES:
            problems.append(
                f"{_cell(cell)}: {boxes} boxes of printed output (at most {MAX_STREAM_BOXES}: one compact "
                "block per training run)"
            )
    return problems


def _page_check_problems(layout: dict) -> list[str]:
    """Sentences for what ``_PAGE_CHECKS`` found (issue 16 §3)."""
    problems = [
        f"{_cell(item['cell'])}: text cut off inside a figure or box ({item['overflow']} px outside): {item['text']!r}"
        for item in layout.get("clipped_text", [])
    ]
    problems += [
        f"{_cell(item['cell'])}: controls overlap: {item['first']!r} and {item['second']!r}"
        for item in layout.get("overlapping_controls", [])
    ]
    problems += [
        f"{_cell(item['cell'])}: a {item['what']} of {item['items']} items {item['width']} px wide runs past "
        f"the {layout['column']:.0f} px column"
        for item in layout.get("wide_rows", [])
    ]
    if layout.get("code_names"):
        problems.append(f"code names in the prose (say it in words or mark it as code): {layout['code_names']}")
    problems += [
        f"{_cell(item['cell'])}: a visible code cell of {item['lines']} lines (at most {MAX_CODE_LINES}: "
        "move the work into a helper, or hide the input)"
        for item in layout.get("long_code", [])
    ]
    problems += [
        f"{_cell(item['cell'])}: an inline data: URI of {item['characters'] / 1e3:.0f} kB "
        f"(at most {MAX_INLINE_DATA / 1e3:.0f} kB: write the image to a file)"
        for item in layout.get("inline_data", [])
    ]
    return problems


def _cell(number: int | None) -> str:
    return "prose" if number is None else f"code cell {number}"


#: ipywidgets controls: dead in the static page, where no kernel answers them (issue 15 §3).
_DEAD_WIDGETS = r"""
() => Array.from(document.querySelectorAll(
        '.jupyter-widgets input, .jupyter-widgets select, .jupyter-widgets button, .jupyter-widgets textarea, '
        + 'button.jupyter-button, .widget-slider, .widget-dropdown, .widget-button, .widget-toggle-buttons, '
        + '.widget-radio, .widget-checkbox, .widget-text, .widget-play, .widget-colorpicker'))
    .filter(el => el.getClientRects().length > 0 && !el.closest('details:not([open])'))
    .filter((el, i, all) => !all.some(other => other !== el && other.contains(el)))
    .map(el => {
        const cell = el.closest('div.cell');
        const number = cell ? Array.from(document.querySelectorAll('div.cell')).indexOf(cell) + 1 : null;
        const label = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
        return `code cell ${number}: ${el.className.split(' ').filter(c => c.startsWith('widget-'))[0]
            || el.tagName.toLowerCase()} ${JSON.stringify(label)}`;
    })
"""

# Draws every lazily drawn figure and starts every app, so the whole page can be measured.
_START_EVERYTHING = """
async () => {
    const everything = (async () => {
        // Lazy images (the site's loading="lazy") load now, so the screenshot and checks see them.
        const images = Array.from(document.images);
        images.forEach(img => { img.loading = "eager"; });
        await Promise.all(images.map(img => img.decode().catch(() => null)));
        if (window.TwoPlusTwo) { await window.TwoPlusTwo.drawFigures(); }
        if (window.TwoPlusTwoModels) { await window.TwoPlusTwoModels.startAll(); }
    })();
    // An app that never settles is reported by its element (no data-ready), not by a hang here.
    await Promise.race([everything, new Promise(resolve => setTimeout(resolve, 120000))]);
}
"""


def inspect_page(
    url: str, screenshot: Path | None = None, wait_ms: int = 3000, dark: bool = False, browser=None
) -> PageReport:
    """Open ``url`` in headless Chromium and report errors, figures, widgets and layout (1280x900).

    Every figure is drawn and every app started first (the page itself does that only as the
    reader scrolls). ``dark`` switches the theme to dark mode before measuring. ``browser``: a
    Playwright browser to reuse (else one is launched for this page).
    """
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            try:
                return inspect_page(url, screenshot, wait_ms, dark, launched)
            finally:
                launched.close()
    report = PageReport(url)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark" if dark else "light")
    try:
        page = context.new_page()
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
        if dark:
            page.evaluate(
                "() => Object.assign(document.documentElement.dataset, {theme: 'dark', mode: 'dark'}) && null"
            )
        # The widget manager renders after load, one view per saved widget-view script.
        page.wait_for_function(
            """() => document.querySelectorAll('.widget-subarea').length >=
                     document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length""",
            timeout=60_000,
        )
        page.evaluate(_START_EVERYTHING)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(wait_ms)  # let plotly and MathJax settle
        report.plots = page.evaluate(_PLOT_PROBE)
        report.dead_widgets = page.evaluate(_DEAD_WIDGETS)
        report.widgets = len(report.dead_widgets)
        report.widget_images = page.locator(".jupyter-widgets-output-area img, .widget-output img").count()
        report.apps = page.evaluate(
            """() => Array.from(document.querySelectorAll('.twoplustwo-browser-model'), el => ({
                app: JSON.parse(el.dataset.spec || '{}').app, ready: !!el.dataset.ready, failed: !!el.dataset.failed,
                text: el.innerText.slice(0, 300)}))"""
        )
        report.layout = page.evaluate(_LAYOUT_PROBE)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    return report


#: Most a page may fetch before the reader interacts (issue 15 §5), decoded bytes.
FIRST_LOAD_BUDGET = 5_000_000


@dataclass
class FirstLoad:
    """What a page fetched on first load, before any interaction: ``{url: decoded bytes}``."""

    url: str
    files: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.files.values())

    def largest(self, count: int = 3) -> list[tuple[str, int]]:
        return sorted(self.files.items(), key=lambda item: -item[1])[:count]


def first_load(browser, url: str, settle_ms: int = 1500) -> FirstLoad:
    """Open ``url`` in a fresh context (empty cache), wait for the network to settle, scroll nowhere.

    Every response's decoded body counts (as the issue's table measured: on loopback, decoded).
    """
    load = FirstLoad(url)
    responses = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(settle_ms)
        for response in responses:
            try:
                load.files[response.url] = len(response.body())
            except Exception:  # redirects and aborted requests have no body
                load.files.setdefault(response.url, 0)
    finally:
        context.close()
    return load
