"""Chapter 2: looking inside the hidden layer of the original networks.

* The binary-encoding hypothesis: can a sigmoid unit output the bits of a number?
* One forward pass, step by step, and what the trained weights look like across seeds.
* The derivation: what function a bias-free sigmoid network computes, checked numerically.
* Saturation: every hidden unit's output over the (a, b) grid, and why large sums fail.
* Extrapolation beyond the training range.

The activation explorer lives in ``helpers.addition.activation_explorer``; the binary
readout experiment in ``helpers.addition.binary_readout``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.addition.networks import MAX_BITS, check_pairs, grid_pairs, predict_sums
from helpers.checks import check_float, check_int, check_int_tuple


def sigmoid(z: object) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))`` in float64."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, np.float64)))  # exact, and never overflows


# --------------------------------------------------------------------------- 1. binary hypothesis


def binary_targets(numbers: int = 4) -> pd.DataFrame:
    """The bits of ``x = 0 .. numbers-1``: one column per bit, most significant first."""
    numbers = check_int("numbers", numbers, 2, 256)
    width = int(np.ceil(np.log2(numbers)))
    x = np.arange(numbers)
    table = pd.DataFrame({"x": x})
    for bit in reversed(range(width)):
        table[f"bit{bit}"] = (x >> bit) & 1
    return table


def best_sigmoid_fit(
    x: object, target: object, use_bias: bool, w_range: float = 30.0, b_range: float = 60.0, points: int = 1201
) -> dict[str, float]:
    """The best single sigmoid unit ``S(w x + b)`` for ``target`` over a fine grid of weights.

    Searches ``w`` on ``[-w_range, w_range]`` (and ``b`` on ``[-b_range, b_range]`` when
    ``use_bias``, else ``b = 0``) with ``points`` values each, minimising the worst error.

    Returns ``w``, ``b``, ``max_error`` (the worst ``|S(w x + b) - target|``) and ``mse``.
    """
    w_range = check_float("w_range", w_range, 0.0, inclusive_minimum=False)
    b_range = check_float("b_range", b_range, 0.0, inclusive_minimum=False)
    points = check_int("points", points, 3, 20001)
    x = np.asarray(x, np.float64).reshape(-1)
    target = np.asarray(target, np.float64).reshape(-1)
    if x.shape != target.shape:
        raise ValueError(f"x and target must have the same length, got {x.shape} and {target.shape}")
    w = np.linspace(-w_range, w_range, points)
    b = np.linspace(-b_range, b_range, points) if use_bias else np.zeros(1)
    errors = np.zeros((len(w), len(b)))
    squares = np.zeros((len(w), len(b)))
    for xi, ti in zip(x, target):
        diff = np.abs(sigmoid(w[:, None] * xi + b[None, :]) - ti)
        errors = np.maximum(errors, diff)
        squares += diff**2
    i, j = np.unravel_index(np.argmin(errors), errors.shape)
    return {"w": float(w[i]), "b": float(b[j]), "max_error": float(errors[i, j]), "mse": float(squares[i, j] / len(x))}


def binary_hypothesis(numbers: int = 4, points: int = 1201, reachable: float = 0.05) -> pd.DataFrame:
    """For every bit of ``x = 0 .. numbers-1``: the best single sigmoid unit without and with a bias.

    A bit counts as ``reachable`` when the best unit's worst error is below ``reachable``.
    """
    reachable = check_float("reachable", reachable, 0.0, 0.5, inclusive_minimum=False)
    targets = binary_targets(numbers)
    rows = []
    for column in targets.columns[1:]:
        for use_bias in (False, True):
            fit = best_sigmoid_fit(targets["x"], targets[column], use_bias, points=points)
            monotone = bool(np.all(np.diff(targets[column]) >= 0) or np.all(np.diff(targets[column]) <= 0))
            rows.append(
                {
                    "bit": column,
                    "bias": use_bias,
                    "target": targets[column].tolist(),
                    "monotone": monotone,
                    **fit,
                    "reachable": fit["max_error"] < reachable,
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- 2. one forward pass


def _original_weights(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(W, v)``: the hidden kernel ``(2, h)`` and output weights ``(h,)`` of a bias-free MLP."""
    weights = model.get_weights()
    if len(weights) != 2:
        raise ValueError(
            "model must be an original bias-free network (helpers.addition.build_mlp, "
            f"use_bias=False); it has {len(weights)} weight arrays"
        )
    return np.asarray(weights[0], np.float64), np.asarray(weights[1], np.float64).reshape(-1)


def forward_steps(model: Any, a: int, b: int) -> pd.DataFrame:
    """``a + b`` through an original network, one row per hidden unit.

    Columns: ``w_a, w_b`` (the unit's input weights), ``z = w_a a + w_b b``,
    ``h = S(z)``, ``v`` (its output weight) and ``v_h = v h``, whose column sum is the output.
    """
    pair = check_pairs([[a, b]])[0].astype(np.float64)
    kernel, v = _original_weights(model)
    z = pair @ kernel
    h = sigmoid(z)
    table = pd.DataFrame(
        {"unit": np.arange(1, len(v) + 1), "w_a": kernel[0], "w_b": kernel[1], "z": z, "h": h, "v": v, "v_h": v * h}
    )
    return table.set_index("unit")


def diagram_values(model: Any, a: int, b: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights and node values of ``a + b`` for ``helpers.plots.draw_network``."""
    steps = forward_steps(model, a, b)
    kernel, v = _original_weights(model)
    return [kernel, v[:, None]], [np.array([a, b], float), steps["h"].to_numpy(), np.array([steps["v_h"].sum()])]


def _edge_label(ax: Any, x: float, y: float, text: str) -> None:
    """A weight written on its edge of the network diagram, on a white patch."""
    ax.text(
        x,
        y,
        text,
        fontsize=8,
        ha="center",
        va="center",
        zorder=3,
        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"),
    )


def network_diagram(
    model: Any, a: int, b: int, ax: Any = None, title: str | None = None, input_labels: bool | None = None
) -> Any:
    """The original network computing ``a + b``: every weight on its edge, every value in its node.

    Node colours show the hidden outputs on the sigmoid's 0..1 scale. ``input_labels``
    writes the input weights on their edges (default: only up to 4 hidden units, above
    which they no longer fit; ``forward_steps`` lists them all).
    """
    weights, values = diagram_values(model, a, b)
    kernel, v = weights[0], weights[1][:, 0]
    units = kernel.shape[1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.75 * max(units, 2) + 1.6))
    spread = max(0.5, units / 6)  # inputs further apart when many edges fan out
    inputs = [(0.0, spread), (0.0, -spread)]
    hidden = [(2.4, (units - 1) / 2 - j) for j in range(units)]
    output = (4.2, 0.0)
    # Label input weights where their edges are furthest apart: near the inputs for two
    # units (the edges cross in the middle), near the hidden units for more.
    t = 0.3 if units <= 2 else 0.7
    if input_labels is None:
        input_labels = units <= 4
    cmap = plt.get_cmap("coolwarm")
    for i, p in enumerate(inputs):
        for j, q in enumerate(hidden):
            ax.plot([p[0], q[0]], [p[1], q[1]], color="#999999", lw=1, zorder=1)
            x, y = p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])
            if input_labels:
                _edge_label(ax, x, y, f"{kernel[i, j]:.3f}")
    for j, q in enumerate(hidden):
        ax.plot([q[0], output[0]], [q[1], output[1]], color="#999999", lw=1, zorder=1)
        _edge_label(ax, (q[0] + output[0]) / 2, (q[1] + output[1]) / 2, f"{v[j]:.2f}")
    nodes = [(p, f"{int(n)}", "#e8eef7") for p, n in zip(inputs, values[0])]
    nodes += [(q, f"{h:.3f}", cmap(h)) for q, h in zip(hidden, values[1])]
    nodes += [(output, f"{values[2][0]:.3f}", "#e8eef7")]
    for (x, y), label, colour in nodes:
        ax.add_patch(plt.Circle((x, y), 0.3, fc=colour, ec="#1f4e79", lw=1.5, zorder=2))
        ax.text(x, y, label, ha="center", va="center", fontsize=9, zorder=4)
    top = max(spread, (units - 1) / 2)
    for x, name in ((0, "inputs"), (2.4, "hidden h = S(z)"), (4.2, "output")):
        ax.text(x, top + 0.6, name, ha="center", fontsize=10, weight="bold")
    ax.set_xlim(-0.5, 4.7)
    ax.set_ylim(-top - 0.5, top + 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title if title is not None else f"{a} + {b} through the network")
    return ax


# --------------------------------------------------------------------------- 3. weights across seeds


def output_weight_survey(
    models: dict, hidden_units: Iterable[int], bits: int = 4, a: int = 2, b: int = 2
) -> pd.DataFrame:
    """The output weights of every trained network of a width, and its hidden outputs for ``a + b``.

    ``models`` is ``GridResult.models`` (keys ``(hidden_units, bits, seed)``). A network
    shows the blog's pattern ("many positive, one big negative") when exactly one output
    weight is negative and it is larger in size than every positive one.
    """
    hidden_units = check_int_tuple("hidden_units", hidden_units, 1)
    rows = []
    for (h, bb, seed), model in sorted(models.items()):
        if h not in hidden_units or bb != bits:
            continue
        steps = forward_steps(model, a, b)
        v = steps["v"].to_numpy()
        negative = v[v < 0]
        pattern = len(negative) == 1 and len(v) > 1 and abs(negative[0]) > v[v >= 0].max()
        rows.append(
            {
                "hidden_units": h,
                "seed": seed,
                "output_weights": sorted(np.round(v, 1).tolist(), key=lambda w: (w < 0, w)),
                "negative": int((v < 0).sum()),
                "pattern": bool(pattern),
                f"h({a}+{b})": np.round(steps["h"].to_numpy(), 2).tolist(),
                "prediction": float(steps["v_h"].sum()),
            }
        )
    if not rows:
        raise ValueError(f"models holds no network with hidden_units in {hidden_units} and bits={bits}")
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- 4. the derivation


def derivation(model: Any, bits: int = 4) -> dict[str, Any]:
    """What an original (bias-free sigmoid) network computes, and how far the trained one is from it.

    Without biases, unit ``j`` computes ``S(w_aj a + w_bj b)`` and the output is
    ``sum_j v_j S(w_aj a + w_bj b)``. The derivation, checked here number by number:

    1. At ``a = b = 0`` every unit outputs ``S(0) = 1/2`` whatever its weights, so the
       output for ``0 + 0`` is ``sum_j v_j / 2``: to add, the output weights must cancel.
    2. ``S(-x) = 1 - S(x)``: a unit whose weights point down (``w_aj + w_bj < 0``) outputs
       ``1 - S(|...|)``. Flipping it gives ``C + sum_j u_j S(w'_j . (a, b))`` with every
       ``w'_j`` pointing up, ``u_j = v_j sign_j`` and a constant ``C`` = the sum of the
       flipped units' ``v_j``. A big negative output weight on a down-pointing unit *is*
       the bias the network was not given.
    3. Near zero, ``S(x) ~ 1/2 + x/4 - x^3/48``. The output is about
       ``(C + sum u_j / 2) + a sum(v_j w_aj) / 4 + b sum(v_j w_bj) / 4`` minus a cubic bend.
       Adding needs intercept 0 and both slopes 1 (the symmetry is in these sums, not in
       each unit). A sigmoid's slope is at most 1/4, and the inputs ``w . (a, b)`` must stay
       small for the sigmoid to stay straight, so the output weights are large, and ``C``
       must cancel ``sum u_j / 2``: one (or a few) big negative weights.

    Returns a dict of the checked quantities (all computed from the model).
    """
    bits = check_int("bits", bits, 1, MAX_BITS)
    kernel, v = _original_weights(model)
    orientation = np.where(kernel.sum(axis=0) < 0, -1.0, 1.0)
    u = v * orientation
    flipped = kernel * orientation  # every unit pointing up
    constant = float(v[orientation < 0].sum())
    intercept = constant + u.sum() / 2
    slope_a, slope_b = (float(x) for x in (kernel @ v) / 4)
    half = 2 ** (bits - 1)
    grid = grid_pairs(bits)[1].astype(np.float64)
    actual = predict_sums(model, grid)
    rewritten = constant + sigmoid(grid @ flipped) @ u
    z = grid @ kernel
    linear = intercept + slope_a * grid[:, 0] + slope_b * grid[:, 1]
    cubic = linear - (z**3 / 48) @ v
    sums = grid.sum(axis=1)
    spread = max(float(np.ptp(actual[sums == total])) for total in np.unique(sums))
    along = np.stack([np.ceil(np.arange(2 * half - 1) / 2), np.floor(np.arange(2 * half - 1) / 2)], axis=1)
    index = (along[:, 1] * half + along[:, 0]).astype(int)  # rows of grid with a = ceil(s/2), b = floor(s/2)
    return {
        "weights_a": kernel[0].round(4).tolist(),
        "weights_b": kernel[1].round(4).tolist(),
        "output_weights": v.round(3).tolist(),
        "flipped_units": int((orientation < 0).sum()),
        "constant": constant,  # C, the missing bias
        "sum_u_half": float(u.sum() / 2),  # what C must cancel
        "zero_plus_zero": float(v.sum() / 2),  # the output for 0 + 0
        "intercept": float(intercept),
        "slope_a": slope_a,
        "slope_b": slope_b,
        "largest_input": float(np.abs(z).max()),  # the largest |w . (a, b)| a unit sees
        "same_sum_spread": spread,  # output differences among pairs with equal sums
        "rewrite_error": float(np.max(np.abs(rewritten - actual))),
        "linear_error": float(np.max(np.abs(linear - actual))),
        "cubic_error": float(np.max(np.abs(cubic - actual))),
        "sums": sums[index].tolist(),
        "actual": actual[index].tolist(),
        "linear": linear[index].tolist(),
        "cubic": cubic[index].tolist(),
    }


def derivation_figure(checks: dict[str, Any], title: str = "") -> Any:
    """The network's output along the sums (a = ceil(s/2), b = floor(s/2)), beside the derivation."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    s = np.asarray(checks["sums"])
    ax.plot(s, s, color="#bbbbbb", lw=4, label="a + b (the right answer)")
    ax.plot(s, checks["actual"], "o", color="#1f4e79", label="the network")
    ax.plot(
        s,
        checks["linear"],
        "--",
        color="#c44e52",
        label=f"straight part: {checks['intercept']:.2f} + {checks['slope_a']:.2f} a + {checks['slope_b']:.2f} b",
    )
    ax.plot(s, checks["cubic"], ":", color="#55a868", lw=2, label="straight part minus the cubic bend")
    ax.set(xlabel="s = a + b", ylabel="output", title=title)
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- 6. saturation


def hidden_grid(model: Any, bits: int, max_points: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Every hidden unit's output over the (a, b) grid: ``(values, outputs)``.

    ``outputs[k, i, j]`` is unit ``k``'s output for ``a = values[j]``, ``b = values[i]``.
    """
    from helpers.addition.fixes import hidden_outputs64

    values, pairs = grid_pairs(bits, max_points)
    outputs = hidden_outputs64(model, pairs)
    return values, outputs.T.reshape(-1, len(values), len(values))


def saturation(model: Any, bits: int, threshold: float = 0.01, max_points: int = 64) -> dict[str, float]:
    """How saturated a sigmoid hidden layer is over the training grid.

    Returns ``saturated`` (the fraction of unit outputs within ``threshold`` of 0 or 1) and
    ``gradient`` (the mean of ``S'(z) = h (1 - h)``, the factor every gradient through a
    unit is multiplied by; at most 0.25).
    """
    threshold = check_float("threshold", threshold, 0.0, 0.5, inclusive_minimum=False)
    _, outputs = hidden_grid(model, bits, max_points)
    return {
        "saturated": float(np.mean((outputs < threshold) | (outputs > 1 - threshold))),
        "gradient": float(np.mean(outputs * (1 - outputs))),
    }


def hidden_heatmaps(models: dict[int, Any], max_points: int = 64) -> Any:
    """One row per maximum sum, one heatmap per hidden unit (``models`` keyed by ``bits``)."""
    if not models:
        raise ValueError("models must map bits to at least one trained network")
    grids = {bits: hidden_grid(model, bits, max_points) for bits, model in sorted(models.items())}
    columns = max(outputs.shape[0] for _, outputs in grids.values())
    fig, axes = plt.subplots(len(grids), columns, figsize=(2.3 * columns + 1, 2.3 * len(grids)), squeeze=False)
    image = None
    for row, (bits, (values, outputs)) in enumerate(grids.items()):
        for k in range(columns):
            ax = axes[row, k]
            if k >= outputs.shape[0]:
                ax.axis("off")
                continue
            top = values[-1]
            image = ax.imshow(
                outputs[k], origin="lower", extent=(0, top, 0, top), vmin=0, vmax=1, cmap="coolwarm", aspect="auto"
            )
            ax.set_xticks([0, top])
            ax.set_yticks([0, top])
            if k > 0:
                ax.set_yticklabels([])
            if row < len(grids) - 1 or k > 0:
                ax.set_xticklabels([])
            if row == 0:
                ax.set_title(f"unit {k + 1}")
            if k == 0:
                ax.set_ylabel(f"sums < {2**bits}\nb")
            if row == len(grids) - 1:
                ax.set_xlabel("a")
    fig.subplots_adjust(wspace=0.08, hspace=0.12)
    fig.colorbar(image, ax=axes, shrink=0.8, label="hidden output h")
    return fig


# --------------------------------------------------------------------------- 8. extrapolation


def beyond_pairs(bits: int, factor: float, n: int = 10_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` pairs with sums from ``2**bits`` (the training maximum) up to ``factor * 2**bits``.

    Each number is drawn uniformly from ``[0, factor * 2**(bits-1))`` and pairs whose sum is
    within the training range are redrawn, so every pair is new territory.
    """
    bits = check_int("bits", bits, 1, MAX_BITS)
    factor = check_float("factor", factor, 1.0, inclusive_minimum=False)
    n = check_int("n", n, 1)
    top = int(factor * 2 ** (bits - 1))
    if 2 * top > 2**MAX_BITS:
        raise ValueError(f"factor * 2**bits must stay below 2**{MAX_BITS}, got {2 * top}")
    rng = np.random.default_rng([seed, bits, int(factor * 1000)])
    chunks, have = [], 0
    while have < n:
        x = rng.integers(0, top, size=(4 * n, 2), dtype=np.int64)
        x = x[x.sum(axis=1) >= 2**bits]
        chunks.append(x)
        have += len(x)
    x = np.concatenate(chunks)[:n]
    return x, x.sum(axis=1)


def extrapolation(
    models: dict[tuple[str, int], Any], factors: Sequence[float] = (2, 10), n: int = 10_000, seed: int = 0
) -> pd.DataFrame:
    """Accuracy of each network on sums beyond its training range.

    ``models`` maps ``(label, bits)`` to a model. Columns: ``within`` (sums below
    ``2**bits``, the usual evaluation) and one per factor (sums from ``2**bits`` up to
    ``factor * 2**bits``).
    """
    from helpers.addition.networks import evaluate

    rows = []
    for (label, bits), model in models.items():
        row = {"network": label, "max_sum": 2**bits, "within": evaluate(model, bits, n=n)["accuracy"]}
        for factor in factors:
            x, y = beyond_pairs(bits, factor, n, seed)
            row[f"up to {factor:g}x"] = float(np.mean(np.rint(predict_sums(model, x)) == y))
        rows.append(row)
    return pd.DataFrame(rows)


def relu_switches(model: Any, bits: int, factor: float = 2.0) -> dict[str, int]:
    """Where the hidden ReLU units of a ``helpers.improved`` model switch on or off.

    A unit's input is linear in ``(a, b)``, so over a square it is extreme at the corners:
    counted are the units that are ``on_everywhere`` in the training square
    ``[0, 2**(bits-1))**2``, those that ``switch_inside`` it, and, of those on everywhere,
    the ones that ``switch_beyond`` it, within the square ``factor`` times larger.
    """
    bits = check_int("bits", bits, 1, MAX_BITS)
    factor = check_float("factor", factor, 1.0)
    layers = {layer.name: layer for layer in model.layers}
    kernel, bias = (np.asarray(w, np.float64) for w in layers["hidden"].get_weights())
    scale = float(layers["scale_in"].scale) if "scale_in" in layers else 1.0
    top = (2 ** (bits - 1) - 1) * scale

    def corners(size: float) -> np.ndarray:
        square = np.array([[0, 0], [size, 0], [0, size], [size, size]], np.float64)
        return square @ kernel + bias  # (4 corners, units)

    inside, beyond = corners(top), corners(top * factor)
    on = (inside > 0).all(axis=0)
    switch_inside = (inside.max(axis=0) > 0) & (inside.min(axis=0) <= 0)
    return {
        "units": int(kernel.shape[1]),
        "on_everywhere": int(on.sum()),
        "switch_inside": int(switch_inside.sum()),
        "switch_beyond": int((on & (beyond.min(axis=0) <= 0)).sum()),
        "off_everywhere": int((inside.max(axis=0) <= 0).sum()),
    }
