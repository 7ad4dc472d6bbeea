"""Screenshots of the built book for humans: ``make screenshots`` (after ``make book``).

    python scripts/screenshot.py _build/html screenshots

Serves the built site on localhost, opens every chapter and prose page in headless
Chromium, saves a full-page PNG of each, and prints any console error it saw and what a
reader would trip on (``scripts.site.layout_problems``: raw markup, code cut at the edge,
tables too wide or too long, printed output in many boxes). Exits 1 if any page has one.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.site import inspect_page, layout_problems, serve  # noqa: E402


def main(site: str = "_build/html", out: str = "screenshots") -> None:
    site_path, out_path = Path(site), Path(out)
    if not (site_path / "index.html").exists():
        sys.exit(f"no built book in {site_path}: run `make book` first")
    pages = sorted(
        path.relative_to(site_path) for folder in ("book", "notebooks") for path in (site_path / folder).glob("*.html")
    )
    troubled = 0
    with serve(site_path) as url:
        for page in pages:
            shot = out_path / f"{page.parent.name}_{page.stem}.png"
            report = inspect_page(f"{url}/{page.as_posix()}", screenshot=shot)
            problems = layout_problems(report)
            troubled += bool(problems or report.console_errors)
            print(
                f"{shot}: {len(report.plots)} plots, {report.widgets} widgets, "
                f"{len(report.console_errors)} console errors, {len(problems)} layout problems"
            )
            for error in report.console_errors:
                print(f"    {error}")
            for problem in problems:
                print(f"    {problem}")
    if troubled:
        sys.exit(f"{troubled} page(s) with problems")


if __name__ == "__main__":
    main(*sys.argv[1:])
