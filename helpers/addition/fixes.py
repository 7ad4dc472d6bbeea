"""Chapter 2, "go beyond": making the networks add, one fix at a time.

The original networks (Chapter 1) feed raw integers into sigmoid units without biases and
ask a linear output to produce sums up to 65535. Every fix below changes one thing and keeps
everything else, so each step's accuracy can be put beside the previous one:

1. ``original``: the blog's network (sigmoid, no bias, raw integers, Adam 1e-3, patience 5).
2. ``scaled``: inputs divided by the largest input and targets by the largest sum, inside
   the model (Keras ``Rescaling`` layers), so the model still takes and returns integers.
3. ``scaled + bias``: hidden and output biases switched on.
4. ``scaled + bias + schedule``: instead of stopping at the first plateau, the learning rate
   is divided on every plateau (``ReduceLROnPlateau``-style) until it is tiny.
5. ``relu``: the same, with ReLU hidden units.
6. ``relu, biases from 1``: hidden biases start at 1 instead of 0, so every unit starts
   switched on over the whole scaled input range.
7. ``linear unit``: for contrast, one linear unit and no hidden layer at all.

Training uses ``helpers.stacked``, like ``helpers.addition.train_grid``: many small networks
side by side in one XLA-compiled graph, one call per epoch, each network with its own data,
initial weights, shuffles, Adam state, learning rate and early stopping.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from helpers.addition.networks import EVAL_SEED, MAX_BITS, RunSettings, evaluate, glorot_limit, make_pairs
from helpers.checks import check_choice, check_float, check_int, check_int_tuple
from helpers.stacked import ACTIVATIONS

# --------------------------------------------------------------------------- recipes


@dataclass(frozen=True)
class Recipe:
    """One network design and the way it is trained.

    Attributes:
        name: label shown in the tables.
        hidden_units: width of the hidden layer (``direct`` networks ignore it).
        activation: hidden activation, one of ``ACTIVATIONS``.
        use_bias: biases in the hidden and output layers.
        scale: divide inputs by ``2**(bits-1)`` and targets by ``2**bits`` inside the model.
        schedule: on a plateau of ``patience`` epochs, divide the learning rate by
            ``1 / lr_factor`` and go on; stop when it falls below ``min_lr``. Without it,
            the first plateau stops training (the original early stopping).
        direct: no hidden layer, a single linear unit (``Dense(1)`` on the inputs).
        learning_rate: Adam's initial learning rate.
        bias_init: the hidden biases' starting value (Keras starts them at 0).
        readout: after Adam, solve the output layer exactly (linear least squares in float64
            on the training pairs' hidden outputs), see ``exact_readout``.
        lr_factor, min_lr, lr_patience: the schedule's knobs (``lr_patience`` epochs without
            a better validation loss trigger a reduction).
    """

    name: str
    hidden_units: int = 16
    activation: str = "sigmoid"
    use_bias: bool = False
    scale: bool = False
    schedule: bool = False
    direct: bool = False
    learning_rate: float = 1e-3
    lr_factor: float = 0.3
    min_lr: float = 1e-6
    lr_patience: int = 5
    readout: bool = False
    bias_init: float = 0.0

    def checked(self) -> Recipe:
        check_int("hidden_units", self.hidden_units, 1)
        check_choice("activation", self.activation, ACTIVATIONS)
        check_float("learning_rate", self.learning_rate, 0.0, inclusive_minimum=False)
        check_float("lr_factor", self.lr_factor, 0.0, 1.0, inclusive_minimum=False)
        check_float("min_lr", self.min_lr, 0.0, inclusive_minimum=False)
        check_int("lr_patience", self.lr_patience, 0)
        check_float("bias_init", self.bias_init)
        return self


#: The learning-rate schedule of the improved recipes: start at 1e-2, halve on every
#: plateau of 10 epochs, stop below 1e-7.
SCHEDULE = {"learning_rate": 1e-2, "lr_factor": 0.5, "lr_patience": 10, "min_lr": 1e-7}


def steps(hidden_units: int = 16) -> list[Recipe]:
    """The chapter's fixes in order, each adding one change to the one before."""
    hidden_units = check_int("hidden_units", hidden_units, 1)
    original = Recipe("original", hidden_units)
    scaled = replace(original, name="scaled", scale=True)
    biased = replace(scaled, name="scaled + bias", use_bias=True)
    scheduled = replace(biased, name="scaled + bias + schedule", schedule=True, **SCHEDULE)
    relu = replace(scheduled, name="relu", activation="relu")
    # Biases start at 1 so that every ReLU unit starts switched on over the whole (scaled)
    # input range: a straight line to begin with, and no kink near (0, 0) to fight.
    relu_on = replace(relu, name="relu, biases from 1", bias_init=1.0)
    linear = Recipe(
        "linear unit", 1, activation="linear", use_bias=True, scale=True, schedule=True, direct=True, **SCHEDULE
    )
    return [original, scaled, biased, scheduled, relu, relu_on, linear]


STEP_NAMES = tuple(recipe.name for recipe in steps())


def best_recipe(activation: str = "relu", hidden_units: int | None = None) -> Recipe:
    """The chapter's best recipe for a hidden layer of ``activation`` units.

    ReLU: 16 units, scaled, biases (starting at 1), the schedule. Sigmoid and tanh: the same plus the exact
    readout, with 64 units by default (16 are not enough at 65536 in float32, see the
    chapter).
    """
    check_choice("activation", activation, ("relu", "sigmoid", "tanh"))
    if hidden_units is None:
        hidden_units = 16 if activation == "relu" else 64
    return Recipe(
        f"best {activation}",
        hidden_units,
        activation=activation,
        use_bias=True,
        scale=True,
        schedule=True,
        readout=activation != "relu",
        bias_init=1.0 if activation == "relu" else 0.0,
        **SCHEDULE,
    )


# --------------------------------------------------------------------------- models


def build_model(recipe: Recipe, bits: int, name: str | None = None) -> Any:
    """A Keras model for ``recipe`` that takes raw integer pairs and returns raw sums.

    Scaling happens inside the model (``Rescaling`` layers), so ``helpers.addition.evaluate``
    scores it exactly like an original network, and it saves and loads as ``.keras``.
    """
    import keras

    recipe = recipe.checked()
    bits = check_int("bits", bits, 1, MAX_BITS)
    layers = [keras.Input(shape=(2,), name="numbers")]
    if recipe.scale:
        layers.append(keras.layers.Rescaling(1.0 / 2 ** (bits - 1), name="scale_in"))
    if not recipe.direct:
        layers.append(
            keras.layers.Dense(
                recipe.hidden_units, activation=recipe.activation, use_bias=recipe.use_bias, name="hidden"
            )
        )
    layers.append(keras.layers.Dense(1, activation="linear", use_bias=recipe.use_bias, name="sum"))
    if recipe.scale:
        layers.append(keras.layers.Rescaling(float(2**bits), name="scale_out"))
    label = name or f"{recipe.name.replace(' + ', '_').replace(' ', '_')}_bits{bits}"
    return keras.Sequential(layers, name=label)


def _scales(recipe: Recipe, bits: int) -> tuple[float, float]:
    return (float(2 ** (bits - 1)), float(2**bits)) if recipe.scale else (1.0, 1.0)


# --------------------------------------------------------------------------- training

#: What every network of one stack shares: chapter 1's ``RunSettings`` (the original's values).
StackSettings = RunSettings


@dataclass
class StackResult:
    """What ``train_recipes`` returns.

    Attributes:
        table: one row per network: ``step, hidden_units, activation, bits, max_sum, seed,
            accuracy, mse, epochs, final_lr``.
        models: Keras models keyed by ``(step name, bits, seed)``.
        histories: ``{"loss", "val_loss", "lr"}`` per epoch, same keys (losses in the
            network's own, possibly scaled, units).
        seconds: training wall time.
    """

    table: pd.DataFrame
    models: dict[tuple[str, int, int], Any]
    histories: dict[tuple[str, int, int], dict[str, list[float]]]
    seconds: float
    settings: StackSettings = field(default_factory=StackSettings)

    def accuracy_table(self) -> pd.DataFrame:
        """Mean accuracy per step (rows, in training order) and maximum sum (columns)."""
        order = list(dict.fromkeys(self.table["step"]))
        pivot = self.table.pivot_table(index="step", columns="max_sum", values="accuracy", aggfunc="mean")
        return pivot.loc[order]


def _seed_material(recipe: Recipe, bits: int, seed: int) -> list[int]:
    """Seed material for one network's initial weights and shuffles.

    It depends on the recipe's design (every field except its name and the readout, which
    does not change training), so the same design trained under another name, e.g. by
    ``train_best``, starts from the same weights and gives the same network.
    """
    fields = {key: value for key, value in asdict(recipe).items() if key not in ("name", "readout")}
    design = zlib.crc32(repr(sorted(fields.items())).encode())
    return [seed, bits, recipe.hidden_units, design]


def train_recipes(
    recipes: list[Recipe], bits: object = (4, 8, 16), seeds: object = (0,), progress: bool = False, **settings: Any
) -> StackResult:
    """Train one network per ``(recipe, bits, seed)``, all at once, and score each.

    Each network trains on ``helpers.addition.make_pairs(n_train, bits, seed)`` (the same
    pairs as the Chapter 1 network of that seed) and is scored by
    ``helpers.addition.evaluate`` on the fresh pairs of seed ``EVAL_SEED + seed``.
    """
    if not recipes:
        raise ValueError("recipes must hold at least one Recipe")
    for recipe in recipes:
        if not isinstance(recipe, Recipe):
            raise ValueError(f"recipes must hold Recipe objects, got {recipe!r}")
        recipe.checked()
    names = [recipe.name for recipe in recipes]
    if len(set(names)) != len(names):
        raise ValueError(f"recipes must have distinct names, got {names}")
    bits = check_int_tuple("bits", bits, 1, MAX_BITS)
    seeds = check_int_tuple("seeds", seeds, 0)
    unknown = set(settings) - set(StackSettings.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; allowed: {sorted(StackSettings.__dataclass_fields__)}")
    config = replace(StackSettings(), **settings).checked()

    specs = [(r, b, s) for s in seeds for b in bits for r in recipes]
    start = time.perf_counter()
    weights, histories = _train_stack(specs, config, progress)
    seconds = time.perf_counter() - start

    models, rows, hist = {}, [], {}
    for (recipe, b, s), w, h in zip(specs, weights, histories):
        model = build_model(recipe, b)
        model.set_weights(w)
        if recipe.readout:
            x, y = make_pairs(config.n_train, b, s)
            exact_readout(model, x[: config.n_fit], y[: config.n_fit])
        key = (recipe.name, b, s)
        models[key], hist[key] = model, h
        metrics = evaluate(model, b, n=config.n_eval, seed=EVAL_SEED + s)
        rows.append(
            {
                "step": recipe.name,
                "hidden_units": 0 if recipe.direct else recipe.hidden_units,
                "activation": recipe.activation,
                "bits": b,
                "max_sum": 2**b,
                "seed": s,
                **metrics,
                "epochs": len(h["loss"]),
                "final_lr": h["lr"][-1],
            }
        )
    table = pd.DataFrame(rows)
    return StackResult(table, models, hist, seconds, config)


def _train_stack(specs, config: StackSettings, progress: bool):
    """Every network of ``specs`` trained side by side by ``helpers.stacked``.

    Returns Keras-layout weights and histories (``loss``, ``val_loss``, ``lr``) per network.
    A network's generator first draws its initial weights (Keras' Glorot uniform for each
    layer's true shape; biases start at ``bias_init``), then its shuffles.
    """
    from helpers.stacked import StackedNetwork, train_stacked

    networks = []
    for recipe, b, s in specs:
        rng = np.random.default_rng(_seed_material(recipe, b, s))
        units = 1 if recipe.direct else recipe.hidden_units
        kernel = rng.uniform(-1, 1, (2, units)) * glorot_limit(2, units)
        # A direct network's single unit is the output itself: weight 1, no output bias.
        output = np.ones(1) if recipe.direct else rng.uniform(-1, 1, units) * glorot_limit(units, 1)
        x, y = make_pairs(config.n_train, b, s)
        x_scale, y_scale = _scales(recipe, b)
        networks.append(
            StackedNetwork(
                kernel=kernel,
                hidden_bias=np.full(units, recipe.bias_init if recipe.use_bias else 0.0),
                output=output,
                output_bias=0.0,
                x=x / x_scale,
                y=y / y_scale,
                rng=rng,
                activation="linear" if recipe.direct else recipe.activation,
                train_biases=recipe.use_bias,
                direct=recipe.direct,
                learning_rate=recipe.learning_rate,
                patience=recipe.lr_patience if recipe.schedule else config.patience,
                schedule=recipe.schedule,
                lr_factor=recipe.lr_factor,
                min_lr=recipe.min_lr,
            )
        )
    result = train_stacked(networks, config.n_fit, config.batch_size, config.epochs, progress)

    weights = []
    for i, (recipe, _, _) in enumerate(specs):
        layers = [result.kernels[i]] + ([result.hidden_biases[i]] if recipe.use_bias else [])
        if not recipe.direct:
            layers.append(result.outputs[i][:, None])
            if recipe.use_bias:
                layers.append(np.array([result.output_biases[i]], np.float32))
        weights.append(layers)
    return weights, result.histories


# --------------------------------------------------------------------------- float64 view


def _layers(model: Any) -> dict[str, Any]:
    return {layer.name: layer for layer in model.layers}


def hidden_outputs64(model: Any, x: object) -> np.ndarray:
    """The hidden layer's outputs for pairs ``x``, computed in float64 with numpy.

    Works for ``build_model`` models and for the original ``helpers.addition.build_mlp``.
    """
    from helpers.addition.networks import check_pairs

    x = check_pairs(x).astype(np.float64)
    layers = _layers(model)
    if "scale_in" in layers:
        x = x * float(layers["scale_in"].scale)
    hidden = layers["hidden"]
    weights = [np.asarray(w, np.float64) for w in hidden.get_weights()]
    z = x @ weights[0] + (weights[1] if len(weights) > 1 else 0.0)
    name = hidden.get_config()["activation"]
    functions = {
        "sigmoid": lambda t: 0.5 * (1.0 + np.tanh(0.5 * t)),
        "relu": lambda t: np.maximum(t, 0.0),
        "tanh": np.tanh,
        "linear": lambda t: t,
    }
    return functions[name](z)


def predict64(model: Any, x: object) -> np.ndarray:
    """The model's sums for ``x`` with its float32 weights but float64 arithmetic."""
    layers = _layers(model)
    if "hidden" not in layers:  # a single linear unit
        from helpers.addition.networks import check_pairs

        features = check_pairs(x).astype(np.float64)
        if "scale_in" in layers:
            features = features * float(layers["scale_in"].scale)
    else:
        features = hidden_outputs64(model, x)
    weights = [np.asarray(w, np.float64) for w in layers["sum"].get_weights()]
    out = features @ weights[0][:, 0] + (weights[1][0] if len(weights) > 1 else 0.0)
    if "scale_out" in layers:
        out = out * float(layers["scale_out"].scale)
    return out


def exact_readout(model: Any, x: object, y: object) -> dict[str, float]:
    """Replace the output layer's weights by the exact least-squares fit, in place.

    The output layer is linear in the hidden outputs, so its best weights for fixed hidden
    weights solve a linear least-squares problem. Adam approaches that solution only
    slowly when the hidden outputs are nearly collinear (a badly conditioned problem, as
    near-linear sigmoids are); ``numpy.linalg.lstsq`` in float64 solves it at once.

    Returns the condition number of the problem and the largest output weight.
    """
    layers = _layers(model)
    features = hidden_outputs64(model, x)
    target = np.asarray(y, np.float64).reshape(-1)
    if "scale_out" in layers:
        target = target / float(layers["scale_out"].scale)
    use_bias = len(layers["sum"].get_weights()) > 1
    design = np.hstack([features, np.ones((len(features), 1))]) if use_bias else features
    solution, *_ = np.linalg.lstsq(design, target, rcond=None)
    new = [solution[: features.shape[1], None].astype(np.float32)]
    if use_bias:
        new.append(solution[-1:].astype(np.float32))
    layers["sum"].set_weights(new)
    return {"condition": float(np.linalg.cond(design)), "max_weight": float(np.abs(solution).max())}


# --------------------------------------------------------------------------- public entry


def train_best(bits: int, seed: int = 0, activation: str = "relu", **settings: Any) -> Any:
    """Train the chapter's best network with a hidden layer of ``activation`` units.

    Returns a Keras model that takes raw integer pairs ``(n, 2)`` and returns sums
    ``(n, 1)``; ``helpers.addition.evaluate(model, bits)`` scores it.
    """
    bits = check_int("bits", bits, 1, MAX_BITS)
    seed = check_int("seed", seed, 0)
    recipe = best_recipe(activation)
    result = train_recipes([recipe], bits=bits, seeds=seed, **settings)
    return result.models[(recipe.name, bits, seed)]


# --------------------------------------------------------------------------- pushing sigmoid


def sigmoid_push(bits: int = 16, seeds: object = (0,), widths: object = (16, 64), **settings: Any) -> dict[str, Any]:
    """How far sigmoid hidden units go at ``2**bits``, and what stops them.

    For each width: the scaled, biased, scheduled sigmoid network trained by Adam; the same
    network with its output layer solved exactly (``exact_readout``), evaluated by Keras in
    float32 and, with the same float32 weights, in float64 arithmetic (``predict64``).

    Returns ``table`` (one row per width, seed and stage: accuracy, MSE, worst error) and
    ``diagnostics`` (per width and seed: the readout's condition number, its largest
    output weight, and the float32 rounding noise, i.e. the spread of
    float32 - float64 predictions).
    """
    from helpers.addition.networks import predict_sums

    bits = check_int("bits", bits, 1, MAX_BITS)
    seeds = check_int_tuple("seeds", seeds, 0)
    widths = check_int_tuple("widths", widths, 1)
    settings.setdefault("n_eval", 10_000)
    recipes = [replace(best_recipe("sigmoid", width), name=f"sigmoid {width}", readout=False) for width in widths]
    result = train_recipes(recipes, bits=bits, seeds=seeds, **settings)
    rows, diagnostics = [], []
    for recipe in recipes:
        for seed in seeds:
            model = result.models[(recipe.name, bits, seed)]
            x_eval, y_eval = make_pairs(result.settings.n_eval, bits, EVAL_SEED + seed)

            rows.append(_push_row(recipe, seed, "Adam", predict_sums(model, x_eval), y_eval))
            x_fit, y_fit = make_pairs(result.settings.n_train, bits, seed)
            info = exact_readout(model, x_fit[: result.settings.n_fit], y_fit[: result.settings.n_fit])
            in32, in64 = predict_sums(model, x_eval), predict64(model, x_eval)
            rows.append(_push_row(recipe, seed, "exact readout, float32", in32, y_eval))
            rows.append(_push_row(recipe, seed, "exact readout, float64 arithmetic", in64, y_eval))
            diagnostics.append(
                {
                    "hidden_units": recipe.hidden_units,
                    "seed": seed,
                    **info,
                    "float32_noise": float(np.std(in32 - in64)),
                    "float32_worst": float(np.max(np.abs(in32 - in64))),
                }
            )
    return {
        "table": pd.DataFrame(rows),
        "diagnostics": pd.DataFrame(diagnostics),
        "models": result.models,
        "seconds": result.seconds,
    }


def _push_row(recipe: Recipe, seed: int, stage: str, predictions: np.ndarray, sums: np.ndarray) -> dict[str, Any]:
    """One row of ``sigmoid_push``'s table: how well one stage of one network adds."""
    error = np.abs(predictions - sums)
    return {
        "hidden_units": recipe.hidden_units,
        "seed": seed,
        "stage": stage,
        "accuracy": float(np.mean(np.rint(predictions) == sums)),
        "mse": float(np.mean(error**2)),
        "worst_error": float(error.max()),
    }


def single_unit_precision(bits: int = 16, weights: object = None, points: int = 4097) -> pd.DataFrame:
    """Can one sigmoid unit draw the straight line ``a + b`` precisely enough?

    The unit sees the scaled sum ``t`` in ``[0, 1]`` as ``S(w (t - 1/2))`` and the output
    ``alpha + beta S(...)`` is fitted to ``t`` by least squares. Two errors compete, both
    reported in sums (``t`` times ``2**bits``):

    * ``bend``: the sigmoid is not straight; in exact arithmetic the best line misses by
      about ``w**2 / 48`` of the range, which shrinks as ``w`` shrinks;
    * ``float32``: the same unit computed in float32: ``S`` near 1/2 is only known to about
      ``6e-8``, and ``beta ~ 4 / w`` amplifies that as ``w`` shrinks.

    Returns one row per ``w`` with both worst errors and the total in float32.
    """
    import tensorflow as tf

    bits = check_int("bits", bits, 1, MAX_BITS)
    points = check_int("points", points, 3)
    w = np.logspace(-4, 1, 51) if weights is None else np.asarray(weights, np.float64).reshape(-1)
    t = np.linspace(0.0, 1.0, points)
    scale = 2.0**bits
    rows = []
    for wk in w:
        z = wk * (t - 0.5)
        s64 = 0.5 * (1 + np.tanh(z / 2))
        design = np.stack([np.ones_like(s64), s64], axis=1)
        (alpha, beta), *_ = np.linalg.lstsq(design, t, rcond=None)
        bend = np.abs(alpha + beta * s64 - t).max() * scale
        s32 = tf.sigmoid(tf.constant(np.float32(wk) * (t.astype(np.float32) - np.float32(0.5)))).numpy()
        out32 = (np.float32(alpha) + np.float32(beta) * s32).astype(np.float32) * np.float32(scale)
        total32 = np.abs(out32.astype(np.float64) - t * scale).max()
        rows.append({"w": float(wk), "beta": float(beta), "bend": float(bend), "float32_total": float(total32)})
    return pd.DataFrame(rows)
