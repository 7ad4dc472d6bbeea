"""The 2 + 2 networks themselves: data, models, training and scoring (chapters 1 and 2).

The original experiment (see ``book/references.md``): two inputs, one hidden layer of
sigmoid units without bias, one linear output without bias, Adam, mean squared error,
batch size 32, at most 1000 epochs with early stopping (patience 5, best weights kept),
10,000 training pairs of which 20% validate, evaluated on 10,000 fresh pairs.

Two ways to train the same networks live here:

* ``method="keras"``: the original way, one ``model.fit`` per network.
* ``method="stacked"``: the book's way. Every network of a grid is trained at once inside
  one compiled TensorFlow graph (``helpers.stacked``). A whole epoch of every network is
  one call, so the per-step Python and Keras overhead that dominates these tiny models
  disappears. Each network still has its own data, initial weights, shuffling, Adam state
  and early stopping, exactly as in Keras.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from helpers.checks import check_bool, check_choice, check_float, check_int, check_int_tuple
from helpers.stacked import ACTIVATIONS as HIDDEN_ACTIVATIONS

#: Largest ``bits`` allowed: sums stay below ``2**bits``, and float32 (what the networks
#: compute in) represents every integer up to ``2**24`` exactly.
MAX_BITS = 24
#: Evaluation pairs for run ``seed`` are drawn with seed ``EVAL_SEED + seed``: fresh pairs,
#: never the training ones, and the same for every network of that seed.
EVAL_SEED = 1_000_000


# --------------------------------------------------------------------------- data


def max_sum(bits: int) -> int:
    """The exclusive upper bound of the sums for ``bits``: ``2**bits`` (16, 256, 65536)."""
    return 2 ** check_int("bits", bits, 1, MAX_BITS)


def make_pairs(n: int, bits: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` random pairs whose sum is below ``2**bits``.

    Each number is uniform on ``[0, 2**(bits-1))``, as in the original experiment.

    Returns:
        ``x``: int64 array of shape ``(n, 2)``; ``y``: int64 array of shape ``(n,)``, the sums.
    """
    n = check_int("n", n, 1)
    bits = check_int("bits", bits, 1, MAX_BITS)
    seed = check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2 ** (bits - 1), size=(n, 2), dtype=np.int64)
    return x, x.sum(axis=1)


def check_pairs(x: object) -> np.ndarray:
    """Return ``x`` as a float32 array of shape ``(n, 2)`` of non-negative integers.

    Raises ``ValueError`` for anything a network of this book cannot be asked to add.
    """
    try:
        array = np.asarray(x)
    except Exception as error:  # ragged lists and the like
        raise ValueError(f"x must be an array of shape (n, 2) of non-negative integers: {error}") from None
    if array.ndim == 1 and array.shape == (2,):
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] < 1:
        raise ValueError(f"x must have shape (n, 2) with n >= 1 (pairs of numbers to add), got shape {array.shape}")
    if array.dtype.kind not in "iuf" or array.dtype == np.bool_:
        raise ValueError(f"x must hold numbers, got dtype {array.dtype}")
    if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
        raise ValueError("x must hold whole numbers (integers); got a fraction, NaN or infinity")
    if np.any(array < 0):
        raise ValueError("x must hold non-negative integers; got a negative number")
    if np.any(array >= 2**MAX_BITS):
        raise ValueError(f"x entries must be below 2**{MAX_BITS} (exact in float32); got {array.max()}")
    return array.astype(np.float32)


# --------------------------------------------------------------------------- models


def build_mlp(hidden_units: int, use_bias: bool = False, activation: str = "sigmoid", name: str | None = None) -> Any:
    """The original network: ``Input(2) -> Dense(hidden_units, activation) -> Dense(1, linear)``.

    Args:
        hidden_units: width of the hidden layer, at least 1.
        use_bias: the original used no biases anywhere.
        activation: hidden activation, one of ``HIDDEN_ACTIVATIONS``.
        name: Keras model name; defaults to e.g. ``"mlp_2_sigmoid"``.
    """
    import keras

    hidden_units = check_int("hidden_units", hidden_units, 1)
    check_choice("activation", activation, HIDDEN_ACTIVATIONS)
    check_bool("use_bias", use_bias)
    return keras.Sequential(
        [
            keras.Input(shape=(2,), name="numbers"),
            keras.layers.Dense(hidden_units, activation=activation, use_bias=bool(use_bias), name="hidden"),
            keras.layers.Dense(1, activation="linear", use_bias=bool(use_bias), name="sum"),
        ],
        name=name or f"mlp_{hidden_units}_{activation}",
    )


def trivial_adder() -> Any:
    """The network that adds without learning: two inputs, one linear output, both weights 1."""
    import keras

    model = keras.Sequential(
        [keras.Input(shape=(2,), name="numbers"), keras.layers.Dense(1, use_bias=False, name="sum")],
        name="trivial_adder",
    )
    model.set_weights([np.ones((2, 1), np.float32)])
    return model


def hidden_outputs(model: Any, x: object) -> np.ndarray:
    """What the hidden layer (the model's first layer) outputs for pairs ``x``: shape ``(n, hidden_units)``."""
    inputs = check_pairs(x)
    return np.asarray(model.layers[0](inputs))


def predict_sums(model: Any, x: object) -> np.ndarray:
    """The model's predicted sums for pairs ``x`` (shape ``(n, 2)``), as a float64 array ``(n,)``."""
    inputs = check_pairs(x)
    outputs = [
        np.asarray(model(inputs[start : start + 65536], training=False)) for start in range(0, len(inputs), 65536)
    ]
    return np.concatenate(outputs).reshape(-1).astype(np.float64)


def score(predictions: np.ndarray, sums: np.ndarray) -> dict[str, float]:
    """Accuracy (rounded prediction equals the sum) and mean squared error."""
    predictions = np.asarray(predictions, dtype=np.float64).reshape(-1)
    sums = np.asarray(sums, dtype=np.float64).reshape(-1)
    return {
        "accuracy": float(np.mean(np.rint(predictions) == sums)),
        "mse": float(np.mean((predictions - sums) ** 2)),
    }


def evaluate(model: Any, bits: int, n: int = 10_000, seed: int = EVAL_SEED) -> dict[str, float]:
    """Score ``model`` on ``n`` fresh random pairs whose sum is below ``2**bits``.

    Returns a dict with ``accuracy`` (fraction whose rounded prediction equals ``a + b``)
    and ``mse``.
    """
    x, y = make_pairs(n, bits, seed)
    return score(predict_sums(model, x), y)


def grid_pairs(bits: int, max_points: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(a, b)`` of the training range ``[0, 2**(bits-1))``, as a grid.

    With ``max_points``, each axis keeps at most that many evenly spaced integers.

    Returns ``(values, pairs)``: the axis values, and the pairs of shape ``(len(values)**2, 2)``
    with ``a`` varying fastest, so ``f(pairs).reshape(len(values), len(values))[i, j]`` is
    ``f`` at ``a = values[j]``, ``b = values[i]`` (the orientation plotly's surfaces expect).
    """
    bits = check_int("bits", bits, 1, MAX_BITS)
    half = 2 ** (bits - 1)
    if max_points is None:
        values = np.arange(half, dtype=np.int64)
    else:
        points = min(check_int("max_points", max_points, 2), half)
        values = np.unique(np.linspace(0, half - 1, points).round()).astype(np.int64)
    a_grid, b_grid = np.meshgrid(values, values)
    return values, np.stack([a_grid.ravel(), b_grid.ravel()], axis=1)


def error_surface(model: Any, bits: int, max_points: int = 128) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``|prediction - (a + b)|`` over the grid of every (a, b) the network was trained on.

    The grid covers ``[0, 2**(bits-1))`` on both axes with at most ``max_points`` values per
    axis (evenly spaced integers when the range is larger).

    Returns ``(a_values, b_values, errors)`` with ``errors[i, j]`` for ``a = a_values[j]``,
    ``b = b_values[i]`` (the orientation plotly's surfaces expect).
    """
    values, pairs = grid_pairs(bits, max_points)
    errors = np.abs(predict_sums(model, pairs) - pairs.sum(axis=1)).reshape(len(values), len(values))
    return values, values, errors


def error_by_sum(model: Any, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``|prediction - (a + b)|`` over every (a, b) of the training range, and its mean per sum.

    Returns ``(sums, errors, per_sum)``: each pair's sum and error, and ``per_sum[t]``, the mean
    error over the pairs whose sum is ``t``, for ``t`` from 0 to the largest sum.
    """
    _, pairs = grid_pairs(bits)
    sums = pairs.sum(axis=1)
    errors = np.abs(predict_sums(model, pairs) - sums)
    per_sum = np.array([errors[sums == total].mean() for total in range(sums.max() + 1)])
    return sums, errors, per_sum


# --------------------------------------------------------------------------- training


@dataclass(frozen=True)
class RunSettings:
    """How a study's networks are trained and scored (shared by chapters 1 and 2).

    The original's values are the defaults.
    """

    n_train: int = 10_000  # pairs generated for training, validation split included
    validation_split: float = 0.2  # the last 20% validate, as Keras' validation_split does
    batch_size: int = 32
    epochs: int = 1000  # the most epochs; early stopping usually ends sooner
    patience: int = 5  # epochs without a better validation loss before stopping
    n_eval: int = 10_000  # fresh pairs for the accuracy / MSE table

    def checked(self):
        """Return ``self`` if every field is allowed, else raise ``ValueError`` naming it."""
        check_int("n_train", self.n_train, 2)
        check_float("validation_split", self.validation_split, 0.0, 1.0, inclusive_minimum=False)
        if self.validation_split >= 1.0:
            raise ValueError(f"validation_split must be below 1, got {self.validation_split}")
        n_validation = self.n_train - math.floor(self.n_train * (1 - self.validation_split))
        if n_validation < 1 or n_validation >= self.n_train:
            raise ValueError(
                f"validation_split={self.validation_split} leaves no training or no validation pairs "
                f"out of n_train={self.n_train}"
            )
        check_int("batch_size", self.batch_size, 1)
        check_int("epochs", self.epochs, 1)
        check_int("patience", self.patience, 0)
        check_int("n_eval", self.n_eval, 1)
        return self

    @property
    def n_fit(self) -> int:
        """Pairs used for gradient steps (Keras floors the training part)."""
        return math.floor(self.n_train * (1 - self.validation_split))


@dataclass(frozen=True)
class TrainSettings(RunSettings):
    """Every knob of the original experiment, with the original's values as defaults."""

    learning_rate: float = 1e-3  # Adam's default
    use_bias: bool = False
    activation: str = "sigmoid"
    # A new order of the training pairs every epoch, as the original (unseeded Keras) did.
    # Seeded Keras repeats one order every epoch: reshuffle=False imitates that (stacked only).
    reshuffle: bool = True

    def checked(self) -> TrainSettings:
        super().checked()
        check_float("learning_rate", self.learning_rate, 0.0, inclusive_minimum=False)
        check_choice("activation", self.activation, HIDDEN_ACTIVATIONS)
        return self


@dataclass
class GridResult:
    """What ``train_grid`` returns.

    Attributes:
        table: one row per network: ``hidden_units, bits, max_sum, seed, accuracy, mse,
            epochs`` (epochs actually trained; fewer than the maximum means early stopping).
        models: trained Keras models keyed by ``(hidden_units, bits, seed)``, best weights
            restored.
        histories: ``{"loss": [...], "val_loss": [...]}`` per epoch, same keys.
        seconds: wall-clock training time (evaluation excluded).
        method: ``"stacked"`` or ``"keras"``.
        settings: the ``TrainSettings`` used.
    """

    table: pd.DataFrame
    models: dict[tuple[int, int, int], Any]
    histories: dict[tuple[int, int, int], dict[str, list[float]]]
    seconds: float
    method: str
    settings: TrainSettings = field(default_factory=TrainSettings)

    def summary(self) -> pd.DataFrame:
        """Mean and standard deviation of accuracy and MSE over seeds, per network shape."""
        grouped = self.table.groupby(["hidden_units", "max_sum"])
        summary = grouped.agg(
            accuracy_mean=("accuracy", "mean"),
            accuracy_std=("accuracy", "std"),
            accuracy_min=("accuracy", "min"),
            accuracy_max=("accuracy", "max"),
            mse_mean=("mse", "mean"),
            mse_std=("mse", "std"),
            epochs_mean=("epochs", "mean"),
            seeds=("seed", "count"),
        )
        return summary.reset_index()

    @property
    def network_epochs(self) -> int:
        """Epochs trained, added up over every network."""
        return int(self.table["epochs"].sum())


def network_seed(hidden_units: int, bits: int, seed: int) -> list[int]:
    """The numpy seed material for one network's initial weights and shuffling."""
    return [seed, hidden_units, bits]


def train_grid(
    hidden_units: object = (1, 2, 4, 8, 16),
    bits: object = (4, 8, 16),
    seeds: object = (0,),
    method: str = "stacked",
    progress: bool = True,
    **settings: Any,
) -> GridResult:
    """Train one network per ``(hidden_units, bits, seed)`` and score each on fresh pairs.

    Args:
        hidden_units: hidden layer widths.
        bits: sum ranges; sums stay below ``2**bits``.
        seeds: one run of the whole grid per seed. A seed fixes the data, the evaluation
            pairs, every initial weight and every shuffle.
        method: ``"stacked"`` (the book's: all networks in one compiled graph) or
            ``"keras"`` (the original: one ``model.fit`` each).
        progress: show a progress bar (stacked) or Keras' per-network progress (keras).
        **settings: any field of ``TrainSettings`` (``epochs``, ``batch_size``, ``patience``, ...).

    Returns:
        A ``GridResult``.
    """
    hidden_units = check_int_tuple("hidden_units", hidden_units, 1)
    bits = check_int_tuple("bits", bits, 1, MAX_BITS)
    seeds = check_int_tuple("seeds", seeds, 0)
    check_choice("method", method, ("stacked", "keras"))
    if method == "keras" and settings.get("reshuffle") is False:
        raise ValueError(
            "reshuffle=False is for method='stacked'; method='keras' shuffles the Keras way "
            "(with keras.utils.set_random_seed, one order repeated every epoch)"
        )
    unknown = set(settings) - set(TrainSettings.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; allowed: {sorted(TrainSettings.__dataclass_fields__)}")
    config = replace(TrainSettings(), **settings).checked()

    specs = [(h, b, s) for s in seeds for b in bits for h in hidden_units]
    data = {(b, s): make_pairs(config.n_train, b, s) for s in seeds for b in bits}
    start = time.perf_counter()
    if method == "stacked":
        weights, histories = _train_stacked(specs, data, config, progress)
    else:
        weights, histories = _train_keras(specs, data, config, progress)
    seconds = time.perf_counter() - start

    models, rows = {}, []
    for spec in specs:
        h, b, s = spec
        model = build_mlp(
            h,
            use_bias=config.use_bias,
            activation=config.activation,
            name=f"mlp_{h}_{config.activation}_bits{b}_seed{s}",
        )
        model.set_weights(weights[spec])
        models[spec] = model
        metrics = evaluate(model, b, n=config.n_eval, seed=EVAL_SEED + s)
        rows.append(
            {
                "hidden_units": h,
                "bits": b,
                "max_sum": 2**b,
                "seed": s,
                **metrics,
                "epochs": len(histories[spec]["loss"]),
            }
        )
    table = pd.DataFrame(rows, columns=["hidden_units", "bits", "max_sum", "seed", "accuracy", "mse", "epochs"])
    return GridResult(table, models, histories, seconds, method, config)


def glorot_limit(fan_in: int, fan_out: int) -> float:
    """Keras' default initializer (Glorot uniform) draws from ``[-limit, limit]``."""
    return math.sqrt(6.0 / (fan_in + fan_out))


def initial_weights(hidden_units: int, bits: int, seed: int, use_bias: bool = False) -> list[np.ndarray]:
    """One network's starting weights, in Keras' layer order: Glorot uniform kernels, zero biases.

    Both training methods start from these, so ``method="keras"`` and ``method="stacked"``
    differ only in how the epochs are run (and in their shuffling).
    """
    rng = np.random.default_rng(network_seed(hidden_units, bits, seed))
    hidden_kernel = rng.uniform(-1, 1, (2, hidden_units)) * glorot_limit(2, hidden_units)
    output_kernel = rng.uniform(-1, 1, (hidden_units, 1)) * glorot_limit(hidden_units, 1)
    weights = [hidden_kernel, np.zeros(hidden_units), output_kernel, np.zeros(1)]
    if not use_bias:
        weights = [weights[0], weights[2]]
    return [w.astype(np.float32) for w in weights]


def _train_keras(specs, data, config: TrainSettings, progress: bool):
    """The original way: a fresh Keras model and one ``model.fit`` per network.

    Seeded for reproducibility, which has a side effect the unseeded original did not have:
    under ``keras.utils.set_random_seed``, ``fit(shuffle=True)`` on arrays repeats one order
    of the training pairs every epoch (compare ``method="stacked", reshuffle=False``).
    """
    import keras

    weights, histories = {}, {}
    for h, b, s in specs:
        x, y = data[(b, s)]
        # One integer seed per network (it fixes Keras' shuffling).
        keras.utils.set_random_seed(int(np.random.SeedSequence(network_seed(h, b, s)).generate_state(1)[0]))
        model = build_mlp(h, use_bias=config.use_bias, activation=config.activation)
        model.set_weights(initial_weights(h, b, s, config.use_bias))
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate), loss="mse")
        stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=config.patience, restore_best_weights=True)
        history = model.fit(
            x.astype(np.float32),
            y.astype(np.float32),
            batch_size=config.batch_size,
            epochs=config.epochs,
            validation_split=config.validation_split,
            callbacks=[stopper],
            verbose=2 if progress else 0,
        )
        weights[(h, b, s)] = model.get_weights()
        histories[(h, b, s)] = {key: [float(v) for v in history.history[key]] for key in ("loss", "val_loss")}
    return weights, histories


def _train_stacked(specs, data, config: TrainSettings, progress: bool):
    """The book's way: every network trained side by side by ``helpers.stacked``.

    Each network starts from ``initial_weights`` (as the Keras way does) and shuffles with
    its own generator, so its result does not depend on which networks share the graph.
    """
    from helpers.stacked import StackedNetwork, train_stacked

    networks = []
    for h, b, s in specs:
        kernel, hidden_bias, output, output_bias = initial_weights(h, b, s, use_bias=True)
        x, y = data[(b, s)]
        networks.append(
            StackedNetwork(
                kernel=kernel,
                hidden_bias=hidden_bias,
                output=output[:, 0],
                output_bias=float(output_bias[0]),
                x=x,
                y=y,
                rng=np.random.default_rng(network_seed(h, b, s) + [1]),
                reshuffle=config.reshuffle,
                activation=config.activation,
                train_biases=config.use_bias,
                learning_rate=config.learning_rate,
                patience=config.patience,
            )
        )
    result = train_stacked(networks, config.n_fit, config.batch_size, config.epochs, progress)

    weights, histories = {}, {}
    for i, spec in enumerate(specs):
        layers = [
            result.kernels[i],
            result.hidden_biases[i],
            result.outputs[i][:, None],
            np.array([result.output_biases[i]], np.float32),
        ]
        weights[spec] = layers if config.use_bias else [layers[0], layers[2]]
        histories[spec] = {key: result.histories[i][key] for key in ("loss", "val_loss")}
    return weights, histories
