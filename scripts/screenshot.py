"""Screenshots of the built book for humans: ``make screenshots`` (after ``make book``).

    python scripts/screenshot.py _build/html screenshots

Serves the built site on localhost, opens every chapter and prose page in headless
Chromium, saves a full-page PNG of each, and prints any console error it saw.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.site import inspect_page, serve  # noqa: E402


def main(site: str = "_build/html", out: str = "screenshots") -> None:
    site_path, out_path = Path(site), Path(out)
    if not (site_path / "index.html").exists():
        sys.exit(f"no built book in {site_path}: run `make book` first")
    pages = sorted(p.relative_to(site_path) for folder in ("book", "notebooks") for p in (site_path / folder).glob("*.html"))
    with serve(site_path) as url:
        for page in pages:
            shot = out_path / f"{page.parent.name}_{page.stem}.png"
            report = inspect_page(f"{url}/{page.as_posix()}", screenshot=shot)
            print(f"{shot}: {len(report.plots)} plots, {report.widgets} widgets, "
                  f"{len(report.console_errors)} console errors")
            for error in report.console_errors:
                print(f"    {error}")


if __name__ == "__main__":
    main(*sys.argv[1:])
