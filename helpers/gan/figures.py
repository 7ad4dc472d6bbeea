"""Figures for chapter 5: the 16 fixed samples per epoch as an animation that works in the static page.

``snapshot_animation`` draws each epoch's 4x4 grid as one plotly frame (a PNG embedded as a
data URI in a ``go.Image``, a few kB per frame instead of a JSON array of every pixel) with a
slider and a play button: plotly.js animates it in the reader's browser, no kernel needed.
"""

from __future__ import annotations

import base64
import io

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


def png_data_uri(picture: np.ndarray, scale: int = 1) -> str:
    """A ``uint8`` RGB array as a ``data:image/png;base64,...`` URI (nearest-neighbour upscaled)."""
    from PIL import Image

    image = Image.fromarray(picture)
    if scale > 1:
        image = image.resize((picture.shape[1] * scale, picture.shape[0] * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def snapshot_animation(
    snapshots: np.ndarray, title: str = "", labels: list[str] | None = None, scale: int = 3, columns: int = 4
) -> go.Figure:
    """Plotly figure with one frame per epoch of ``snapshots`` (``(epochs + 1, 16, h, w, 3)``), slider and play."""
    snapshots = np.asarray(snapshots)
    if snapshots.ndim != 5 or len(snapshots) == 0:
        raise ValueError(f"snapshots must have shape (epochs + 1, samples, h, w, 3), got {snapshots.shape}")
    labels = labels or [f"epoch {epoch}" for epoch in range(len(snapshots))]
    sources = [png_data_uri(grid(frame, columns), scale) for frame in snapshots]
    height, width = grid(snapshots[0], columns).shape[:2]
    figure = go.Figure(
        data=[go.Image(source=sources[-1], hoverinfo="skip")],
        frames=[
            go.Frame(data=[go.Image(source=source, hoverinfo="skip")], name=label)
            for source, label in zip(sources, labels, strict=True)
        ],
    )
    step_args = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    figure.update_layout(
        title=title,
        width=max(360, width * scale + 80),
        height=height * scale + 190,
        margin={"l": 20, "r": 20, "t": 50, "b": 20},
        xaxis={"visible": False},
        yaxis={"visible": False},
        updatemenus=[
            {
                "type": "buttons",
                "showactive": False,
                "x": 0.0,
                "y": -0.02,
                "xanchor": "left",
                "yanchor": "top",
                "direction": "left",
                "buttons": [
                    {
                        "label": "▶ play",
                        "method": "animate",
                        "args": [None, {**step_args, "frame": {"duration": 400, "redraw": True}, "fromcurrent": False}],
                    },
                    {"label": "❚❚", "method": "animate", "args": [[None], step_args]},
                ],
            }
        ],
        sliders=[
            {
                "active": len(sources) - 1,
                "x": 0.22,
                "len": 0.78,
                "y": 0.0,
                "yanchor": "top",
                "currentvalue": {"prefix": ""},
                "steps": [{"label": label, "method": "animate", "args": [[label], step_args]} for label in labels],
            }
        ],
    )
    return figure


def metric_curves(
    runs: dict[str, list[dict]], names: list[str], references: dict[str, dict] | None = None, title: str = ""
) -> go.Figure:
    """One panel per score: a line per run over epochs, and each run's real-data value dotted."""
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=1, cols=len(names), subplot_titles=names, horizontal_spacing=0.06)
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
    figure.update_layout(title=title, height=330, margin={"t": 70, "b": 40, "l": 40, "r": 20})
    return figure
