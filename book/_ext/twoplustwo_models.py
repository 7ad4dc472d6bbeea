"""Sphinx extension: the pages that run a model in the reader's browser, and their model files.

* Adds ``_static/twoplustwo_models.js`` to the pages that show an in-browser app (an element
  written by ``helpers.browser.show_browser_model``) and to no other page. That script loads
  ONNX Runtime Web from ``_static/vendor/onnxruntime`` on first use.
* Checks the runtime is there (``make assets``).
* After the build (static files are copied after every page was executed and written):
  every model file a page refers to must be in ``_build/html/_static/models`` with the hash
  its name promises, or the build fails; files no page refers to (older exports, the tests'
  small models) are removed from the built site, not from ``book/_static/models``.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError, ExtensionError

from helpers.data import file_sha256

APP_MARKER = 'class="twoplustwo-browser-model"'
RUNTIME_FILES = ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")
# A published model file as pages refer to it: _static/models/<app>/<stem>.<12 hex><suffix>
_REFERENCE = re.compile(r"_static/models/([a-z][a-z0-9_]*/[^\"'&\s/]+?\.([0-9a-f]{12})\.[A-Za-z0-9]+)")


def _check_runtime(app: Sphinx) -> None:
    vendor = Path(app.confdir) / "book" / "_static" / "vendor" / "onnxruntime"
    missing = [name for name in RUNTIME_FILES if not (vendor / name).exists()]
    if missing:
        raise ConfigError(
            f"missing {', '.join(missing)} in {vendor}: run `make assets` (python scripts/fetch_web_assets.py) first"
        )


def _add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if APP_MARKER in (context.get("body") or ""):
        app.add_js_file("twoplustwo_models.js")


def _check_models(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    models = outdir / "_static" / "models"
    referenced: dict[str, str] = {}
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        if "_static/models/" in text:
            for match in _REFERENCE.finditer(text):
                referenced[match.group(1)] = page.relative_to(outdir).as_posix()
    problems = []
    for relative, page in sorted(referenced.items()):
        path = models / relative
        prefix = _REFERENCE.match("_static/models/" + relative).group(2)
        if not path.is_file():
            problems.append(f"{page} refers to _static/models/{relative}, which is missing")
        elif not file_sha256(path).startswith(prefix):
            problems.append(f"{page} refers to _static/models/{relative}, whose SHA-256 does not start with {prefix}")
    if problems:
        raise ExtensionError(
            "in-browser models: " + "; ".join(problems) + " (the execution cache outlived the exported files: "
            "`make clean book` re-executes the chapters)"
        )
    if models.is_dir():
        for path in sorted(models.rglob("*"), reverse=True):
            if path.is_file() and path.relative_to(models).as_posix() not in referenced:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _check_runtime)
    app.connect("html-page-context", _add_script)
    app.connect("build-finished", _check_models)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
