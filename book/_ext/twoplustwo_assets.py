"""Sphinx extension: serve the book's JavaScript from ``_static/vendor`` (no CDN).

``scripts/fetch_web_assets.py`` (run by ``make book`` / ``make test``) puts the files there.
plotly.js is loaded before require.js (lower priority number): loaded after it, plotly.js
would register itself as an AMD module and leave ``window.Plotly`` undefined.
"""

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError


def _check_assets(app: Sphinx) -> None:
    vendor = Path(app.confdir) / "_static" / "vendor"
    missing = [name for name in ("plotly.min.js", "require.js", "embed-amd.js") if not (vendor / name).exists()]
    if missing:
        raise ConfigError(f"missing {', '.join(missing)} in {vendor}: run `make assets` "
                          "(python scripts/fetch_web_assets.py) first")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _check_assets)
    app.add_js_file("vendor/plotly.min.js", priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
