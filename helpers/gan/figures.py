"""Figures for chapter 5: the 16 fixed samples per epoch, and the score curves.

``snapshot_epochs`` draws each epoch's 4x4 grid of the 16 fixed samples side by side, as the
post showed them after every epoch, and ``metric_curves`` the scores per epoch: static
matplotlib figures, which the book writes out as PNG files (no inline image data, and no
plotting library for the page to load).
"""

from __future__ import annotations

import numpy as np


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
    # 72 dpi: each 4x4 grid about twice its pixels, and the PNG a third of its size at 100 dpi.
    figure, axes = plt.subplots(rows, columns, figsize=(9, 1.75 * rows + 0.4), dpi=72, squeeze=False)
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
):
    """One panel per score: a line per run over epochs, and each run's real-data value dotted (matplotlib).

    A static figure, so the page needs no plotting library (the book writes it out as a PNG).
    """
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(names), figsize=(9, 2.9), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, name in zip(axes[0], names):
        for colour, (label, metrics) in zip(colours, runs.items()):
            if not any(name in m for m in metrics):
                continue  # e.g. no hue for white ellipses
            values = [m.get(name, np.nan) for m in metrics]
            ax.plot(range(len(values)), values, marker="o", markersize=3, color=colour, label=label)
            reference = (references or {}).get(label, {}).get(name)
            if reference is not None:
                ax.axhline(reference, linestyle=":", color=colour)
        ax.set_title(_score_title(name), fontsize=9)
        ax.set_xlabel("epoch", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.get_major_locator().set_params(integer=True)
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout(rect=(0, 0.1, 1, 1))
    return figure


def _score_title(name: str) -> str:
    """A score's name in words (``coverage_skinColor`` -> ``coverage: skin``)."""
    from helpers.gan.faces import LABELS

    if name == "kid":
        return "kernel distance"
    if name.startswith("coverage_"):
        return "coverage: " + LABELS.get(name.removeprefix("coverage_"), name)
    return name.replace("_", " ")
