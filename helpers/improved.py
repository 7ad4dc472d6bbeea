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

Training uses the same trick as ``helpers.addition.train_grid``: many small networks side
by side in one XLA-compiled graph, one call per epoch, each network with its own data,
initial weights, shuffles, Adam state, learning rate and early stopping.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from helpers.addition import EVAL_SEED, MAX_BITS, evaluate, make_pairs
from helpers.checks import check_choice, check_float, check_int, check_int_tuple

ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear")


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

    def checked(self) -> "Recipe":
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
    linear = Recipe("linear unit", 1, activation="linear", use_bias=True, scale=True, schedule=True, direct=True,
                    **SCHEDULE)
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
    return Recipe(f"best {activation}", hidden_units, activation=activation, use_bias=True, scale=True,
                  schedule=True, readout=activation != "relu", bias_init=1.0 if activation == "relu" else 0.0,
                  **SCHEDULE)


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
        layers.append(keras.layers.Dense(recipe.hidden_units, activation=recipe.activation,
                                         use_bias=recipe.use_bias, name="hidden"))
    layers.append(keras.layers.Dense(1, activation="linear", use_bias=recipe.use_bias, name="sum"))
    if recipe.scale:
        layers.append(keras.layers.Rescaling(float(2 ** bits), name="scale_out"))
    label = name or f"{recipe.name.replace(' + ', '_').replace(' ', '_')}_bits{bits}"
    return keras.Sequential(layers, name=label)


def _scales(recipe: Recipe, bits: int) -> tuple[float, float]:
    return (float(2 ** (bits - 1)), float(2 ** bits)) if recipe.scale else (1.0, 1.0)


# --------------------------------------------------------------------------- training

@dataclass(frozen=True)
class StackSettings:
    """What every network of one stack shares (the original's values as defaults)."""

    n_train: int = 10_000
    validation_split: float = 0.2
    batch_size: int = 32
    epochs: int = 1000
    patience: int = 5
    n_eval: int = 10_000

    def checked(self) -> "StackSettings":
        check_int("n_train", self.n_train, 10)
        check_float("validation_split", self.validation_split, 0.0, 0.9, inclusive_minimum=False)
        check_int("batch_size", self.batch_size, 1)
        check_int("epochs", self.epochs, 1)
        check_int("patience", self.patience, 0)
        check_int("n_eval", self.n_eval, 1)
        return self

    @property
    def n_fit(self) -> int:
        return math.floor(self.n_train * (1 - self.validation_split))


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


def train_recipes(recipes: list[Recipe], bits: object = (4, 8, 16), seeds: object = (0,),
                  progress: bool = False, **settings: Any) -> StackResult:
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
            exact_readout(model, x[:config.n_fit], y[:config.n_fit])
        key = (recipe.name, b, s)
        models[key], hist[key] = model, h
        metrics = evaluate(model, b, n=config.n_eval, seed=EVAL_SEED + s)
        rows.append({"step": recipe.name, "hidden_units": 0 if recipe.direct else recipe.hidden_units,
                     "activation": recipe.activation, "bits": b, "max_sum": 2 ** b, "seed": s, **metrics,
                     "epochs": len(h["loss"]), "final_lr": h["lr"][-1]})
    table = pd.DataFrame(rows)
    return StackResult(table, models, hist, seconds, config)


def _train_stack(specs, config: StackSettings, progress: bool):
    """Adam on every network of ``specs`` side by side; returns Keras weights and histories.

    Shapes: ``M`` networks, ``H`` the widest hidden layer. Unused units, biases and (for
    ``direct`` networks) output weights are masked: their gradient is zero, so Adam leaves
    them exactly where they started.
    """
    import tensorflow as tf
    from tqdm.auto import tqdm

    count = len(specs)
    widest = max(1 if r.direct else r.hidden_units for r, _, _ in specs)
    n_fit, batch = config.n_fit, config.batch_size
    full_steps, last_batch = divmod(n_fit, batch)

    xs, ys = [], []
    for recipe, b, s in specs:
        x, y = make_pairs(config.n_train, b, s)
        x_scale, y_scale = _scales(recipe, b)
        xs.append(x / x_scale)
        ys.append(y / y_scale)
    x_all, y_all = np.stack(xs).astype(np.float32), np.stack(ys).astype(np.float32)
    x_fit, y_fit = tf.constant(x_all[:, :n_fit]), tf.constant(y_all[:, :n_fit])
    x_val, y_val = tf.constant(x_all[:, n_fit:]), tf.constant(y_all[:, n_fit:])

    rngs = [np.random.default_rng(_seed_material(r, b, s)) for r, b, s in specs]
    unit_mask = np.zeros((count, widest), np.float32)
    bias_mask = np.zeros((count, 1), np.float32)
    out_train = np.ones((count, 1), np.float32)
    act_code = np.zeros((count, 1, 1), np.int32)
    w1 = np.zeros((count, 2, widest), np.float32)
    v = np.zeros((count, widest), np.float32)
    for i, ((recipe, _, _), rng) in enumerate(zip(specs, rngs)):
        units = 1 if recipe.direct else recipe.hidden_units
        unit_mask[i, :units] = 1.0
        bias_mask[i] = float(recipe.use_bias)
        # Keras' Glorot uniform for each layer's true shape; biases start at zero.
        w1[i, :, :units] = rng.uniform(-1, 1, (2, units)) * math.sqrt(6.0 / (2 + (1 if recipe.direct else units)))
        if recipe.direct:
            v[i, 0], out_train[i] = 1.0, 0.0   # the "hidden" unit is the output itself
            act_code[i] = ACTIVATIONS.index("linear")
        else:
            v[i, :units] = rng.uniform(-1, 1, units) * math.sqrt(6.0 / (units + 1))
            act_code[i] = ACTIVATIONS.index(recipe.activation)
    masks = [tf.constant(unit_mask[:, None, :]), tf.constant(unit_mask * bias_mask),
             tf.constant(unit_mask * out_train), tf.constant(bias_mask[:, 0] * out_train[:, 0])]
    unit_mask_t = tf.constant(unit_mask)
    act_t = tf.constant(act_code)

    def forward(params, x):
        z = tf.einsum("mbi,mih->mbh", x, params[0]) + params[1][:, None, :]
        h = tf.where(act_t == 0, tf.sigmoid(z),
                     tf.where(act_t == 1, tf.nn.relu(z), tf.where(act_t == 2, tf.tanh(z), z)))
        return tf.einsum("mbh,mh->mb", h * unit_mask_t[:, None, :], params[2]) + params[3][:, None]

    beta_1, beta_2, epsilon = 0.9, 0.999, 1e-7  # Keras' Adam defaults

    def train_step(state, indices, lr):
        params, moments, velocities, step = state
        x = tf.gather(x_fit, indices, batch_dims=1)
        y = tf.gather(y_fit, indices, batch_dims=1)
        with tf.GradientTape() as tape:
            tape.watch(params)
            per_network = tf.reduce_mean(tf.square(forward(params, x) - y), axis=1)
            total = tf.reduce_sum(per_network)
        grads = [g * m for g, m in zip(tape.gradient(total, params), masks)]
        step = step + 1.0
        alpha = lr * tf.sqrt(1 - beta_2 ** step) / (1 - beta_1 ** step)  # (M,)
        moments = [m + (g - m) * (1 - beta_1) for m, g in zip(moments, grads)]
        velocities = [vel + (tf.square(g) - vel) * (1 - beta_2) for vel, g in zip(velocities, grads)]
        new_params = []
        for p, m, vel in zip(params, moments, velocities):
            a = tf.reshape(alpha, [-1] + [1] * (len(p.shape) - 1))
            new_params.append(p - a * m / (tf.sqrt(vel) + epsilon))
        return (new_params, moments, velocities, step), per_network

    # autograph=False: the loop is an explicit tf.while_loop, nothing needs converting (and
    # AutoGraph warns about closures when a new stack redefines this function).
    @tf.function(jit_compile=True, reduce_retracing=True, autograph=False)
    def run_epoch(state, order, lr):
        def body(k, state, loss_sum):
            indices = tf.slice(order, [0, k * batch], [count, batch])
            state, per_network = train_step(state, indices, lr)
            return k + 1, state, loss_sum + per_network * batch

        _, state, loss_sum = tf.while_loop(lambda k, *_: k < full_steps, body,
                                           (tf.constant(0), state, tf.zeros(count)))
        if last_batch:
            state, per_network = train_step(state, order[:, full_steps * batch:], lr)
            loss_sum += per_network * last_batch
        val_loss = tf.reduce_mean(tf.square(forward(state[0], x_val) - y_val), axis=1)
        return state, loss_sum / n_fit, val_loss

    b1 = np.array([[r.bias_init if r.use_bias else 0.0] for r, _, _ in specs], np.float32) * unit_mask
    params0 = [w1, b1, v, np.zeros((count,), np.float32)]
    params = [tf.constant(p) for p in params0]
    zeros = [tf.zeros_like(p) for p in params]
    state = (params, zeros, list(zeros), tf.constant(0.0))

    lr = np.array([r.learning_rate for r, _, _ in specs], np.float32)
    min_lr = np.array([r.min_lr for r, _, _ in specs])
    factor = np.array([r.lr_factor for r, _, _ in specs])
    scheduled = np.array([r.schedule for r, _, _ in specs])
    patience = np.array([r.lr_patience if r.schedule else config.patience for r, _, _ in specs])
    best_val = np.full(count, np.inf)
    best_params = [p.copy() for p in params0]
    wait = np.zeros(count, np.int64)
    active = np.ones(count, bool)
    histories = [{"loss": [], "val_loss": [], "lr": []} for _ in specs]
    base_order = np.arange(n_fit)

    bar = tqdm(total=config.epochs, desc="training", unit="epoch", disable=not progress, mininterval=1.0)
    for epoch in range(config.epochs):
        order = np.stack([rng.permutation(base_order) if on else base_order for rng, on in zip(rngs, active)])
        # A stopped network gets learning rate 0: its parameters no longer move.
        state, loss, val_loss = run_epoch(state, tf.constant(order, tf.int32),
                                          tf.constant(np.where(active, lr, 0.0).astype(np.float32)))
        loss, val_loss = loss.numpy(), val_loss.numpy()
        current = None
        for i in np.flatnonzero(active):
            histories[i]["loss"].append(float(loss[i]))
            histories[i]["val_loss"].append(float(val_loss[i]))
            histories[i]["lr"].append(float(lr[i]))
            wait[i] += 1
            if val_loss[i] < best_val[i] or epoch == 0:
                best_val[i], wait[i] = val_loss[i], 0
                if current is None:
                    current = [p.numpy() for p in state[0]]
                for best, now in zip(best_params, current):
                    best[i] = now[i]
            elif wait[i] >= patience[i]:
                if scheduled[i] and lr[i] * factor[i] >= min_lr[i]:
                    lr[i] *= factor[i]
                    wait[i] = 0
                else:
                    active[i] = False
        bar.update(1)
        if not active.any():
            break
    bar.close()

    weights = []
    for i, (recipe, _, _) in enumerate(specs):
        units = 1 if recipe.direct else recipe.hidden_units
        if recipe.direct:
            w = [best_params[0][i, :, :1]]
            if recipe.use_bias:
                w.append(best_params[1][i, :1])
        else:
            w = [best_params[0][i, :, :units]]
            if recipe.use_bias:
                w.append(best_params[1][i, :units])
            w.append(best_params[2][i, :units, None])
            if recipe.use_bias:
                w.append(best_params[3][i:i + 1])
        weights.append(w)
    return weights, histories


# --------------------------------------------------------------------------- float64 view

def _layers(model: Any) -> dict[str, Any]:
    return {layer.name: layer for layer in model.layers}


def hidden_outputs64(model: Any, x: object) -> np.ndarray:
    """The hidden layer's outputs for pairs ``x``, computed in float64 with numpy.

    Works for ``build_model`` models and for the original ``helpers.addition.build_mlp``.
    """
    from helpers.addition import check_pairs

    x = check_pairs(x).astype(np.float64)
    layers = _layers(model)
    if "scale_in" in layers:
        x = x * float(layers["scale_in"].scale)
    hidden = layers["hidden"]
    weights = [np.asarray(w, np.float64) for w in hidden.get_weights()]
    z = x @ weights[0] + (weights[1] if len(weights) > 1 else 0.0)
    name = hidden.get_config()["activation"]
    functions = {"sigmoid": lambda t: 0.5 * (1.0 + np.tanh(0.5 * t)), "relu": lambda t: np.maximum(t, 0.0),
                 "tanh": np.tanh, "linear": lambda t: t}
    return functions[name](z)


def predict64(model: Any, x: object) -> np.ndarray:
    """The model's sums for ``x`` with its float32 weights but float64 arithmetic."""
    layers = _layers(model)
    if "hidden" not in layers:  # a single linear unit
        from helpers.addition import check_pairs

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
    new = [solution[:features.shape[1], None].astype(np.float32)]
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
    from helpers.addition import predict_sums

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

            def row(stage: str, predictions: np.ndarray) -> dict[str, Any]:
                error = np.abs(predictions - y_eval)
                return {"hidden_units": recipe.hidden_units, "seed": seed, "stage": stage,
                        "accuracy": float(np.mean(np.rint(predictions) == y_eval)),
                        "mse": float(np.mean(error ** 2)), "worst_error": float(error.max())}

            rows.append(row("Adam", predict_sums(model, x_eval)))
            x_fit, y_fit = make_pairs(result.settings.n_train, bits, seed)
            info = exact_readout(model, x_fit[:result.settings.n_fit], y_fit[:result.settings.n_fit])
            in32, in64 = predict_sums(model, x_eval), predict64(model, x_eval)
            rows.append(row("exact readout, float32", in32))
            rows.append(row("exact readout, float64 arithmetic", in64))
            diagnostics.append({"hidden_units": recipe.hidden_units, "seed": seed, **info,
                                "float32_noise": float(np.std(in32 - in64)),
                                "float32_worst": float(np.max(np.abs(in32 - in64)))})
    return {"table": pd.DataFrame(rows), "diagnostics": pd.DataFrame(diagnostics), "models": result.models,
            "seconds": result.seconds}


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
    scale = 2.0 ** bits
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
