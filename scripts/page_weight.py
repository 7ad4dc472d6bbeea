"""How much each page of the built book fetches before the reader touches anything.

    python scripts/page_weight.py [_build/html] [--prefix /two-plus-two]

Serves the site on 127.0.0.1, opens every page (index, prose pages, chapters) in headless
Chromium with an empty cache, does not scroll or click, and prints a Markdown table: each
page's first-load bytes (decoded, as the browser received them) and its largest files, with
the page itself and the bytes of inline ``data:`` URIs in it. Pages over the budget
(``scripts.site.FIRST_LOAD_BUDGET``, 5 MB) are marked, and the script then exits 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.site import FIRST_LOAD_BUDGET, first_load, serve  # noqa: E402

DATA_URI = re.compile(rb"data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+")


def pages(site: Path) -> list[str]:
    found = ["index.html"] if (site / "index.html").exists() else []
    for folder in ("book", "book/notes", "notebooks"):
        found += sorted(path.relative_to(site).as_posix() for path in (site / folder).glob("*.html"))
    return found


def inline_data_bytes(path: Path) -> int:
    """Bytes of base64 ``data:`` URIs in a built page (generated images that should be files)."""
    return sum(len(match) for match in DATA_URI.findall(path.read_bytes()))


def mb(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{count / 1e3:.0f} kB"


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    from scripts.site import CHROMIUM_ARGS, chromium_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="_build/html")
    parser.add_argument("--prefix", default="")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").exists():
        sys.exit(f"no built book in {site}: run `make book` first")
    over = 0
    print("| page | first load | largest files | inline data: URIs |")
    print("|---|---|---|---|")
    with serve(site, prefix=args.prefix) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        for page in pages(site):
            load = first_load(browser, f"{url}/{page}")
            page_url = f"{url}/{page}"
            others = [(name, size) for name, size in load.largest(4) if name != page_url][:3]
            largest = ", ".join(
                [f"the page {mb(load.files.get(page_url, 0))}"]
                + [f"{name.split('?')[0].rsplit('/', 1)[-1]} {mb(size)}" for name, size in others]
            )
            flag = " (over 5 MB)" if load.total > FIRST_LOAD_BUDGET else ""
            over += bool(flag)
            print(f"| {page} | {mb(load.total)}{flag} | {largest} | {mb(inline_data_bytes(site / page))} |")
        browser.close()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
