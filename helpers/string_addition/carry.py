"""Chapter 3: finding the carry inside the aligned adder of ``helpers.string_addition.long_addition``.

The trained network is small enough to run by hand: a ``SimpleRNN`` step is
``h_t = tanh(x_t W + h_{t-1} U + b)`` and the digit it writes is ``softmax(h_t V + c)``.
``run`` does exactly that in numpy, and can *clamp* one hidden unit (or the component of
the hidden state along one direction) to a fixed value at every step, which is how we test
whether that unit or direction is the carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers.checks import check_int
from helpers.string_addition.long_addition import (
    digits_lsb_first,
    encode,
    exact_sum,
    random_digits,
    sum_digits,
    to_strings,
)


@dataclass
class RNNWeights:
    """The aligned adder's weights: ``kernel (20, H)``, ``recurrent (H, H)``, ``bias (H,)``,
    ``dense (H, 10)``, ``dense_bias (10,)``."""

    kernel: np.ndarray
    recurrent: np.ndarray
    bias: np.ndarray
    dense: np.ndarray
    dense_bias: np.ndarray

    @property
    def hidden_units(self) -> int:
        return self.recurrent.shape[0]


def weights_of(model: Any) -> RNNWeights:
    """Read the weights of a model built by ``long_addition.build_model``."""
    kernel, recurrent, bias = (np.asarray(w, np.float64) for w in model.get_layer("carry_rnn").get_weights())
    dense, dense_bias = (np.asarray(w, np.float64) for w in model.get_layer("sum_digit").get_weights())
    return RNNWeights(kernel, recurrent, bias, dense, dense_bias)


@dataclass
class Clamp:
    """Hold the hidden state fixed along ``direction`` (a unit vector) at ``value``, every step.

    ``Clamp.unit(k, value, hidden_units)`` clamps hidden unit ``k`` alone.
    """

    direction: np.ndarray
    value: float

    @staticmethod
    def unit(index: int, value: float, hidden_units: int) -> Clamp:
        direction = np.zeros(hidden_units)
        direction[check_int("index", index, 0, hidden_units - 1)] = 1.0
        return Clamp(direction, float(value))


def run(
    weights: RNNWeights, a_digits: np.ndarray, b_digits: np.ndarray, clamp: Clamp | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Run the network by hand on LSB-first digit arrays ``(n, steps)``.

    Returns:
        ``hidden (n, steps, H)`` (after any clamp) and ``probabilities (n, steps, 10)``.
    """
    x = encode(a_digits, b_digits).astype(np.float64)
    n, steps, _ = x.shape
    h = np.zeros((n, weights.hidden_units))
    hidden = np.zeros((n, steps, weights.hidden_units))
    for step in range(steps):
        h = np.tanh(x[:, step] @ weights.kernel + h @ weights.recurrent + weights.bias)
        if clamp is not None:
            h = h + np.outer(clamp.value - h @ clamp.direction, clamp.direction)
        hidden[:, step] = h
    logits = hidden @ weights.dense + weights.dense_bias
    logits -= logits.max(axis=-1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    return hidden, probabilities


def states_and_carries(
    weights: RNNWeights, n: int = 2000, max_digits: int = 8, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Hidden states of every step of ``n`` random additions, with the true carry out of
    each step: ``(n * steps, H)`` and ``(n * steps,)`` of 0/1."""
    rng = np.random.default_rng([check_int("seed", seed, 0), 3])
    a, b = random_digits(rng, check_int("n", n, 10), check_int("max_digits", max_digits, 1), carry_heavy=0.3)
    hidden, _ = run(weights, a, b)
    _, carries = sum_digits(a, b)
    return hidden.reshape(-1, weights.hidden_units), carries.reshape(-1)


@dataclass
class CarryFinding:
    """Where the carry lives.

    Attributes:
        correlations: per hidden unit, correlation of its value with the carry.
        unit: the unit with the largest absolute correlation.
        unit_values: that unit's mean value with no carry and with a carry.
        unit_accuracy: how well a threshold halfway between those means reads the carry.
        direction: the linear probe's direction (unit vector).
        probe_values: mean projection on ``direction`` with no carry and with a carry.
        probe_accuracy: how well the probe reads the carry (on the states it was fit on).
        probe_accuracy_held_out: same, on hidden states of fresh additions.
    """

    correlations: np.ndarray
    unit: int
    unit_values: tuple[float, float]
    unit_accuracy: float
    direction: np.ndarray
    probe_values: tuple[float, float]
    probe_accuracy: float
    probe_accuracy_held_out: float


def find_carry(weights: RNNWeights, n: int = 2000, seed: int = 0) -> CarryFinding:
    """Look for the carry: the most carry-correlated unit, and a linear probe (least squares
    on +-1 targets, the direction of Fisher's discriminant up to scale)."""
    states, carries = states_and_carries(weights, n, seed=seed)
    centred = states - states.mean(axis=0)
    target = carries - carries.mean()
    spread = centred.std(axis=0) * target.std()
    correlations = np.divide(
        (centred * target[:, None]).mean(axis=0), spread, out=np.zeros(states.shape[1]), where=spread > 0
    )
    unit = int(np.argmax(np.abs(correlations)))
    means = (float(states[carries == 0, unit].mean()), float(states[carries == 1, unit].mean()))
    unit_accuracy = _threshold_accuracy(states[:, unit], carries, means)

    design = np.hstack([states, np.ones((len(states), 1))])
    coefficients, *_ = np.linalg.lstsq(design, 2.0 * carries - 1.0, rcond=None)
    direction = coefficients[:-1] / np.linalg.norm(coefficients[:-1])
    projection = states @ direction
    probe_means = (float(projection[carries == 0].mean()), float(projection[carries == 1].mean()))
    fresh_states, fresh_carries = states_and_carries(weights, n // 2, seed=seed + 1)
    return CarryFinding(
        correlations,
        unit,
        means,
        unit_accuracy,
        direction,
        probe_means,
        _threshold_accuracy(projection, carries, probe_means),
        _threshold_accuracy(fresh_states @ direction, fresh_carries, probe_means),
    )


def _threshold_accuracy(values: np.ndarray, carries: np.ndarray, means: tuple[float, float]) -> float:
    threshold = (means[0] + means[1]) / 2
    guess = values > threshold if means[1] > means[0] else values < threshold
    return float(np.mean(guess == carries.astype(bool)))


def ablation_table(
    weights: RNNWeights, finding: CarryFinding, n: int = 2000, digits: int = 8, seed: int = 0
) -> list[dict[str, Any]]:
    """Exact-match accuracy with the carry unit or direction clamped, for additions that
    need no carry and for those that do.

    Rows: ``intervention`` (what was clamped to which value), ``no_carry`` and
    ``with_carry`` (exact-match accuracy of each group).
    """
    rng = np.random.default_rng([check_int("seed", seed, 0), 4])
    a, b = random_digits(rng, check_int("n", n, 10), check_int("digits", digits, 1), carry_heavy=0.0)
    truth, carries = sum_digits(a, b)
    has_carry = carries.any(axis=1)
    interventions = [
        ("none", None),
        (
            f"unit {finding.unit} held at its no-carry value",
            Clamp.unit(finding.unit, finding.unit_values[0], weights.hidden_units),
        ),
        (
            f"unit {finding.unit} held at its carry value",
            Clamp.unit(finding.unit, finding.unit_values[1], weights.hidden_units),
        ),
        ("probe direction held at no carry", Clamp(finding.direction, finding.probe_values[0])),
        ("probe direction held at carry", Clamp(finding.direction, finding.probe_values[1])),
    ]
    rows = []
    for name, clamp in interventions:
        _, probabilities = run(weights, a, b, clamp)
        right = np.all(probabilities.argmax(axis=-1) == truth, axis=1)
        rows.append(
            {
                "intervention": name,
                "no_carry": float(right[~has_carry].mean()),
                "with_carry": float(right[has_carry].mean()),
            }
        )
    return rows


def trace(weights: RNNWeights, a: str, b: str, clamp: Clamp | None = None) -> dict[str, Any]:
    """Everything about one addition, step by step (LSB first): hidden states, the digits
    written and their probabilities, the true carries, and the answer as a string."""
    steps = max(len(a), len(b)) + 1
    a_digits, b_digits = digits_lsb_first([a], steps), digits_lsb_first([b], steps)
    hidden, probabilities = run(weights, a_digits, b_digits, clamp)
    _, carries = sum_digits(a_digits, b_digits)
    written = probabilities[0].argmax(axis=-1)
    return {
        "hidden": hidden[0],
        "written": written,
        "confidence": probabilities[0].max(axis=-1),
        "carries": carries[0],
        "answer": to_strings(written[None, :])[0],
    }


def projection_2d(states: np.ndarray, direction: np.ndarray) -> tuple[np.ndarray, float]:
    """Hidden states in 2D: along the probe ``direction`` (x), and along the main principal
    component of what is left once that direction is removed (y).

    Returns ``(coordinates (n, 2), share of the remaining variance that y explains)``.
    """
    centred = states - states.mean(axis=0)
    along = centred @ direction
    rest = centred - np.outer(along, direction)
    _, singular, vt = np.linalg.svd(rest, full_matrices=False)
    share = float(singular[0] ** 2 / np.sum(singular**2))
    return np.stack([along, rest @ vt[0]], axis=1), share


# --------------------------------------------------------------------------- figures


def plot_trace(weights: RNNWeights, finding: CarryFinding, a: str, b: str) -> Any:
    """Matplotlib figure: the carry unit and the probe's reading along ``a + b``, with the
    true carry, and the answer written with the unit clamped at its no-carry value."""
    import matplotlib.pyplot as plt

    normal = trace(weights, a, b)
    clamped = trace(weights, a, b, Clamp.unit(finding.unit, finding.unit_values[0], weights.hidden_units))
    steps = np.arange(len(normal["carries"]))
    fig, axes = plt.subplots(2, 1, figsize=(9, 5), sharex=True)
    axes[0].step(steps, normal["carries"], where="mid", color="0.6", lw=4, alpha=0.6, label="true carry out of step")
    unit_values = normal["hidden"][:, finding.unit]
    lo, hi = finding.unit_values
    axes[0].plot(
        steps,
        (unit_values - lo) / (hi - lo),
        "o-",
        ms=3,
        label=f"unit {finding.unit} (0 = no-carry mean, 1 = carry mean)",
    )
    probe = normal["hidden"] @ finding.direction
    plo, phi = finding.probe_values
    axes[0].plot(steps, (probe - plo) / (phi - plo), "--", label="linear probe (same scale)")
    axes[0].set_ylabel("carry")
    axes[0].legend(loc="center right", fontsize=8)
    axes[0].set_title(f"{_short(a)} + {_short(b)}, read least significant digit first")
    truth, _ = sum_digits(*(digits_lsb_first([number], len(steps)) for number in (a, b)))
    right = exact_sum(a, b)
    axes[1].step(steps, truth[0], where="mid", color="0.6", lw=4, alpha=0.6, label="true digit of the sum")
    axes[1].plot(steps, normal["written"], "o", ms=4, label=f"written (answer right: {normal['answer'] == right})")
    axes[1].plot(
        steps,
        clamped["written"],
        "s",
        ms=4,
        mfc="none",
        label=f"written with unit {finding.unit} clamped to no carry (answer right: {clamped['answer'] == right})",
    )
    axes[1].set_ylabel("digit")
    axes[1].set_xlabel("step (digit position, least significant first)")
    axes[1].set_ylim(-0.5, 10.5)
    axes[1].legend(loc="center left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_projection(weights: RNNWeights, finding: CarryFinding, n: int = 400, seed: int = 0) -> Any:
    """Matplotlib figure: hidden states of fresh random additions along the carry probe and
    the main remaining direction, coloured by the true carry: the two groups are the two
    states (carry, no carry) of the automaton the network learned."""
    import matplotlib.pyplot as plt

    states, carries = states_and_carries(weights, n, seed=seed + 2)
    coordinates, share = projection_2d(states, finding.direction)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for value, colour, label in ((0, "tab:blue", "no carry"), (1, "tab:red", "carry")):
        pick = carries == value
        ax.scatter(coordinates[pick, 0], coordinates[pick, 1], s=4, alpha=0.4, color=colour, label=label)
    ax.set_xlabel("along the carry probe")
    ax.set_ylabel(f"main other direction ({share:.0%} of the rest)")
    ax.set_title("Hidden states after each step: a two-state automaton")
    ax.legend(markerscale=4)
    fig.tight_layout()
    return fig


def _short(number: str) -> str:
    return number if len(number) <= 14 else f"{number[:5]}…{number[-5:]} ({len(number)} digits)"
