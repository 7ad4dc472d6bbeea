"""Serve the built book on this machine: ``make serve`` (after ``make book``).

    python scripts/serve.py [--site _build/html] [--port 8000] [--prefix /two-plus-two]

Prints the address to open and serves until Ctrl+C, on 127.0.0.1 only. The book's apps need
it: opened from disk (file://), a browser refuses to let a page load the models and ONNX
Runtime beside it. ``--prefix`` serves the site under a sub-path, as GitHub Pages would. The
next free port is used when the one asked for is taken.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.site import serve  # noqa: E402

PORT_TRIES = 20


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="_build/html", help="the built book (default: _build/html)")
    parser.add_argument("--port", type=int, default=8000, help="port to try first (default: 8000)")
    parser.add_argument("--prefix", default="", help="serve under this sub-path, e.g. /two-plus-two")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").exists():
        sys.exit(f"no built book in {site}: run `make book` first")
    if not 0 < args.port < 65536:
        sys.exit(f"--port must be from 1 to 65535, got {args.port}")
    for port in range(args.port, min(args.port + PORT_TRIES, 65536)):
        try:
            server = serve(site, prefix=args.prefix, port=port)
            url = server.__enter__()
        except OSError:
            continue
        print(f"Serving {site} at {url}/ (Ctrl+C stops it)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("Stopped.")
        finally:
            server.__exit__(None, None, None)
        return
    sys.exit(f"ports {args.port} to {args.port + PORT_TRIES - 1} are all taken: pass --port")


if __name__ == "__main__":
    main()
