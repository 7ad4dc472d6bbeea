"""Print each chapter's claims record from a built book: how many claims, and those that failed.

    python scripts/claims_report.py [_build/jupyter_execute/notebooks]

Every chapter glues its claims record as ``claims`` (``helpers.claims``). Jupyter Book keeps
each page's glued values in ``<chapter>.glue.json`` beside the executed notebook; this script
reads them, so that a build says in words which of its sentences did not hold. A failed
claim is not an error (the page says so where it stands); a chapter without a record is.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "_build" / "jupyter_execute" / "notebooks"


def claims_record(glue_file: Path) -> list[dict] | None:
    """The ``claims`` record glued in one executed chapter, or ``None`` if it glued none."""
    entry = json.loads(glue_file.read_text(encoding="utf-8")).get("claims")
    if entry is None:
        return None
    text = entry.get("data", {}).get("text/plain")
    return ast.literal_eval("".join(text) if isinstance(text, list) else text)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    files = sorted(folder.glob("*.glue.json"))
    if not files:
        print(f"no executed chapters in {folder}: run `make book` first")
        return 1
    missing = 0
    print("Claims of this build (helpers.claims; a failed claim is said so on its page):")
    for path in files:
        chapter = path.name.removesuffix(".glue.json")
        record = claims_record(path)
        if record is None:
            print(f"  {chapter}: no claims record")
            missing += 1
            continue
        failed = [claim for claim in record if not claim["holds"]]
        print(f"  {chapter}: {len(record)} claims, {len(failed)} did not hold")
        for claim in failed:
            print(f"    {claim['id']}: {claim['text'][:160]}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
