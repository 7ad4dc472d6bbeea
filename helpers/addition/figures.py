"""Figures for the addition chapters.

Static figures (curves, histograms, diagrams) use matplotlib; the 3D error surfaces that
readers rotate use plotly, shown with ``helpers.display.show_plotly``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from helpers.addition.networks import error_by_sum, error_surface, predict_sums

#: One colour per hidden-layer width, shared by every figure of a chapter.
WIDTH_COLOURS = {1: "#4c72b0", 2: "#dd8452", 4: "#55a868", 8: "#c44e52", 16: "#8172b3", 32: "#937860", 64: "#da8bc3"}


def width_colour(hidden_units: int) -> str:
    return WIDTH_COLOURS.get(hidden_units, "#333333")


def draw_network(
    weights: Sequence[np.ndarray],
    values: Sequence[np.ndarray] | None = None,
    ax: Any = None,
    names: Sequence[str] | None = None,
    precision: int = 2,
) -> Any:
    """Draw a fully connected network with each weight written on its edge.

    Args:
        weights: one ``(n_in, n_out)`` matrix per layer (Keras' kernel layout).
        values: optional activations per layer, input layer first, written in the nodes.
        ax: matplotlib axes to draw on (a new figure when omitted).
        names: labels for the layers, input first.
        precision: decimals of the numbers shown.
    """
    sizes = [np.asarray(weights[0]).shape[0]] + [np.asarray(w).shape[1] for w in weights]
    if ax is None:
        _, ax = plt.subplots(figsize=(2.4 * len(sizes) + 1, 0.8 * max(sizes) + 1.4))
    tallest = max(sizes)
    spacing = 2.5  # horizontal distance between layers, in node-spacing units
    positions = [[(spacing * column, (size - 1) / 2 - row) for row in range(size)] for column, size in enumerate(sizes)]
    for layer, matrix in enumerate(weights):
        matrix = np.asarray(matrix)
        for i, start in enumerate(positions[layer]):
            for j, end in enumerate(positions[layer + 1]):
                ax.plot([start[0], end[0]], [start[1], end[1]], color="#999999", lw=1, zorder=1)
                # Label each edge on the side where the edges spread apart: near the
                # source when they converge (or cross), near the target when they fan out.
                t = 0.75 if len(positions[layer + 1]) > len(positions[layer]) else 0.25
                x, y = start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])
                ax.text(
                    x,
                    y,
                    f"{matrix[i, j]:.{precision}f}",
                    fontsize=8,
                    ha="center",
                    va="center",
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"),
                    zorder=3,
                )
    for layer, column in enumerate(positions):
        for k, (x, y) in enumerate(column):
            ax.add_patch(plt.Circle((x, y), 0.22, fc="#e8eef7", ec="#1f4e79", lw=1.5, zorder=2))
            if values is not None:
                ax.text(
                    x,
                    y,
                    f"{np.asarray(values[layer]).reshape(-1)[k]:.{precision}g}",
                    ha="center",
                    va="center",
                    fontsize=9,
                    zorder=4,
                )
    if names:
        for layer, name in enumerate(names):
            ax.text(spacing * layer, (tallest - 1) / 2 + 0.55, name, ha="center", fontsize=10, weight="bold")
    ax.set_xlim(-0.5, spacing * (len(sizes) - 1) + 0.5)
    ax.set_ylim(-(tallest - 1) / 2 - 0.5, (tallest - 1) / 2 + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def loss_curves(histories: dict, table: Any, bits: Sequence[int], max_epochs: int) -> Any:
    """Validation loss per epoch of every network, one panel per maximum sum.

    Lines end where early stopping ended training; a dot marks the end. Colours are hidden
    sizes; each seed is its own thin line.
    """
    fig, axes = plt.subplots(1, len(bits), figsize=(5.2 * len(bits), 4.2), squeeze=False)
    for ax, b in zip(axes[0], bits):
        for row in table[table.bits == b].itertuples():
            val_loss = histories[(row.hidden_units, b, row.seed)]["val_loss"]
            epochs = np.arange(1, len(val_loss) + 1)
            colour = width_colour(row.hidden_units)
            ax.plot(epochs, val_loss, color=colour, lw=0.9, alpha=0.75)
            if len(val_loss) < max_epochs:
                ax.plot(epochs[-1], val_loss[-1], "o", color=colour, ms=3.5)
        ax.set_yscale("log")
        ax.set_title(f"maximum sum {2**b}")
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("validation loss (MSE)")
    widths = sorted(table.hidden_units.unique())
    handles = [plt.Line2D([], [], color=width_colour(h), lw=2) for h in widths]
    fig.legend(handles, [f"{h} hidden" for h in widths], loc="upper center", ncol=len(widths), frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig


def error_surfaces(models: dict, bits: int, hidden_units: Sequence[int], seed: int, max_points: int = 128) -> Any:
    """Interactive 3D surfaces of ``|prediction - (a + b)|`` for one maximum sum.

    One surface per hidden size, switched with buttons above the plot (plotly's own
    controls, so they work in the static page without a kernel). Drag to rotate.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for index, h in enumerate(hidden_units):
        a_values, b_values, errors = error_surface(models[(h, bits, seed)], bits, max_points)
        fig.add_trace(
            go.Surface(
                x=a_values,
                y=b_values,
                z=np.round(errors, 3),
                visible=index == 0,
                name=f"{h} hidden",
                colorscale="Viridis",
                colorbar=dict(title="|error|", len=0.7),
                hovertemplate="a=%{x}<br>b=%{y}<br>|error|=%{z:.2f}<extra>" + f"{h} hidden</extra>",
            )
        )
    buttons = [
        dict(
            label=f"{h} hidden",
            method="update",
            args=[
                {"visible": [i == k for i in range(len(hidden_units))]},
                {"title.text": _surface_title(h, bits, seed)},
            ],
        )
        for k, h in enumerate(hidden_units)
    ]
    fig.update_layout(
        title=dict(text=_surface_title(hidden_units[0], bits, seed), y=0.97),
        updatemenus=[
            dict(
                type="buttons",
                direction="right",
                buttons=buttons,
                x=0.5,
                xanchor="center",
                y=1.0,
                yanchor="bottom",
                showactive=True,
                pad=dict(t=4, b=4),
            )
        ],
        scene=dict(
            xaxis_title="a",
            yaxis_title="b",
            zaxis_title="|prediction − (a+b)|",
            camera=dict(eye=dict(x=1.6, y=-1.6, z=0.9)),
        ),
        margin=dict(l=0, r=0, t=90, b=0),
        height=560,
    )
    return fig


def _surface_title(hidden_units: int, bits: int, seed: int) -> str:
    return f"{hidden_units} hidden unit{'s' if hidden_units > 1 else ''}, sums below {2**bits} (seed {seed})"


def sum_distribution_and_error(model: Any, training_pairs: np.ndarray, bits: int, label: str) -> Any:
    """Why a network is good where it is good: training sums beside its error per sum.

    Left: how often each sum occurs in the training pairs (a triangle: there are more ways
    to make 7 than to make 0 or 14). Right: the mean ``|error|`` over every pair with that sum.
    """
    sums = np.asarray(training_pairs).sum(axis=1)
    _, _, mean_error = error_by_sum(model, bits)
    totals = np.arange(len(mean_error))

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.bar(totals, np.bincount(sums, minlength=len(totals))[: len(totals)], color="#8da0cb")
    left.set(title="how often each sum appears in training", xlabel="a + b", ylabel="training pairs")
    right.plot(totals, mean_error, "o-", color="#c44e52")
    right.set(title=f"{label}: mean |error| per sum", xlabel="a + b", ylabel="mean |prediction − (a+b)|")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def cross_section(model: Any, total: int, highlights: Sequence[int] = (), label: str = "") -> Any:
    """Predictions along the line ``a + b = total`` (a from 0 to total), with chosen ``a`` marked."""
    a = np.arange(total + 1)
    predictions = predict_sums(model, np.stack([a, total - a], axis=1))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.plot(a, predictions, color="#8172b3", label="prediction")
    ax.axhline(total, color="#333333", ls="--", lw=1, label=f"the right answer, {total}")
    for value in highlights:
        ax.plot(value, predictions[value], "o", color="#c44e52")
        ax.annotate(
            f"{value} + {total - value} → {predictions[value]:.1f}",
            (value, predictions[value]),
            textcoords="offset points",
            xytext=(8, -14),
            fontsize=9,
        )
    ax.set(xlabel=f"a (and b = {total} − a)", ylabel="prediction", title=f"{label} along a + b = {total}")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower center")
    fig.tight_layout()
    return fig


def activation_histograms(activations: dict[int, np.ndarray], bits: int) -> Any:
    """Histograms of every hidden unit's output on fresh pairs, one panel per hidden size."""
    widths = sorted(activations)
    fig, axes = plt.subplots(1, len(widths), figsize=(3.2 * len(widths), 3.0), sharey=True, squeeze=False)
    for ax, h in zip(axes[0], widths):
        ax.hist(np.asarray(activations[h]).ravel(), bins=np.linspace(0, 1, 41), color=width_colour(h))
        ax.set(title=f"{h} hidden", xlabel="hidden output")
        ax.set_yscale("log")
    axes[0][0].set_ylabel("count (log)")
    fig.suptitle(f"hidden-unit outputs, sums below {2**bits}")
    fig.tight_layout()
    return fig


def lucky_curves(histories: dict, runs: Any, hidden_units: int, bits: int, threshold: float) -> Any:
    """Validation loss of each seed of one network shape: green if it learned to add, red if not."""
    fig, ax = plt.subplots(figsize=(9, 4))
    for seed, row in runs.iterrows():
        val_loss = histories[(hidden_units, bits, seed)]["val_loss"]
        colour = "#55a868" if row.accuracy >= threshold else "#c44e52"
        ax.plot(
            np.arange(1, len(val_loss) + 1), val_loss, lw=1.2, color=colour, label=f"seed {seed}: {row.accuracy:.0%}"
        )
        ax.plot(len(val_loss), val_loss[-1], "o", color=colour, ms=4)
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="epoch",
        ylabel="validation loss (MSE)",
        title=f"{hidden_units} hidden units, sums below {2**bits}: green learned to add, red did not",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig
