"""A live explorer: retrain one 2 + 2 network with the reader's settings and redraw it.

Two versions of the same controls:

* ``retrain_explorer``: ipywidgets, for JupyterLab and Colab (a single network with the
  original settings retrains in seconds with the stacked trainer). The chapter tags its cell
  ``remove-output``: without a kernel these controls would be dead.
* ``show_browser_explorer``: the static page's app (``book/_static/explorer_app.js`` with the
  plain-JavaScript trainer ``addition_trainer.js``), which trains the network in the reader's
  browser with the chapter's recipe. ``explorer_check`` writes the hash-checked file the app
  verifies its random numbers against (Python's initial weights and first training pairs).
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from helpers.addition.networks import RunSettings, error_surface, initial_weights, make_pairs, train_grid
from helpers.checks import check_int, check_int_tuple

#: The browser app's largest ``epochs`` (as the ipywidgets slider's).
MAX_EPOCHS = 1000
#: Training pairs per (maximum sum, seed) in the check file: enough to catch another generator.
CHECK_PAIRS = 8


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


def explorer_check(
    path: str | Path, hidden_units: tuple[int, ...], bits: tuple[int, ...], seeds: tuple[int, ...]
) -> Path:
    """Write the file the browser app checks itself against, and return its path.

    ``{"initial_weights": {"h,bits,seed": [hidden kernel (row-major)..., output...]},
    "first_pairs": {"bits,seed": [a0, b0, a1, b1, ...]}}`` for every network of the grid: the
    app recomputes both with its own copy of numpy's generator and refuses to train on a
    difference.
    """
    hidden_units = check_int_tuple("hidden_units", hidden_units, 1)
    bits = check_int_tuple("bits", bits, 1)
    seeds = check_int_tuple("seeds", seeds, 0)
    check = {"initial_weights": {}, "first_pairs": {}}
    for s in seeds:
        for b in bits:
            check["first_pairs"][f"{b},{s}"] = make_pairs(CHECK_PAIRS, b, s)[0].ravel().tolist()
            for h in hidden_units:
                weights = initial_weights(h, b, s)
                check["initial_weights"][f"{h},{b},{s}"] = [float(v) for w in weights for v in w.ravel()]
    path = Path(path)
    path.write_text(json.dumps(check, sort_keys=True))
    return path


def explorer_config(
    hidden_units: int,
    bits: int,
    seed: int,
    epochs: int,
    patience: int,
    choices_hidden: tuple[int, ...],
    choices_bits: tuple[int, ...],
    surface_points: int = 64,
) -> dict[str, Any]:
    """The browser app's settings: its choices, its starting values and the chapter's recipe."""
    choices_hidden = check_int_tuple("choices_hidden", choices_hidden, 1)
    choices_bits = check_int_tuple("choices_bits", choices_bits, 1)
    if hidden_units not in choices_hidden or bits not in choices_bits:
        raise ValueError(
            f"hidden_units={hidden_units!r} and bits={bits!r} must be among choices_hidden={choices_hidden} "
            f"and choices_bits={choices_bits}"
        )
    recipe = RunSettings()
    return {
        "hidden_choices": list(choices_hidden),
        "bits_choices": list(choices_bits),
        "max_epochs": MAX_EPOCHS,
        "surface_points": check_int("surface_points", surface_points, 2),
        "defaults": {
            "hidden_units": hidden_units,
            "bits": bits,
            "seed": check_int("seed", seed, 0),
            "epochs": check_int("epochs", epochs, 1, MAX_EPOCHS),
            "patience": check_int("patience", patience, 0, MAX_EPOCHS),
        },
        "recipe": {
            "n_train": recipe.n_train,
            "validation_split": recipe.validation_split,
            "batch_size": recipe.batch_size,
            "n_eval": recipe.n_eval,
        },
    }


def browser_explorer_html(seeds: tuple[int, ...], **settings: Any) -> str:
    """The static page's explorer app (``explorer_config``'s arguments, plus the chapter's
    ``seeds``, whose initial weights go into the check file), as the element's HTML."""
    from helpers.browser import browser_model_html, site_model_dir

    config = explorer_config(**settings)
    check = explorer_check(
        site_model_dir("explorer") / "check.json", tuple(config["hidden_choices"]), tuple(config["bits_choices"]), seeds
    )
    return browser_model_html(
        "explorer",
        models={},
        files={"check": check},
        config=config,
        note="In the published book, the network trains here, in your browser; in JupyterLab, use the controls above.",
    )


def show_browser_explorer(seeds: tuple[int, ...], **settings: Any) -> None:
    """Display ``browser_explorer_html(seeds, **settings)`` as the cell's output."""
    from IPython.display import HTML, display

    display(HTML(browser_explorer_html(seeds, **settings)))
