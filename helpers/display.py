"""Showing figures so that they work in JupyterLab, in Colab and in the static book.

Plotly's default output is a JSON bundle that JupyterLab draws but the static book
(myst-nb) drops. ``show_plotly`` sends both: the JSON for JupyterLab, and an HTML ``<div>``
that calls ``Plotly.newPlot`` for the static page, which loads one local copy of plotly.js
(``_static/vendor/plotly.min.js``, see ``book/_ext``) instead of inlining 4.7 MB per figure.
In Colab, which draws neither, plotly's own Colab renderer is used.

``ProgressBlock`` shows a training run's progress lines as one output updated in place, so
the static page shows one compact box per run (chapters 3 and 5).
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


class ProgressBlock:
    """Lines of progress shown as one block: one output, updated in place, in a notebook
    (so the static page shows one box per training run, not one per line); plain printed
    lines elsewhere."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._handle = None
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:  # pragma: no cover - IPython is a dependency of the book
            shell = None
        self._in_kernel = shell is not None and hasattr(shell, "kernel")

    def add(self, line: str) -> None:
        self.lines.append(line)
        if not self._in_kernel:
            print(line, flush=True)
            return
        from IPython.display import display

        bundle = {"text/plain": "\n".join(self.lines)}
        if self._handle is None:
            self._handle = display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)
