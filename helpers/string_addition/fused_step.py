"""A cheaper training step for chapter 3's seq2seq adder: the same network, the same maths.

``seq2seq.build_adder`` builds ``LSTM`` encoder -> ``RepeatVector`` -> ``LSTM`` decoder ->
``Dense`` softmax. On a CPU, Keras runs each LSTM as a loop over the time steps that
multiplies each step's input by the input kernel, and differentiates through that loop.
``adder_logits`` computes the same numbers from the same weights, written out step by step:

* the encoder's input projection for all its steps in one matrix product;
* the decoder reads the *same* vector at every step (that is what ``RepeatVector`` does), so
  its input projection is computed once instead of once per output step; its gradient
  is the sum over the steps, as before;
* the few steps (7 + 4 for 3 digits) unrolled in the graph, the per-step inputs taken
  with ``tf.unstack`` (whose gradient is one ``stack``; slicing ``[:, t]`` instead costs a
  full-size zero tensor per step in the backward pass).

``use_fused_step(model)`` makes ``fit`` train through it: it replaces the model's
``train_step`` with Keras' own step (same loss from the logits, same loss tracking, same
optimizer update, same metrics) in which only the forward pass is ``adder_logits``. The
model stays the plain ``keras.Sequential`` of ``build_adder``: same layers, same weights,
saved, loaded, exported and evaluated by Keras' own layers. ``train_adder`` uses it unless
``fused_step=False`` (``seq2seq.ORIGINAL`` turns it off: the example trains through Keras'
layers).

Measured in one process, interleaved, under load (``benchmarks/bench_seq2seq.py
--step-cost`` does it at the book's batch): at batch 60 a training step costs about a
quarter less CPU time per question than Keras' (62 against 87 microseconds), at batch 120
about a fifth less (62 against 77), and its first call, which traces and compiles it, is
shorter. Outputs and gradients agree with Keras' to float32 rounding
(``tests/test_seq2seq.py``).
"""

from __future__ import annotations

import types
from typing import Any

import keras
import tensorflow as tf


def _check_adder(model: Any) -> None:
    """Raise ``ValueError`` unless ``model`` is ``build_adder``'s network with the settings the
    fused forward pass assumes."""
    names = [layer.name for layer in getattr(model, "layers", [])]
    if names != ["encoder", "repeat", "decoder", "character"]:
        raise ValueError(
            f"model must be a network from seq2seq.build_adder (layers encoder, repeat, decoder, character), "
            f"got layers {names}"
        )
    for name in ("encoder", "decoder"):
        cell = model.get_layer(name).cell
        expected = {
            "activation": "tanh",
            "recurrent_activation": "sigmoid",
            "use_bias": True,
            "dropout": 0.0,
            "recurrent_dropout": 0.0,
        }
        config = cell.get_config()
        wrong = {key: config.get(key) for key, value in expected.items() if config.get(key) != value}
        if wrong:
            raise ValueError(f"the {name} LSTM must have {expected}; it has {wrong}")
    if model.get_layer("character").get_config().get("activation") != "softmax":
        raise ValueError("the character layer must end in a softmax")


def _lstm_step(z: Any, carry: Any) -> tuple[Any, Any]:
    """One LSTM step from the pre-activations ``z`` (gates in Keras' order: input, forget,
    candidate, output) and the previous carry: the new output (hidden state) and carry."""
    input_gate, forget_gate, candidate, output_gate = tf.split(z, 4, axis=1)
    carry = tf.sigmoid(forget_gate) * carry + tf.sigmoid(input_gate) * tf.tanh(candidate)
    return tf.sigmoid(output_gate) * tf.tanh(carry), carry


def adder_logits(model: Any, x: Any) -> Any:
    """The logits (before the softmax) that ``model(x)`` turns into probabilities:
    ``(batch, answer steps, 12)`` for one-hot questions ``x`` of ``(batch, question steps, 12)``."""
    encoder = model.get_layer("encoder").cell
    decoder = model.get_layer("decoder").cell
    character = model.get_layer("character")
    question_steps, symbols = x.shape[1], x.shape[2]
    answer_steps = model.get_layer("repeat").n
    batch = tf.shape(x)[0]

    # Encoder: every step's input projection in one product, then the recurrence.
    projected = tf.matmul(tf.reshape(x, [-1, symbols]), encoder.kernel) + encoder.bias
    inputs = tf.unstack(tf.reshape(projected, [batch, question_steps, 4 * encoder.units]), axis=1)
    hidden = tf.zeros([batch, encoder.units], dtype=projected.dtype)
    carry = hidden
    for step_input in inputs:
        hidden, carry = _lstm_step(step_input + tf.matmul(hidden, encoder.recurrent_kernel), carry)

    # Decoder: its input is the encoder's last output at every step, projected once.
    repeated = tf.matmul(hidden, decoder.kernel) + decoder.bias
    # One copy per step through ``tf.repeat``, whose gradient sums the steps' gradients in a
    # fixed order; reusing the one tensor at every step let TensorFlow add them up in
    # whatever order they arrived, and the same seed gave different weights.
    step_inputs = tf.unstack(tf.repeat(repeated[:, None, :], answer_steps, axis=1), axis=1)
    hidden = tf.zeros([batch, decoder.units], dtype=projected.dtype)
    carry = hidden
    outputs = []
    for step_input in step_inputs:
        hidden, carry = _lstm_step(step_input + tf.matmul(hidden, decoder.recurrent_kernel), carry)
        outputs.append(hidden)

    # The Dense layer on every output step at once.
    stacked = tf.reshape(tf.stack(outputs, axis=1), [-1, decoder.units])
    logits = tf.matmul(stacked, character.kernel) + character.bias
    return tf.reshape(logits, [batch, answer_steps, character.units])


def _fused_train_step(self: Any, data: Any) -> Any:
    """Keras' ``TensorFlowTrainer.train_step`` (Keras 3.15) with ``adder_logits`` as the forward pass."""
    x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
    with tf.GradientTape() as tape:
        # keras.ops.softmax keeps the logits on its output, as the Dense layer's softmax does,
        # so the cross-entropy below is computed from the logits exactly as in Keras' step.
        y_pred = keras.ops.softmax(adder_logits(self, x), axis=-1)
        loss = self._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
        self._loss_tracker.update_state(loss, sample_weight=tf.shape(x)[0])
        loss = self.optimizer.scale_loss(loss)
    gradients = tape.gradient(loss, self.trainable_weights)
    self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
    return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)


def use_fused_step(model: Any) -> Any:
    """Make ``model.fit`` train ``model`` (from ``seq2seq.build_adder``) through ``adder_logits``;
    call before ``compile``. Returns the model, otherwise unchanged."""
    _check_adder(model)
    model.train_step = types.MethodType(_fused_train_step, model)
    return model
