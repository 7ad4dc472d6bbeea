"""A live explorer: retrain one 2 + 2 network with the reader's settings and redraw it.

In JupyterLab or Colab the controls retrain on a button press (a single network with the
original settings takes seconds with the stacked trainer). In the static book the controls
and the figure show the state the notebook was executed with.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from helpers.addition.networks import error_surface, train_grid


def explorer_figure(
    model: Any, history: dict[str, list[float]], bits: int, hidden_units: int, accuracy: float, max_points: int = 64
) -> Any:
    """Validation loss per epoch beside the 3D error surface of one trained network."""
    fig = plt.figure(figsize=(11, 4.2))
    curve = fig.add_subplot(1, 2, 1)
    curve.plot(np.arange(1, len(history["val_loss"]) + 1), history["val_loss"], color="#1f4e79")
    curve.set(
        yscale="log",
        xlabel="epoch",
        ylabel="validation loss (MSE)",
        title=f"{hidden_units} hidden, sums below {2**bits}: {accuracy:.1%} right",
    )
    curve.grid(alpha=0.3)
    surface = fig.add_subplot(1, 2, 2, projection="3d")
    a_values, b_values, errors = error_surface(model, bits, max_points)
    a_grid, b_grid = np.meshgrid(a_values, b_values)
    surface.plot_surface(a_grid, b_grid, errors, cmap="viridis", linewidth=0)
    surface.set(xlabel="a", ylabel="b", zlabel="|error|", title="|prediction − (a + b)|")
    fig.tight_layout()
    return fig


def png_output(fig: Any) -> dict[str, Any]:
    """A Jupyter ``display_data`` output holding ``fig`` as a PNG image."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"), "text/plain": "<explorer figure>"},
    }


def retrain_explorer(
    hidden_units: int = 2,
    bits: int = 4,
    seed: int = 0,
    epochs: int = 1000,
    patience: int = 5,
    choices_hidden: tuple[int, ...] = (1, 2, 4, 8, 16),
    choices_bits: tuple[int, ...] = (4, 8, 16),
) -> Any:
    """Controls (hidden units, maximum sum, seed, epochs, patience) and a Train button.

    The first network is trained and drawn right away, so the widget never starts empty.
    Returns the ``ipywidgets.VBox`` to display.
    """
    import ipywidgets as widgets

    style = {"description_width": "8em"}
    hidden = widgets.Dropdown(options=list(choices_hidden), value=hidden_units, description="hidden units", style=style)
    max_sum = widgets.Dropdown(
        options=[(str(2**b), b) for b in choices_bits], value=bits, description="maximum sum", style=style
    )
    seed_box = widgets.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed", style=style)
    epochs_slider = widgets.IntSlider(
        value=epochs, min=10, max=1000, step=10, description="max epochs", style=style, continuous_update=False
    )
    patience_slider = widgets.IntSlider(
        value=patience, min=1, max=100, description="patience", style=style, continuous_update=False
    )
    button = widgets.Button(description="Train", button_style="primary")
    status = widgets.HTML()
    output = widgets.Output()

    def train(_: Any = None) -> None:
        button.disabled = True
        status.value = "training…"
        try:
            result = train_grid(
                hidden.value,
                max_sum.value,
                seed_box.value,
                epochs=epochs_slider.value,
                patience=patience_slider.value,
                progress=False,
            )
            key = (hidden.value, max_sum.value, seed_box.value)
            row = result.table.iloc[0]
            fig = explorer_figure(result.models[key], result.histories[key], max_sum.value, hidden.value, row.accuracy)
            # A PNG output set directly: it works with or without a kernel, and the static
            # book's widget renderer shows it.
            output.outputs = (png_output(fig),)
            plt.close(fig)
            status.value = (
                f"trained {int(row.epochs)} epochs in {result.seconds:.1f} s: "
                f"<b>{row.accuracy:.1%}</b> right, MSE {row.mse:.3g}"
            )
        finally:
            button.disabled = False

    button.on_click(train)
    train()
    controls = widgets.HBox(
        [
            widgets.VBox([hidden, max_sum, seed_box]),
            widgets.VBox([epochs_slider, patience_slider, widgets.HBox([button, status])]),
        ]
    )
    return widgets.VBox([controls, output])
