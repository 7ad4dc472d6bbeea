"""Chapter 2's activation explorer: pick ``a`` and ``b`` and watch the values flow.

Two versions of the same view:

* ``activation_explorer_figure``: a plotly figure with one slider step per pair, every
  step precomputed, so the static book page works without a kernel.
* ``activation_explorer_widget``: ipywidgets controls (network, ``a``, ``b``) over any
  trained original networks, for JupyterLab and Colab. The static book shows the state it
  was executed with.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from helpers.addition.inspection import diagram_values, forward_steps
from helpers.checks import check_int

INPUT_COLOUR, POSITIVE, NEGATIVE = "#1f4e79", "#c44e52", "#4c72b0"


def _layout(units: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    inputs = np.array([[0.0, 0.5], [0.0, -0.5]])
    hidden = np.stack([np.ones(units), (units - 1) / 2 - np.arange(units)], axis=1) * [1.0, 0.8]
    output = np.array([[2.0, 0.0]])
    return inputs, hidden, output


def activation_explorer_figure(
    model: Any, bits: int = 4, pairs: Any = None, start: tuple[int, int] = (2, 2), title: str = ""
) -> Any:
    """A network diagram whose node values follow a slider over ``(a, b)`` pairs.

    Args:
        model: an original network (``helpers.addition.build_mlp``, no bias).
        bits: the network's range; the default pairs are every ``(a, b)`` below ``2**(bits-1)``
            (at most 16 values per number).
        pairs: the pairs to precompute, instead of the default.
        start: the pair shown first.
    """
    import plotly.graph_objects as go

    bits = check_int("bits", bits, 1, 24)
    if pairs is None:
        values = np.unique(np.linspace(0, 2 ** (bits - 1) - 1, min(16, 2 ** (bits - 1))).round()).astype(int)
        pairs = [(int(a), int(b)) for a in values for b in values]
    pairs = [tuple(int(n) for n in pair) for pair in pairs]
    if not pairs:
        raise ValueError("pairs must hold at least one (a, b) pair")
    kernel, v = np.asarray(model.get_weights()[0]), np.asarray(model.get_weights()[1]).reshape(-1)
    units = len(v)
    inputs, hidden, output = _layout(units)
    nodes = np.concatenate([inputs, hidden, output])

    fig = go.Figure()
    # Edges: width by |weight|, colour by sign; the weight shows on hover at the midpoint.
    for start_nodes, end_nodes, matrix in ((inputs, hidden, kernel), (hidden, output, v[:, None])):
        for i, p in enumerate(start_nodes):
            for j, q in enumerate(end_nodes):
                w = float(matrix[i, j])
                fig.add_trace(
                    go.Scatter(
                        x=[p[0], q[0]],
                        y=[p[1], q[1]],
                        mode="lines",
                        hoverinfo="skip",
                        line=dict(
                            color=POSITIVE if w >= 0 else NEGATIVE,
                            width=1 + 4 * min(abs(w) / (np.abs(matrix).max() + 1e-12), 1),
                        ),
                        showlegend=False,
                    )
                )
    mids_in = [((p + q) / 2, float(kernel[i, j])) for i, p in enumerate(inputs) for j, q in enumerate(hidden)]
    mids_out = [((p + output[0]) / 2, float(v[j])) for j, p in enumerate(hidden)]
    fig.add_trace(
        go.Scatter(
            x=[m[0][0] for m in mids_in + mids_out],
            y=[m[0][1] for m in mids_in + mids_out],
            mode="markers",
            marker=dict(size=6, color="rgba(0,0,0,0.15)"),
            hovertext=[f"weight {w:.3f}" for _, w in mids_in + mids_out],
            hoverinfo="text",
            showlegend=False,
        )
    )

    def state(a: int, b: int) -> tuple[list[str], list[float], list[str], str]:
        steps = forward_steps(model, a, b)
        out = float(steps["v_h"].sum())
        texts = [str(a), str(b)] + [f"{h:.2f}" for h in steps["h"]] + [f"{out:.2f}"]
        colours = [0.5, 0.5] + steps["h"].tolist() + [0.5]
        contributions = [f"v·h = {c:.2f}" for c in steps["v_h"]]
        heading = f"{a} + {b} = {a + b}; the network says {out:.2f}"
        return texts, colours, contributions, heading

    node_trace, label_trace = len(fig.data), len(fig.data) + 1
    first = pairs.index(tuple(start)) if tuple(start) in pairs else 0
    texts, colours, contributions, heading = state(*pairs[first])
    fig.add_trace(
        go.Scatter(
            x=nodes[:, 0],
            y=nodes[:, 1],
            mode="markers+text",
            text=texts,
            textposition="middle center",
            textfont=dict(size=12, color="black"),
            marker=dict(
                size=44,
                color=colours,
                cmin=0,
                cmax=1,
                colorscale="RdBu_r",
                line=dict(color="#333333", width=1.5),
                colorbar=dict(title="h", len=0.6),
            ),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    label_x = hidden[:, 0] + 0.55
    label_y = hidden[:, 1] * 0.45 + 0.12
    fig.add_trace(
        go.Scatter(
            x=label_x,
            y=label_y,
            mode="text",
            text=contributions,
            hoverinfo="skip",
            textfont=dict(size=11, color="#555555"),
            showlegend=False,
        )
    )

    steps = []
    for a, b in pairs:
        texts, colours, contributions, heading = state(a, b)
        steps.append(
            dict(
                method="update",
                label=f"{a}+{b}",
                args=[
                    {"text": [texts, contributions], "marker.color": [colours, colours]},
                    {"title.text": f"{title}{heading}"},
                    [node_trace, label_trace],
                ],
            )
        )
    texts, colours, contributions, heading = state(*pairs[first])
    height = 320 + 60 * units
    fig.update_layout(
        title=f"{title}{heading}",
        height=height,
        width=760,
        plot_bgcolor="white",
        xaxis=dict(visible=False, range=[-0.4, 2.4]),
        yaxis=dict(visible=False, range=[-(units + 1) * 0.45, (units + 1) * 0.45]),
        margin=dict(l=20, r=20, t=60, b=20),
        sliders=[dict(active=first, steps=steps, currentvalue=dict(prefix="a + b: "), pad=dict(t=10))],
    )
    for x, label in ((0, "inputs a, b"), (1, "hidden h = S(w·(a, b))"), (2, "output Σ v·h")):
        fig.add_annotation(x=x, y=(units + 1) * 0.42, text=f"<b>{label}</b>", showarrow=False)
    return fig


def explorer_png(model: Any, a: int, b: int, label: str = "") -> dict[str, Any]:
    """The matplotlib diagram of ``a + b`` through ``model`` as a PNG display output."""
    from helpers.addition.explorer import png_output
    from helpers.addition.inspection import network_diagram

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
    bits = check_int("bits", bits, 1, 24)
    top = 2 ** (bits - 1) - 1
    a = check_int("a", a, 0, top)
    b = check_int("b", b, 0, top)
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
