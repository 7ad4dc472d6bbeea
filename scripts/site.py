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
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--use-angle=swiftshader",
                 "--enable-unsafe-swiftshader"]


def chromium_path() -> str:
    """The Chromium executable: ``$CHROMIUM``, else ``chromium`` on the PATH."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise FileNotFoundError("Chromium not found: install Debian's 'chromium' package "
                                "(scripts/install_chromium.sh) or set CHROMIUM=/path/to/chromium")
    return path


def build_site(executed: dict[str, Path], workdir: Path) -> Path:
    """Build the book from already executed chapter notebooks; returns the HTML folder.

    ``executed`` maps chapter file names (``01_two_plus_two.ipynb``) to executed copies.
    The table of contents keeps the prose pages and the chapters given, in book order;
    execution is switched off, so the outputs shown are exactly the executed ones.
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
        part["chapters"] = [c for c in part["chapters"] if not c["file"].startswith("notebooks/") or c["file"] in wanted]
    toc["parts"] = [part for part in toc["parts"] if part["chapters"]]
    (workdir / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))

    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jupyter_book), "build", str(workdir), "--warningiserror", "--keep-going"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"jupyter-book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return workdir / "_build" / "html"


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


# Runs in the page: every plotly figure's traces and whether its WebGL canvas was drawn.
_PLOT_PROBE = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => ({
    traces: (plot.data || []).length,
    types: (plot.data || []).map(t => t.type),
    // _fullData holds the decoded arrays (the page ships them base64-encoded).
    points: (plot._fullData || []).reduce((n, t) =>
        n + (t.z && t.z.length ? t.z.length * (t.z[0].length || 1) : (t._length || 0)), 0),
    canvases: plot.querySelectorAll('canvas').length,
    buttons: plot.querySelectorAll('.updatemenu-button').length,
    height: plot.getBoundingClientRect().height,
}))
"""


def inspect_page(url: str, screenshot: Path | None = None, wait_ms: int = 3000) -> PageReport:
    """Open ``url`` in headless Chromium and report errors, figures and widgets."""
    from playwright.sync_api import sync_playwright

    report = PageReport(url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda message: message.type == "error" and report.console_errors.append(message.text))
        page.on("pageerror", lambda error: report.console_errors.append(f"uncaught: {error}"))
        page.on("requestfailed", lambda request: report.failed_requests.append(request.url))
        page.on("response", lambda response: response.status >= 400 and report.failed_requests.append(
            f"{response.status} {response.url}"))
        page.goto(url, wait_until="networkidle")
        # The widget manager renders after load, one view per saved widget-view script.
        page.wait_for_function(
            """() => document.querySelectorAll('.widget-subarea').length >=
                     document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length""",
            timeout=60_000)
        page.wait_for_timeout(wait_ms)  # let plotly and MathJax settle
        report.plots = page.evaluate(_PLOT_PROBE)
        report.widgets = page.locator(".jupyter-widgets.widget-dropdown, .jupyter-widgets.widget-slider, "
                                      ".jupyter-widgets.widget-button, button.jupyter-button").count()
        report.widget_images = page.locator(".jupyter-widgets-output-area img, .widget-output img").count()
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return report
