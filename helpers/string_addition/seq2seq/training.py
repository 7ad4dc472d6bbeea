"""Training the adder: the questions it trains and validates on, the fit, and its reports.

``fit_adder`` is given only the training and validation questions; ``train_adder`` draws
them (as the example does: the last 10% validate) and calls it. The test questions
(``test_scores``) are drawn afterwards, from questions neither of those holds, and only
report: nothing in training reads them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, fields, replace
from typing import Any

import keras

from helpers.batches import shuffled_batches
from helpers.checks import check_int
from helpers.string_addition.fused_step import use_fused_step
from helpers.string_addition.seq2seq.data import (
    EXAMPLE_SIZES,
    MAX_DIGITS,
    Questions,
    distinct_pairs,
    make_questions,
    split,
    test_questions,
)
from helpers.string_addition.seq2seq.model import build_adder
from helpers.string_addition.seq2seq.monitor import ExactMatchMonitor, score
from helpers.string_addition.seq2seq.settings import Seq2SeqSettings

#: Test questions per run unless asked otherwise: as many as the example's 3-digit validation set.
N_TEST = 5_000


def checked_settings(digits: int, settings: dict[str, Any]) -> tuple[Seq2SeqSettings, int]:
    """``Seq2SeqSettings`` with ``settings`` applied and checked, and the number of questions."""
    digits = check_int("digits", digits, 1, MAX_DIGITS)
    known = {f.name for f in fields(Seq2SeqSettings)}
    unknown = set(settings) - known
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; allowed: {sorted(known)}")
    config = replace(Seq2SeqSettings(), **settings).checked(digits)
    n = config.n_questions if config.n_questions is not None else EXAMPLE_SIZES.get(digits, 50_000)
    return config, check_int("n_questions", n, 20, distinct_pairs(config.operand_digits or digits))


def adder_questions(digits: int, seed: int = 0, **settings: Any) -> tuple[Questions, Questions]:
    """The training and validation questions ``train_adder(digits, seed, **settings)`` uses."""
    config, n = checked_settings(digits, settings)
    data = make_questions(n, digits, config.reverse, check_int("seed", seed, 0), config.operand_digits)
    return split(data, config.validation_split)


def train_adder(digits: int = 3, seed: int = 0, **settings: Any) -> tuple[Any, Any]:
    """Train the example's network on ``digits``-digit addition with the book's fast settings.

    Any field of ``Seq2SeqSettings`` can be overridden; ``train_adder(3, **ORIGINAL)``
    trains exactly as the Keras example does.

    Returns:
        ``(model, history)``: the trained Keras model and its ``keras.callbacks.History``.
        ``history.history`` holds per epoch (the last one possibly partial, if training
        stopped inside it) ``loss`` and ``accuracy`` (per character, training batches),
        ``val_loss``, ``val_accuracy`` (per character, validation), ``val_exact`` (whole
        answers right, validation), ``epoch`` (epochs trained so far, fractional for a partial
        last one), ``seconds`` (cumulative training time: compilation included, validation
        checks excluded) and ``learning_rate``; ``checks`` lists every validation check as
        ``(epoch, exact, seconds)``. ``history.params`` adds ``digits``, ``seed``,
        ``settings``, ``requested`` (the settings asked for), ``n_train`` and ``n_validation``.
    """
    seed = check_int("seed", seed, 0)
    config, _ = checked_settings(digits, settings)
    train, validation = adder_questions(digits, seed, **settings)
    model, history = fit_adder(train, validation, config, seed)
    history.params.update({"digits": digits, "requested": dict(settings)})
    return model, history


def fit_adder(train: Questions, validation: Questions, config: Seq2SeqSettings, seed: int) -> tuple[Any, Any]:
    """Train ``build_adder(train.digits)`` on ``train``, steered by ``validation`` (see ``train_adder``)."""
    digits = train.digits
    keras.utils.set_random_seed(seed)
    model = build_adder(digits, config.hidden_units)
    if config.fused_step:
        use_fused_step(model)
    # The learning rate is a plain variable that the monitor sets before each compiled call
    # (every ``steps_per_execution`` batches), so a saved model needs no custom schedule class.
    optimizer_class = {"adam": keras.optimizers.Adam, "nadam": keras.optimizers.Nadam}[config.optimizer]
    optimizer = optimizer_class(
        learning_rate=config.learning_rate, beta_1=config.beta_1, beta_2=config.beta_2, clipnorm=config.clipnorm
    )
    model.compile(
        optimizer=optimizer,
        loss="categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=config.jit_compile,
        steps_per_execution=config.steps_per_execution,
    )

    monitor = ExactMatchMonitor(validation, config, seed, math.ceil(len(train) / config.batch_size))
    # No ``validation_data``: the monitor's own pass over the validation questions gives their
    # loss and accuracies, so Keras does not run (and compile) a second one.
    # The batches fit would cut from the arrays, without tf.data's autotuning thread, whose
    # end now and then stalled an epoch's start for 2-4 s (see helpers.batches).
    history = model.fit(
        shuffled_batches((train.x, train.y), config.batch_size, reshuffle_seed=seed if config.reshuffle else None),
        epochs=config.epochs,
        callbacks=[monitor],
        verbose=0,
        shuffle=False,  # the batches come shuffled; Keras would only warn that it cannot
    )
    for key, values in monitor.extra.items():
        history.history[key] = values
    history.params.update(
        {
            "digits": digits,
            "seed": seed,
            "settings": asdict(config),
            "n_train": len(train),
            "n_validation": len(validation),
        }
    )
    return model, history


def test_scores(model: Any, history: Any, n: int = N_TEST) -> dict[str, float]:
    """Exact-match and per-character accuracy on ``n`` test questions of the run in ``history``:
    drawn as the example draws, none of them (in either order) a training or validation question."""
    params = history.params
    train, validation = adder_questions(params["digits"], params["seed"], **params["requested"])
    operand_digits = params["settings"]["operand_digits"]
    test = test_questions([train, validation], n, seed=params["seed"], operand_digits=operand_digits)
    if not len(test):  # every question there is was trained or validated on
        return {"exact": None, "characters": None, "n": 0}
    scores = score(model, test)
    return {"exact": scores["exact"], "characters": scores["characters"], "n": len(test)}


def epochs_to(history: Any, target: float = 0.99) -> tuple[float | None, float | None]:
    """The first validation check whose exact-match reached ``target``: the epochs trained by
    then (fractional if inside an epoch) and the training seconds it took; ``(None, None)``
    if no check did."""
    values = history.history
    checks = values.get("checks") or list(zip(values["epoch"], values["val_exact"], values["seconds"], strict=False))
    for epoch, exact, seconds in checks:
        if exact >= target:
            return epoch, seconds
    return None, None
