"""Sphinx extension: serve the book's JavaScript from ``_static/vendor`` (no CDN), page by page.

``scripts/fetch_web_assets.py`` (run by ``make book`` / ``make test``) puts the files in
``book/_static/vendor``.

Light pages (issue 15 §5), decided per page from what the page's body really shows:

* plotly.js (4.8 MB) is not a script of any page. A page's plotly figures (the ``Plotly.newPlot``
  scripts ``helpers.display.show_plotly`` writes) are made inert (``type="text/x-twoplustwo-plotly"``)
  and ``twoplustwo.js`` loads plotly.js once and draws each figure when the reader scrolls near it.
  A page without a figure never loads plotly.js.
* A figure whose script is bigger than ``FIGURE_FILE_BYTES`` (chapter 1's 3D error surfaces,
  about 1 MB each) is written to ``_static/figures/figure.<sha256 prefix>.js`` (as long a prefix as
  ``helpers.browser`` gives published models) and the page keeps
  only an inert tag that names it (``data-src``): its bytes load when the reader comes near it.
* Images in the page's body load lazily (``loading="lazy"``): the browser fetches a figure's PNG
  when the reader comes near it, not all of chapter 5's 2 MB of faces at once.
* The ipywidgets embedder and require.js (and the saved widget state) are kept only on pages
  that still show a widget view: myst-nb adds them whenever the notebook's metadata holds widget
  state, even when every widget output was removed (``remove-output``).
"""

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError

from helpers.browser import HASH_PREFIX_LENGTH


def _check_assets(app: Sphinx) -> None:
    vendor = Path(app.confdir) / "book" / "_static" / "vendor"
    needed = ("plotly.min.js", "require.js", "embed-amd.js", "mathjax/tex-mml-chtml.js")
    missing = [name for name in needed if not (vendor / name).exists()]
    if missing:
        raise ConfigError(
            f"missing {', '.join(missing)} in {vendor}: run `make assets` (python scripts/fetch_web_assets.py) first"
        )


def _drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Keep the first of identical script tags.

    sphinx-thebe registers its configuration script again on every ``env-before-read-docs``,
    and a second ``const THEBE_JS_URL`` is a JavaScript error in the reader's console.
    """
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        # The two copies differ only in filename None versus "": both mean "inline".
        key = (
            getattr(script, "filename", script) or "",
            getattr(script, "priority", 0),
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: other handlers hold the same list


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
EMBEDDER_FILES = {"require.js", "require.min.js", "embed-amd.js"}
#: The type that keeps a figure's script from running until twoplustwo.js runs it.
INERT_PLOTLY = "text/x-twoplustwo-plotly"
_SCRIPT = re.compile(r'<script(?: type="text/javascript")?>(.*?)</script>', re.DOTALL)


#: Figure scripts bigger than this move out of the page into a file of their own.
FIGURE_FILE_BYTES = 50_000
FIGURE_FOLDER = "_static/figures"


def _inert_plotly(body: str, write_figure: Callable[[str], str] | None = None) -> tuple[str, int]:
    """``body`` with its ``Plotly.newPlot`` scripts made inert, and how many there were.

    ``write_figure(script)`` (if given) stores a big figure's script and returns its URL.
    """
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        script = match.group(1)
        if "Plotly.newPlot" not in script:
            return match.group(0)
        count += 1
        if write_figure is not None and len(script.encode("utf-8")) > FIGURE_FILE_BYTES:
            return f'<script type="{INERT_PLOTLY}" data-src="{write_figure(script)}"></script>'
        return f'<script type="{INERT_PLOTLY}">{script}</script>'

    return _SCRIPT.sub(replace, body), count


def _figure_writer(app: Sphinx, context: dict) -> Callable[[str], str]:
    """Write a figure's script to the site under a name made of its SHA-256; return its URL from the page."""

    def write(script: str) -> str:
        data = script.encode("utf-8")
        name = f"{FIGURE_FOLDER}/figure.{hashlib.sha256(data).hexdigest()[:HASH_PREFIX_LENGTH]}.js"
        target = Path(app.outdir) / name
        if not target.exists():  # content-named: an existing file already holds these bytes
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return context["pathto"](name, 1)

    return write


_EAGER_IMG = re.compile(r"<img (?![^>]*\bloading=)")


def _lazy_images(body: str) -> str:
    """Every ``<img>`` of ``body`` without a ``loading`` attribute gets ``loading="lazy"``."""
    return _EAGER_IMG.sub('<img loading="lazy" ', body)


def _widget_script(script, embedder: set[str]) -> bool:
    """Whether ``script`` is the widget state, require.js or the embedder (by file name)."""
    filename = str(getattr(script, "filename", script) or "")
    attributes = getattr(script, "attributes", {}) or {}
    return filename.rsplit("/", 1)[-1] in embedder or attributes.get("type") == WIDGET_STATE


def _per_page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Images and plotly figures loaded lazily; the widget embedder only where a widget is shown."""
    body = context.get("body")
    if isinstance(body, str):
        body = _lazy_images(body)
        if "Plotly.newPlot" in body:
            body, _ = _inert_plotly(body, _figure_writer(app, context) if "pathto" in context else None)
        context["body"] = body
    scripts = context.get("script_files")
    if not isinstance(scripts, list) or (isinstance(body, str) and WIDGET_VIEW in body):
        return
    # The configured files (nb_ipywidgets_js in _config.yml) and the usual names, by file name.
    configured = getattr(app.config, "nb_ipywidgets_js", None) or {}
    embedder = {name.rsplit("/", 1)[-1] for name in configured} | EMBEDDER_FILES
    scripts[:] = [script for script in scripts if not _widget_script(script, embedder)]


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _check_assets)
    # Late, after every other extension has added its scripts to the page.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _per_page_scripts, priority=910)
    app.add_js_file("twoplustwo.js", priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
