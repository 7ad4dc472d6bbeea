"""Chapter 3's two adders in the reader's browser: the ONNX export and the page's element.

``show_adders_app(seq_model, digits, long_model)`` exports the chapter's trained seq2seq
LSTM and aligned adder to ONNX (each checked against Keras by ``helpers.browser.export_onnx``)
into ``site_model_dir("adders")`` and displays the element that ``book/_static/adders_app.js``
starts in the static page: a box for questions such as ``"535+61"``, checked with the
messages of ``seq2seq.check_question``, and two boxes for numbers of up to
``LONG_LIMIT`` digits each, added by the aligned network and checked with BigInt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from helpers import browser
from helpers.checks import check_bool, check_int
from helpers.string_addition import long_addition, seq2seq

#: The longest number the page's long adder takes (digits per operand).
LONG_LIMIT = 10_000
#: Shown where the site's scripts are absent (JupyterLab, Colab).
NOTE = "Both adders answer here in the published book; in JupyterLab, use the box below."


def export_adders(seq_model: Any, digits: int, long_model: Any, folder: Path | None = None) -> dict[str, Path]:
    """Write ``seq2seq.onnx`` and ``long.onnx`` into ``folder`` (default ``site_model_dir("adders")``)."""
    folder = browser.site_model_dir("adders") if folder is None else Path(folder)
    questions = seq2seq.make_questions(64, digits, seed=0).x
    steps = 12
    pairs = long_addition.encode(
        long_addition.digits_lsb_first(["98765432109", "5"], steps),
        long_addition.digits_lsb_first(["1234567891", "99999999999"], steps),
    )
    return {
        "seq2seq": browser.export_onnx(seq_model, folder / "seq2seq.onnx", questions, verbose=False),
        "long": browser.export_onnx(long_model, folder / "long.onnx", np.asarray(pairs), verbose=False),
    }


def adders_config(digits: int, reverse: bool = True) -> dict[str, Any]:
    """What the page needs to encode and decode as Python does."""
    return {
        "digits": check_int("digits", digits, 1, seq2seq.MAX_DIGITS),
        "reverse": check_bool("reverse", reverse),
        "chars": seq2seq.CHARS,
        "long_limit": LONG_LIMIT,
        "example": "535+61" if digits >= 3 else "53+6",
    }


def adders_app_html(seq_model: Any, digits: int, long_model: Any, reverse: bool = True) -> str:
    """The element for the page (see ``helpers.browser.browser_model_html``)."""
    models = export_adders(seq_model, digits, long_model)
    return browser.browser_model_html("adders", models=models, config=adders_config(digits, reverse), note=NOTE)


def show_adders_app(seq_model: Any, digits: int, long_model: Any, reverse: bool = True) -> None:
    """Export both adders and display their in-browser app as the cell's output."""
    from IPython.display import HTML, display

    display(HTML(adders_app_html(seq_model, digits, long_model, reverse)))
