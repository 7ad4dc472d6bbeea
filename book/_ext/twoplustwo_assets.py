"""Sphinx extension: serve the book's JavaScript from ``_static/vendor`` (no CDN), page by page.

``scripts/fetch_web_assets.py`` (run by ``make book`` / ``make test``) puts the files in
``book/_static/vendor``.

Light pages (issue 15 §5), decided per page from what the page's body really shows:

* plotly.js (4.8 MB) is not a script of any page. A page's plotly figures (the ``Plotly.newPlot``
  scripts ``helpers.display.show_plotly`` writes) are made inert (``type="text/x-twoplustwo-plotly"``)
  and ``twoplustwo.js`` loads plotly.js once and draws each figure when the reader scrolls near it.
  A page without a figure never loads plotly.js.
* The ipywidgets embedder and require.js (and the saved widget state) are kept only on pages
  that still show a widget view: myst-nb adds them whenever the notebook's metadata holds widget
  state, even when every widget output was removed (``remove-output``).
"""

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError


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


def _inert_plotly(body: str) -> tuple[str, int]:
    """``body`` with its ``Plotly.newPlot`` scripts made inert, and how many there were."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        if "Plotly.newPlot" not in match.group(1):
            return match.group(0)
        count += 1
        return f'<script type="{INERT_PLOTLY}">{match.group(1)}</script>'

    return _SCRIPT.sub(replace, body), count


def _widget_script(script, embedder: set[str]) -> bool:
    """Whether ``script`` is the widget state, require.js or the embedder (by file name)."""
    filename = str(getattr(script, "filename", script) or "")
    attributes = getattr(script, "attributes", {}) or {}
    return filename.rsplit("/", 1)[-1] in embedder or attributes.get("type") == WIDGET_STATE


def _per_page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Plotly figures drawn lazily; the widget embedder only where a widget is shown."""
    body = context.get("body")
    if isinstance(body, str) and "Plotly.newPlot" in body:
        context["body"], _ = _inert_plotly(body)
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
