"""Screenshots of the built book for humans: ``make screenshots`` (after ``make book``).

    python scripts/screenshot.py _build/html screenshots

Serves the built site on localhost, opens every chapter and prose page in headless
Chromium, draws every figure and starts every app (a reader's page does that as they
scroll), and saves a full-page PNG of each in the light and the dark theme
(``<folder>_<page>.png``, ``<folder>_<page>_dark.png``). It prints any console error, any
ipywidgets control left on a page (dead without a kernel), any app that did not start, and
what a reader would trip on (``scripts.site.layout_problems``: raw markup, code cut at the
edge, tables too wide or too long, printed output in many boxes, text cut off in a figure,
overlapping controls, rows wider than the column, code names in prose, visible code cells over
25 lines, big inline data: URIs). Exits 1 if any page has one.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.site import CHROMIUM_ARGS, chromium_path, inspect_page, layout_problems, serve  # noqa: E402


def page_problems(report) -> list[str]:
    """Everything wrong with one page, one sentence each."""
    problems = [f"console: {error}" for error in report.console_errors]
    problems += [f"failed request: {request}" for request in report.failed_requests]
    problems += [f"dead ipywidgets control (tag the cell remove-output): {widget}" for widget in report.dead_widgets]
    problems += [f"app {app['app']!r} did not start: {app['text'][:200]!r}" for app in report.apps if not app["ready"]]
    return problems + layout_problems(report)


def main(site: str = "_build/html", out: str = "screenshots") -> None:
    from playwright.sync_api import sync_playwright

    site_path, out_path = Path(site), Path(out)
    if not (site_path / "index.html").exists():
        sys.exit(f"no built book in {site_path}: run `make book` first")
    pages = sorted(
        path.relative_to(site_path)
        for folder in ("book", "book/notes", "notebooks")
        for path in (site_path / folder).glob("*.html")
    )
    troubled = 0
    with serve(site_path) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        for page in pages:
            name = "_".join(page.with_suffix("").parts)
            for dark in (False, True):
                shot = out_path / f"{name}{'_dark' if dark else ''}.png"
                report = inspect_page(f"{url}/{page.as_posix()}", screenshot=shot, dark=dark, browser=browser)
                problems = page_problems(report)
                troubled += bool(problems) and not dark  # the same checks twice: count a page once
                print(
                    f"{shot}: {len(report.plots)} plots, {len(report.apps)} apps, "
                    f"{len(report.dead_widgets)} dead widgets, {len(problems)} problems"
                )
                for problem in problems:
                    print(f"    {problem}")
        browser.close()
    if troubled:
        sys.exit(f"{troubled} page(s) with problems")


if __name__ == "__main__":
    main(*sys.argv[1:])
