"""Showing figures so that they work in JupyterLab, in Colab and in the static book.

Plotly's default output is a JSON bundle that JupyterLab draws but the static book
(myst-nb) drops. ``show_plotly`` sends both: the JSON for JupyterLab, and an HTML ``<div>``
that calls ``Plotly.newPlot`` for the static page, which loads one local copy of plotly.js
(``_static/vendor/plotly.min.js``, see ``book/_ext``) instead of inlining 4.7 MB per figure.
In Colab, which draws neither, plotly's own Colab renderer is used.
"""

from __future__ import annotations

import sys
from typing import Any

from IPython.display import display


def in_colab() -> bool:
    """True inside Google Colab."""
    return "google.colab" in sys.modules


def plotly_bundle(fig: Any) -> dict[str, Any]:
    """The MIME bundle ``show_plotly`` displays: plotly JSON plus a script-free-of-library HTML div."""
    html = fig.to_html(full_html=False, include_plotlyjs=False, config={"responsive": True, "displaylogo": False})
    return {"application/vnd.plotly.v1+json": fig.to_plotly_json(), "text/html": html}


def show_plotly(fig: Any) -> None:
    """Display a plotly figure everywhere the book is read (see the module docstring)."""
    if in_colab():
        fig.show(renderer="colab")
        return
    display(plotly_bundle(fig), raw=True)
