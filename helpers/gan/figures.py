"""Figures for chapter 5: the 16 fixed samples per epoch, and the score curves.

``snapshot_epochs`` draws each epoch's 4x4 grid of the 16 fixed samples side by side, as the
post showed them after every epoch: a static matplotlib figure, which the book writes out
as a PNG file (no megabytes of inline image data in the page). ``metric_curves`` plots the
scores per epoch with plotly.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go


def to_uint8(images: np.ndarray) -> np.ndarray:
    """Images in [-1, 1] -> ``uint8`` RGB."""
    return np.clip(np.rint((np.asarray(images) + 1) * 127.5), 0, 255).astype(np.uint8)


def grid(images: np.ndarray, columns: int = 4, gap: int = 1) -> np.ndarray:
    """Images ``(n, h, w, 3)`` in [-1, 1] tiled into one ``uint8`` picture with white gaps."""
    pixels = to_uint8(images)
    n, h, w, _ = pixels.shape
    rows = -(-n // columns)
    canvas = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap, 3), 255, np.uint8)
    for index in range(n):
        r, c = divmod(index, columns)
        canvas[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = pixels[index]
    return canvas


def epochs_shown(epochs: int, most: int = 12) -> list[int]:
    """Which of the snapshots 0..``epochs`` a figure shows: all, or ``most`` evenly spaced (first and last kept)."""
    if epochs + 1 <= most:
        return list(range(epochs + 1))
    return sorted({int(round(value)) for value in np.linspace(0, epochs, most)})


def snapshot_epochs(snapshots: np.ndarray, title: str = "", columns: int = 6, most: int = 12):
    """The 16 fixed samples after each epoch, one labelled 4x4 grid per epoch (a matplotlib figure).

    ``snapshots``: ``(epochs + 1, 16, h, w, 3)`` in [-1, 1], index 0 the untrained generator.
    A static picture (in the book a PNG file, not inline data), read left to right, row by
    row; with more than ``most`` snapshots, ``most`` of them evenly spaced.
    """
    import matplotlib.pyplot as plt

    snapshots = np.asarray(snapshots)
    if snapshots.ndim != 5 or len(snapshots) == 0:
        raise ValueError(f"snapshots must have shape (epochs + 1, samples, h, w, 3), got {snapshots.shape}")
    shown = epochs_shown(len(snapshots) - 1, most)
    rows = -(-len(shown) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(9, 1.75 * rows + 0.4), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, epoch in zip(axes.flat, shown):
        ax.imshow(grid(snapshots[epoch]), interpolation="nearest")
        ax.set_title("untrained" if epoch == 0 else f"epoch {epoch}", fontsize=9)
    if title:
        figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return figure


def metric_curves(
    runs: dict[str, list[dict]], names: list[str], references: dict[str, dict] | None = None, title: str = ""
) -> go.Figure:
    """One panel per score: a line per run over epochs, and each run's real-data value dotted."""
    from plotly.subplots import make_subplots

    titles = [name.replace("_", " ").replace("skinColor", "skin").replace("kid", "kernel distance") for name in names]
    figure = make_subplots(rows=1, cols=len(names), subplot_titles=titles, horizontal_spacing=0.06)
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
    for index, name in enumerate(names, start=1):
        for color, (label, metrics) in zip(palette, runs.items(), strict=False):  # at most 5 runs per figure
            if not any(name in m for m in metrics):
                continue  # e.g. no hue for white ellipses
            values = [m.get(name) for m in metrics]  # None, not NaN: plotly's JSON must be valid
            figure.add_trace(
                go.Scatter(
                    x=list(range(len(values))),
                    y=values,
                    mode="lines+markers",
                    name=label,
                    line={"color": color},
                    legendgroup=label,
                    showlegend=index == 1,
                ),
                row=1,
                col=index,
            )
            reference = (references or {}).get(label, {}).get(name)
            if reference is not None:
                figure.add_hline(y=reference, line={"dash": "dot", "color": color}, row=1, col=index)
        figure.update_xaxes(title_text="epoch", row=1, col=index)
    figure.update_annotations(font_size=11)  # the panel titles, which must not run into each other
    figure.update_layout(
        title=title,
        height=360,
        margin={"t": 70, "b": 40, "l": 40, "r": 20},
        legend={"orientation": "h", "y": -0.25},  # below the panels: the panels get the width
    )
    return figure
