"""Train many tiny networks at once, in one compiled TensorFlow graph.

The 2 + 2 networks (chapters 1 and 2) have a few dozen weights each. Trained one by one
with ``model.fit``, almost all of their time goes to per-batch bookkeeping, not arithmetic.
Here every network of a study is stacked along a leading axis and a whole epoch of all of
them is one XLA-compiled call. Each network still has:

* its own training pairs (the last part validating), initial weights and shuffles;
* its own Adam state (Keras' Adam, with Keras' defaults), learning rate and, optionally, a
  learning-rate schedule;
* its own early stopping, with Keras' ``EarlyStopping(restore_best_weights=True)`` rules.

Networks are padded to the widest hidden layer; the padding's outputs are multiplied by
zero, so it receives zero gradients and Adam leaves it exactly where it started.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear")
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # Keras' Adam defaults


@dataclass
class StackedNetwork:
    """One network of a stack: ``Input(2) -> Dense(units, activation) -> Dense(1)``.

    Attributes:
        kernel, hidden_bias, output, output_bias: starting weights, shapes ``(2, units)``,
            ``(units,)``, ``(units,)`` and scalar.
        x, y: training pairs ``(n, 2)`` and targets ``(n,)``, already scaled as the network
            sees them; the last ``n - n_fit`` validate.
        rng: the generator of this network's shuffles.
        reshuffle: a new order of the training pairs every epoch (Keras' ``shuffle=True``
            without a seed). ``False`` draws one order and repeats it every epoch, which is
            what seeded Keras does (``keras.utils.set_random_seed``; see chapter 1).
        activation: hidden activation, one of ``ACTIVATIONS``.
        train_biases: whether the biases learn (otherwise they stay at their start).
        direct: no hidden layer: the single "hidden" unit is the output (linear, its output
            weight fixed at 1 and output bias at 0).
        learning_rate: Adam's initial learning rate.
        patience: epochs without a better validation loss before stopping (or, with a
            schedule, before lowering the learning rate).
        schedule: on a plateau, multiply the learning rate by ``lr_factor`` and go on, until
            it would fall below ``min_lr``; then stop.
    """

    kernel: np.ndarray
    hidden_bias: np.ndarray
    output: np.ndarray
    output_bias: float
    x: np.ndarray
    y: np.ndarray
    rng: np.random.Generator
    reshuffle: bool = True
    activation: str = "sigmoid"
    train_biases: bool = False
    direct: bool = False
    learning_rate: float = 1e-3
    patience: int = 5
    schedule: bool = False
    lr_factor: float = 0.5
    min_lr: float = 1e-6

    @property
    def units(self) -> int:
        return self.kernel.shape[1]


@dataclass
class StackedResult:
    """Per network (in input order): best weights and the per-epoch history."""

    kernels: list[np.ndarray] = field(default_factory=list)
    hidden_biases: list[np.ndarray] = field(default_factory=list)
    outputs: list[np.ndarray] = field(default_factory=list)
    output_biases: list[float] = field(default_factory=list)
    histories: list[dict[str, list[float]]] = field(default_factory=list)


class EarlyStopping:
    """Keras' ``EarlyStopping(monitor="val_loss", restore_best_weights=True)`` for many networks.

    Each epoch counts towards the patience; a strictly lower validation loss resets the
    count; after ``patience`` epochs in a row without one, a network stops, or, if it has a
    schedule and room left, lowers its learning rate and waits again. The first epoch
    always counts as the best so far.
    """

    def __init__(
        self,
        patience: np.ndarray,
        learning_rate: np.ndarray | None = None,
        schedule: np.ndarray | None = None,
        lr_factor: np.ndarray | None = None,
        min_lr: np.ndarray | None = None,
    ):
        self.patience = np.asarray(patience)
        count = len(self.patience)
        self.learning_rate = np.asarray(
            learning_rate if learning_rate is not None else np.full(count, 1e-3), np.float32
        ).copy()
        self.schedule = np.zeros(count, bool) if schedule is None else np.asarray(schedule, bool)
        self.lr_factor = np.full(count, 0.5) if lr_factor is None else np.asarray(lr_factor)
        self.min_lr = np.zeros(count) if min_lr is None else np.asarray(min_lr)
        self.best = np.full(count, np.inf)
        self.wait = np.zeros(count, np.int64)
        self.active = np.ones(count, bool)
        self.epoch = 0

    def update(self, val_loss: np.ndarray) -> np.ndarray:
        """Record one epoch of the active networks; returns the mask of those that improved."""
        improved = np.zeros_like(self.active)
        for i in np.flatnonzero(self.active):
            self.wait[i] += 1
            if val_loss[i] < self.best[i] or self.epoch == 0:
                self.best[i], self.wait[i], improved[i] = val_loss[i], 0, True
            elif self.wait[i] >= self.patience[i]:
                if self.schedule[i] and self.learning_rate[i] * self.lr_factor[i] >= self.min_lr[i]:
                    self.learning_rate[i] *= self.lr_factor[i]
                    self.wait[i] = 0
                else:
                    self.active[i] = False
        self.epoch += 1
        return improved


def train_stacked(
    networks: list[StackedNetwork], n_fit: int, batch_size: int, epochs: int, progress: bool = True
) -> StackedResult:
    """Train every network side by side with Adam and early stopping; see the module docstring.

    With ``progress``, a few lines in one ``helpers.display.ProgressBlock`` say how far it got.
    """
    import tensorflow as tf

    from helpers.display import ProgressBlock

    count = len(networks)
    stack = _Stack(networks, n_fit)
    run_epoch = _epoch_function(tf, stack, [net.activation for net in networks], n_fit, batch_size)
    params = [tf.constant(p) for p in stack.params0]
    zeros = [tf.zeros_like(p) for p in params]
    state = (params, zeros, list(zeros), tf.constant(0.0))
    stopper = EarlyStopping(
        [net.patience for net in networks],
        [net.learning_rate for net in networks],
        [net.schedule for net in networks],
        [net.lr_factor for net in networks],
        [net.min_lr for net in networks],
    )
    best_params = [p.copy() for p in stack.params0]
    histories = [{"loss": [], "val_loss": [], "lr": []} for _ in networks]
    shuffles = _Shuffles(networks, n_fit)
    block = ProgressBlock() if progress else None
    report_every = max(1, epochs // 5)
    for epoch in range(1, epochs + 1):
        active = stopper.active.copy()
        # A stopped network gets learning rate 0: its weights no longer move.
        lr = np.where(active, stopper.learning_rate, 0.0).astype(np.float32)
        state, loss, val_loss = run_epoch(state, tf.constant(shuffles.next(active), tf.int32), tf.constant(lr))
        loss, val_loss = loss.numpy(), val_loss.numpy()
        for i in np.flatnonzero(active):
            histories[i]["loss"].append(float(loss[i]))
            histories[i]["val_loss"].append(float(val_loss[i]))
            histories[i]["lr"].append(float(lr[i]))
        improved = stopper.update(val_loss)
        if improved.any():
            current = [p.numpy() for p in state[0]]
            for best, now in zip(best_params, current):
                best[improved] = now[improved]
        done = not stopper.active.any()
        if block is not None and (epoch % report_every == 0 or done):
            block.add(f"epoch {epoch}/{epochs}: {stopper.active.sum()} of {count} networks still training")
        if done:
            break
    return _best_result(networks, best_params, histories)


class _Stack:
    """The networks' data and starting weights stacked along a leading axis, padded to the widest.

    ``params0``: kernels ``(M, 2, W)``, hidden biases ``(M, W)``, output weights ``(M, W)``,
    output biases ``(M,)``; ``trainable``: the same shapes (kernels ``(M, 1, W)``), 1 where a
    weight learns; ``unit_mask`` ``(M, W)``: 1 for a real unit, 0 for padding.
    """

    def __init__(self, networks: list[StackedNetwork], n_fit: int):
        count, widest = len(networks), max(net.units for net in networks)
        x_all = np.stack([net.x for net in networks]).astype(np.float32)  # (M, n, 2)
        y_all = np.stack([net.y for net in networks]).astype(np.float32)  # (M, n)
        self.x_fit, self.y_fit = x_all[:, :n_fit], y_all[:, :n_fit]
        self.x_val, self.y_val = x_all[:, n_fit:], y_all[:, n_fit:]
        self.count = count
        self.unit_mask = np.zeros((count, widest), np.float32)
        self.params0 = [
            np.zeros((count, 2, widest), np.float32),
            np.zeros((count, widest), np.float32),
            np.zeros((count, widest), np.float32),
            np.zeros((count,), np.float32),
        ]
        self.trainable = [
            np.zeros((count, 1, widest), np.float32),
            np.zeros((count, widest), np.float32),
            np.zeros((count, widest), np.float32),
            np.zeros((count,), np.float32),
        ]
        for i, net in enumerate(networks):
            units = net.units
            self.unit_mask[i, :units] = 1.0
            self.params0[0][i, :, :units], self.params0[1][i, :units] = net.kernel, net.hidden_bias
            self.params0[2][i, :units], self.params0[3][i] = net.output, net.output_bias
            self.trainable[0][i, 0, :units] = 1.0
            self.trainable[1][i, :units] = float(net.train_biases)
            self.trainable[2][i, :units] = float(not net.direct)
            self.trainable[3][i] = float(net.train_biases and not net.direct)


class _Shuffles:
    """Each network's order of its training pairs, epoch by epoch, from its own generator, so
    its result does not depend on which other networks share the graph."""

    def __init__(self, networks: list[StackedNetwork], n_fit: int):
        self.networks = networks
        self.base = np.arange(n_fit)
        self.fixed = {i: net.rng.permutation(self.base) for i, net in enumerate(networks) if not net.reshuffle}

    def next(self, active: np.ndarray) -> np.ndarray:
        """The next epoch's orders ``(M, n_fit)``; a stopped network draws nothing."""
        return np.stack(
            [
                self.base if not on else self.fixed[i] if i in self.fixed else net.rng.permutation(self.base)
                for i, (net, on) in enumerate(zip(self.networks, active))
            ]
        )


def _epoch_function(tf, stack: _Stack, activations: list[str], n_fit: int, batch_size: int):
    """The compiled epoch: ``run_epoch(state, order, lr) -> (state, loss, val_loss)`` for every network.

    ``state`` is ``(params, moments, velocities, step)``; ``order`` ``(M, n_fit)`` each network's
    shuffle; ``lr`` ``(M,)`` each one's learning rate (0 for a stopped network).
    """
    count = stack.count
    full_steps, last_batch = divmod(n_fit, batch_size)
    x_fit, y_fit = tf.constant(stack.x_fit), tf.constant(stack.y_fit)
    x_val, y_val = tf.constant(stack.x_val), tf.constant(stack.y_val)
    masks = [tf.constant(m) for m in stack.trainable]
    unit_mask = tf.constant(stack.unit_mask)
    activation = _activation_function(tf, activations)

    def forward(params, x):
        z = tf.einsum("mbi,mih->mbh", x, params[0]) + params[1][:, None, :]
        hidden = activation(z) * unit_mask[:, None, :]
        return tf.einsum("mbh,mh->mb", hidden, params[2]) + params[3][:, None]

    def train_step(state, indices, lr):
        params, moments, velocities, step = state
        x = tf.gather(x_fit, indices, batch_dims=1)
        y = tf.gather(y_fit, indices, batch_dims=1)
        with tf.GradientTape() as tape:
            tape.watch(params)
            per_network = tf.reduce_mean(tf.square(forward(params, x) - y), axis=1)
            # Networks are independent: the gradient of the sum is each one's own gradient.
            total = tf.reduce_sum(per_network)
        grads = [g * m for g, m in zip(tape.gradient(total, params), masks)]
        step = step + 1.0
        alpha = lr * tf.sqrt(1 - BETA_2**step) / (1 - BETA_1**step)  # (M,): Keras' Adam
        moments = [m + (g - m) * (1 - BETA_1) for m, g in zip(moments, grads)]
        velocities = [v + (tf.square(g) - v) * (1 - BETA_2) for v, g in zip(velocities, grads)]
        params = [
            p - tf.reshape(alpha, [-1] + [1] * (len(p.shape) - 1)) * m / (tf.sqrt(v) + EPSILON)
            for p, m, v in zip(params, moments, velocities)
        ]
        return (params, moments, velocities, step), per_network

    # autograph=False: the loop is an explicit tf.while_loop, nothing needs converting.
    @tf.function(jit_compile=True, reduce_retracing=True, autograph=False)
    def run_epoch(state, order, lr):
        def body(k, state, loss_sum):
            indices = tf.slice(order, [0, k * batch_size], [count, batch_size])
            state, per_network = train_step(state, indices, lr)
            return k + 1, state, loss_sum + per_network * batch_size

        _, state, loss_sum = tf.while_loop(lambda k, *_: k < full_steps, body, (tf.constant(0), state, tf.zeros(count)))
        if last_batch:
            state, per_network = train_step(state, order[:, full_steps * batch_size :], lr)
            loss_sum += per_network * last_batch
        val_loss = tf.reduce_mean(tf.square(forward(state[0], x_val) - y_val), axis=1)
        return state, loss_sum / n_fit, val_loss

    return run_epoch


def _best_result(networks: list[StackedNetwork], best_params: list[np.ndarray], histories) -> StackedResult:
    """Each network's best weights, cut back from the padded stack to its own width."""
    result = StackedResult(histories=histories)
    for i, net in enumerate(networks):
        result.kernels.append(best_params[0][i, :, : net.units])
        result.hidden_biases.append(best_params[1][i, : net.units])
        result.outputs.append(best_params[2][i, : net.units])
        result.output_biases.append(float(best_params[3][i]))
    return result


def _activation_function(tf, names: list[str]):
    """The hidden activation: one function if every network shares it, else a per-network pick."""
    functions = {"sigmoid": tf.sigmoid, "relu": tf.nn.relu, "tanh": tf.tanh, "linear": tf.identity}
    if len(set(names)) == 1:
        return functions[names[0]]
    codes = tf.constant(np.array([ACTIVATIONS.index(name) for name in names], np.int32)[:, None, None])

    def pick(z):
        result = z  # linear
        for code in (2, 1, 0):  # tanh, relu, sigmoid
            result = tf.where(codes == code, functions[ACTIVATIONS[code]](z), result)
        return result

    return pick
