"""Print how long each chapter took to execute, read from the book's execution cache.

    python scripts/execution_times.py [CACHE] [NOTEBOOK ...]

(default: ``_build/.jupyter_cache`` and the chapters listed in ``_toc.yml``)

``make book`` runs it after the build. Jupyter Book executes the chapters through
jupyter-cache (``_build/.jupyter_cache``) and records each run's wall time there; this
script matches every chapter's current source against the cache, so it reports the run
whose outputs the site shows. A chapter that changed since its last successful run (or
whose run failed) has no matching record and is reported as such.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = ROOT / "_build" / ".jupyter_cache"


def execution_times(cache_path: Path, notebooks: list[Path]) -> list[tuple[str, float | None, datetime | None]]:
    """``(notebook name, seconds, when executed)`` per notebook; ``None`` where nothing matches."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    rows = []
    for notebook in notebooks:
        try:
            record = cache.match_cache_file(str(notebook))
        except KeyError:
            rows.append((notebook.name, None, None))
            continue
        rows.append((notebook.name, record.data.get("execution_seconds"), record.created))
    return rows


def report(rows: list[tuple[str, float | None, datetime | None]]) -> str:
    """The table ``make book`` prints."""
    width = max(len(name) for name, _, _ in rows)
    lines = ["Chapter execution times (from the execution cache):"]
    total = 0.0
    for name, seconds, created in rows:
        if seconds is None:
            lines.append(f"  {name:<{width}}  not in the cache (changed since its last successful run, or failed)")
            continue
        total += seconds
        lines.append(f"  {name:<{width}}  {seconds:7.1f} s  (executed {created:%Y-%m-%d %H:%M} UTC)")
    lines.append(f"  {'total':<{width}}  {total:7.1f} s")
    return "\n".join(lines)


def book_chapters(toc: Path = ROOT / "_toc.yml") -> list[Path]:
    """The chapter notebooks the table of contents lists, in book order."""
    import yaml

    def files(entries: list[dict]) -> list[str]:
        found = []
        for entry in entries:
            found += [entry["file"]] if "file" in entry else []
            for key in ("parts", "chapters", "sections"):
                found += files(entry.get(key, []))
        return found

    return [
        ROOT / f"{name}.ipynb" for name in files([yaml.safe_load(toc.read_text())]) if (ROOT / f"{name}.ipynb").exists()
    ]


def main(argv: list[str]) -> int:
    cache_path = Path(argv[0]) if argv else DEFAULT_CACHE
    notebooks = [Path(arg) for arg in argv[1:]] or book_chapters()
    if not (cache_path / "global.db").exists():
        print(f"No execution cache at {cache_path}: nothing has been executed yet.")
        return 1
    print(report(execution_times(cache_path, notebooks)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
