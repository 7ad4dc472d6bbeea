"""Sphinx extension: serve the book's JavaScript from ``_static/vendor`` (no CDN).

``scripts/fetch_web_assets.py`` (run by ``make book`` / ``make test``) puts the files in
``book/_static/vendor``.
plotly.js is loaded before require.js (lower priority number): loaded after it, plotly.js
would register itself as an AMD module and leave ``window.Plotly`` undefined.
"""

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


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _check_assets)
    # Late, after every other extension has added its scripts to the page.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.add_js_file("vendor/plotly.min.js", priority=100)
    app.add_js_file("twoplustwo.js", priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
