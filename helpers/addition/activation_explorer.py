"""Chapter 2's activation explorer: pick a network, ``a`` and ``b``, and watch the values flow.

Two versions of the same view:

* In the static book, ``book/_static/activations_app.js`` draws it in the reader's browser,
  with no kernel. ``explorer_data`` is everything it needs (every network's weights, a few
  hundred numbers), ``export_explorer_data`` writes it as the JSON file the app fetches,
  hash-checked, when the reader first uses it, and ``show_activation_app`` places the app.
  The browser computes ``h = S(w_a a + w_b b)`` and ``v h`` exactly as ``forward_steps`` does
  (float64), and ``tests/test_activations_app.py`` checks that they agree.
* ``activation_explorer_widget``: ipywidgets controls (network, ``a``, ``b``) over the same
  networks, for JupyterLab and Colab. Its controls need a kernel, so the book hides its
  output (``remove-output``) and shows the browser app instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from helpers.addition.inspection import _original_weights, diagram_values, network_diagram
from helpers.checks import check_int

#: The in-browser app's name: ``book/_static/activations_app.js``.
APP = "activations"
#: What JupyterLab and Colab readers see in place of the browser app.
APP_NOTE = "The activation explorer runs in the published book; in JupyterLab use the controls below."


def _check_pair(bits: int, a: int, b: int) -> tuple[int, int, int]:
    bits = check_int("bits", bits, 1, 24)
    top = 2 ** (bits - 1) - 1
    return bits, check_int("a", a, 0, top), check_int("b", b, 0, top)


def explorer_data(models: dict[str, Any], bits: int = 4, a: int = 2, b: int = 2) -> dict[str, Any]:
    """The browser app's data: each network's weights (as stored, float32 values) and the start.

    ``models`` maps a label to an original network (``helpers.addition.build_mlp``, no bias)
    trained on sums below ``2**bits``; ``a`` and ``b`` are the pair shown first.
    """
    if not isinstance(models, dict) or not models:
        raise ValueError("models must map at least one label to a trained network")
    bits, a, b = _check_pair(bits, a, b)
    networks = []
    for label, model in models.items():
        kernel, v = _original_weights(model)  # float64 copies of the float32 weights: exact
        networks.append({"label": str(label), "kernel": kernel.tolist(), "output": v.tolist()})
    return {"bits": bits, "top": 2 ** (bits - 1) - 1, "start": {"a": a, "b": b}, "networks": networks}


def export_explorer_data(data: dict[str, Any], folder: str | Path | None = None) -> Path:
    """Write ``explorer_data(...)`` as ``networks.json`` in the app's site folder (or ``folder``)."""
    from helpers import browser

    folder = browser.site_model_dir(APP) if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "networks.json"
    path.write_text(json.dumps(data, allow_nan=False, separators=(",", ":")))
    return path


def show_activation_app(models: dict[str, Any], bits: int = 4, a: int = 2, b: int = 2) -> Path:
    """Export the networks' weights and display the in-browser explorer; returns the JSON file."""
    from helpers import browser

    path = export_explorer_data(explorer_data(models, bits, a, b))
    browser.show_browser_model(APP, models={}, files={"networks": path}, note=APP_NOTE)
    return path


def explorer_png(model: Any, a: int, b: int, label: str = "") -> dict[str, Any]:
    """The matplotlib diagram of ``a + b`` through ``model`` as a PNG display output."""
    from helpers.addition.explorer import png_output

    _, values = diagram_values(model, a, b)
    units = values[1].shape[0]
    fig, ax = plt.subplots(figsize=(8, 0.75 * max(units, 2) + 1.6))
    network_diagram(model, a, b, ax=ax, title=f"{label}{a} + {b} = {a + b}; the network says {values[-1][0]:.2f}")
    output = png_output(fig)
    plt.close(fig)
    return output


def activation_explorer_widget(models: dict[str, Any], bits: int = 4, a: int = 2, b: int = 2) -> Any:
    """Controls over any trained original networks: choose one, set ``a`` and ``b``.

    ``models`` maps a label to a network trained on sums below ``2**bits``. Returns the
    ``ipywidgets.VBox`` to display.
    """
    import ipywidgets as widgets

    if not models:
        raise ValueError("models must map at least one label to a trained network")
    bits, a, b = _check_pair(bits, a, b)
    top = 2 ** (bits - 1) - 1
    choice = widgets.Dropdown(options=list(models), description="network")
    a_slider = widgets.IntSlider(value=a, min=0, max=top, description="a", continuous_update=False)
    b_slider = widgets.IntSlider(value=b, min=0, max=top, description="b", continuous_update=False)
    output = widgets.Output()

    def redraw(_: Any = None) -> None:
        output.outputs = (explorer_png(models[choice.value], a_slider.value, b_slider.value),)

    for control in (choice, a_slider, b_slider):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([choice, a_slider, b_slider]), output])
