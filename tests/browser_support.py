"""Headless Chromium for the tests: serve a folder, open pages, collect what went wrong.

Fixtures (made available to every test module by ``conftest.py``):

* ``chromium``: one headless Chromium per test module (Debian's ``/usr/bin/chromium``
  driven by Playwright; never a downloaded browser).
* ``open_page``: ``page, log = open_page(url)`` opens ``url`` in a fresh page whose console
  errors, uncaught exceptions and failed requests are collected in ``log``
  (``log.problems()`` is empty when nothing went wrong). Pages are closed after the test.

* ``served``: ``url = served(directory)`` serves a folder over HTTP on 127.0.0.1 with a free
  port until the end of the test, and returns its base URL.

And ``serve(directory)``: the same server as a context manager (the site test uses it).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from scripts.site import CHROMIUM_ARGS, chromium_path, serve  # noqa: E402

__all__ = [
    "BrowserLog",
    "app_page",
    "app_site",
    "chromium",
    "launch_chromium",
    "open_page",
    "publish_into",
    "serve",
    "served",
    "watch",
]


@dataclass
class BrowserLog:
    """What a page reported: console errors, uncaught exceptions and failed requests."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.console_errors + self.failed_requests


def watch(page) -> BrowserLog:
    """Start collecting a Playwright page's errors and failed requests."""
    log = BrowserLog()
    page.on("console", lambda message: message.type == "error" and log.console_errors.append(message.text))
    page.on("pageerror", lambda error: log.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: log.failed_requests.append(f"{request.url} ({request.failure})"))
    page.on(
        "response",
        lambda response: response.status >= 400 and log.failed_requests.append(f"{response.status} {response.url}"),
    )
    return log


@contextlib.contextmanager
def launch_chromium() -> Iterator[object]:
    """Headless Chromium (Playwright ``Browser``), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the test module."""
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def open_page(chromium) -> Iterator[Callable[..., tuple[object, BrowserLog]]]:
    """``open_page(url, wait_until="load")`` -> ``(page, log)``; every page closed after the test."""
    contexts = []

    def open_(url: str | None = None, wait_until: str = "load", viewport=(1280, 900)) -> tuple[object, BrowserLog]:
        context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        log = watch(page)
        if url is not None:
            page.goto(url, wait_until=wait_until)
        return page, log

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def served() -> Iterator[Callable[[Path], str]]:
    """``served(directory)`` -> base URL of an HTTP server for it on 127.0.0.1, stopped after the test."""
    with contextlib.ExitStack() as servers:
        yield lambda directory: servers.enter_context(serve(Path(directory)))


def app_site(root: Path, scripts: list[str]) -> Path:
    """A site for testing in-browser apps under ``root``: ``_static`` with the given scripts
    of ``book/_static`` (the loader and the apps) and ONNX Runtime (linked), and an empty
    ``notebooks`` folder for the page. Returns the ``_static`` folder."""
    import shutil

    source = ROOT / "book" / "_static"
    static = root / "_static"
    (static / "vendor").mkdir(parents=True)
    for name in scripts:
        shutil.copyfile(source / name, static / name)
    runtime = source / "vendor" / "onnxruntime"
    if not (runtime / "ort.wasm.min.mjs").exists():
        pytest.fail("onnxruntime-web is missing: run `make assets` (python scripts/fetch_web_assets.py)")
    (static / "vendor" / "onnxruntime").symlink_to(runtime)
    (root / "notebooks").mkdir()
    return static


def app_page(root: Path, name: str, body: str, head: str = "", html_attributes: str = "") -> Path:
    """Write ``notebooks/<name>`` under an ``app_site`` root: a page that loads the site's app
    loader (after ``head``, e.g. a theme's styles) and shows ``body`` (an app's element)."""
    page = root / "notebooks" / name
    page.write_text(
        f"<!DOCTYPE html><html{html_attributes}><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        f"{head}<script src='../_static/twoplustwo_models.js'></script></head><body>{body}</body></html>"
    )
    return page


@contextlib.contextmanager
def publish_into(static: Path) -> Iterator[None]:
    """While open, ``helpers.browser`` publishes models into this ``_static`` folder (an
    ``app_site``'s) instead of the book's."""
    from helpers import browser

    patch = pytest.MonkeyPatch()
    patch.setattr(browser, "SITE_STATIC", static)
    patch.setattr(browser, "SITE_MODELS", static / "models")
    try:
        yield
    finally:
        patch.undo()
