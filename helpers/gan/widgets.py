"""The post's wish in JupyterLab and Colab: choose facial attributes, draw faces (ipywidgets).

``face_picker`` shows one dropdown per attribute the conditional generator takes and a
button that draws new faces from fresh noise; the picture is re-drawn by the kernel. In the
static book the same generator runs in the reader's browser instead (``faces_app.js``).
"""

from __future__ import annotations

import io

import numpy as np

from helpers.gan.faces import LABELS, value_names
from helpers.gan.figures import grid
from helpers.gan.training import GanRun


def faces_png(
    run: GanRun, choice: dict[str, int], n: int = 8, seed: int = 0, scale: int = 3, average: bool = False
) -> bytes:
    """PNG bytes of ``n`` faces drawn for the attribute codes in ``choice`` from noise ``seed``.

    ``average=True`` draws with the run's weight-averaged generator.
    """
    from PIL import Image

    conditions = {name: np.full(n, int(choice[name])) for name in run.conditional_on}
    picture = grid(run.generate(n, seed=seed, conditions=conditions, average=average), columns=n)
    image = Image.fromarray(picture).resize(
        (picture.shape[1] * scale, picture.shape[0] * scale), Image.Resampling.NEAREST
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def face_picker(run: GanRun, n: int = 8, seed: int = 0, average: bool = False):
    """Dropdowns for each attribute of a conditional ``run`` and a "new faces" button."""
    import ipywidgets as widgets

    if not run.conditional_on:
        raise ValueError("run must be a conditional GAN (trained with conditional_on=...)")
    dropdowns = {
        name: widgets.Dropdown(
            options=[(value, code) for code, value in enumerate(value_names(name))],
            value=0,
            description=LABELS.get(name, name),
            style={"description_width": "initial"},
        )
        for name in run.conditional_on
    }
    button = widgets.Button(description="new faces", icon="refresh")
    image = widgets.Image(format="png")
    state = {"seed": seed}

    def redraw(*_):
        choice = {name: dropdown.value for name, dropdown in dropdowns.items()}
        image.value = faces_png(run, choice, n, state["seed"], average=average)

    def new_faces(_):
        state["seed"] += 1
        redraw()

    for dropdown in dropdowns.values():
        dropdown.observe(redraw, names="value")
    button.on_click(new_faces)
    redraw()
    return widgets.VBox(
        [widgets.HBox(list(dropdowns.values())[:2] + [button]), widgets.HBox(list(dropdowns.values())[2:]), image]
    )
