"""Unit tests for ``helpers.string_addition.seq2seq``: the string-addition LSTM of chapter 3."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.string_addition import seq2seq
from helpers.string_addition.seq2seq import (
    CHARS,
    ORIGINAL,
    Seq2SeqSettings,
    add,
    build_adder,
    decode,
    encode_questions,
    exact_match,
    make_questions,
)

# --------------------------------------------------------------------------- data


def test_questions_are_padded_reversed_and_answered_correctly():
    data = make_questions(300, 3, reverse=True, seed=1)
    assert data.x.shape == (300, 7, len(CHARS)) and data.y.shape == (300, 4, len(CHARS))
    assert np.all(data.x.sum(axis=-1) == 1) and np.all(data.y.sum(axis=-1) == 1)
    for question, answer, x, y in zip(data.questions, data.answers, data.x, data.y, strict=False):
        a, b = map(int, question.split("+"))
        assert 0 <= a < 1000 and 0 <= b < 1000
        assert answer == str(a + b)
        text = "".join(CHARS[i] for i in x.argmax(axis=-1))
        assert text == question.ljust(7)[::-1]  # space padded to 7, then reversed
        assert "".join(CHARS[i] for i in y.argmax(axis=-1)) == answer.ljust(4)
    assert decode(data.y) == data.answers


def test_questions_not_reversed_when_asked():
    data = make_questions(20, 2, reverse=False, seed=0)
    assert decode(data.x) == [q for q in data.questions]  # decode strips the right padding


def test_a_plus_b_and_b_plus_a_count_once_and_seed_fixes_everything():
    data = make_questions(4000, 2, seed=3)
    keys = {tuple(sorted(map(int, q.split("+")))) for q in data.questions}
    assert len(keys) == 4000
    again = make_questions(4000, 2, seed=3)
    assert again.questions == data.questions and np.array_equal(again.x, data.x)
    assert make_questions(4000, 2, seed=4).questions != data.questions


def test_every_distinct_question_can_be_drawn_and_no_more():
    every = make_questions(seq2seq.distinct_pairs(1), 1, seed=0)
    assert len({tuple(sorted(map(int, q.split("+")))) for q in every.questions}) == 55
    with pytest.raises(ValueError, match="n must be at most 55"):
        make_questions(56, 1)


def test_operand_digits_limits_the_numbers_not_the_padding():
    data = make_questions(200, 5, seed=0, operand_digits=2)
    assert data.x.shape[1] == 11
    assert max(max(map(int, q.split("+"))) for q in data.questions) < 100


@pytest.mark.parametrize(
    "question, message",
    [
        ("12a+3", "contains 'a'"),
        ("", "it is empty"),
        ("1+2+3", "2 '\\+' signs"),
        ("-5+3", "negative"),
        ("1234+1", "first operand has 4 digits; this model supports at most 3"),
        ("1+", "operand is missing"),
    ],
)
def test_bad_questions_raise_clear_errors(question, message):
    with pytest.raises(ValueError, match=message):
        encode_questions([question], 3)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n": 0, "digits": 3}, "n must be at least 1"),
        ({"n": 10, "digits": 0}, "digits must be at least 1"),
        ({"n": 10, "digits": 3, "reverse": "yes"}, "reverse must be True or False"),
        ({"n": 10, "digits": 3, "seed": -1}, "seed must be at least 0"),
    ],
)
def test_bad_arguments_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_questions(**kwargs)


def test_questions_must_be_a_list():
    with pytest.raises(ValueError, match="non-empty list"):
        encode_questions("1+2", 3)


# --------------------------------------------------------------------------- model


def test_adder_has_the_examples_architecture():
    model = build_adder(3)
    assert model.input_shape == (None, 7, 12) and model.output_shape == (None, 4, 12)
    assert [layer.__class__.__name__ for layer in model.layers] == ["LSTM", "RepeatVector", "LSTM", "Dense"]
    # LSTM(128) on 12 inputs, LSTM(128) on 128 inputs, Dense(12): 4 gates each.
    assert model.count_params() == 4 * (128 * (12 + 128) + 128) + 4 * (128 * 256 + 128) + (128 * 12 + 12)


def test_settings_check_and_original_preset_is_valid():
    Seq2SeqSettings(**ORIGINAL).checked(3)
    assert ORIGINAL["batch_size"] == 32 and ORIGINAL["learning_rate"] == 0.001
    # Keras' Adam defaults, one batch per call, no clipping, looked at once per epoch.
    assert ORIGINAL["beta_2"] == 0.999 and ORIGINAL["schedule"] == "constant" and ORIGINAL["clipnorm"] is None
    assert ORIGINAL["steps_per_execution"] == 1 and ORIGINAL["checks_per_epoch"] == 1
    with pytest.raises(ValueError, match="unknown setting"):
        seq2seq.train_adder(2, batch=32)
    with pytest.raises(ValueError, match="schedule must be one of"):
        seq2seq.train_adder(2, schedule="linear")


@pytest.fixture(scope="module")
def small_run():
    """A 2-digit adder trained for a few epochs: enough to check the plumbing."""
    # The trapezoid schedule runs every epoch (the adaptive one may stop once its decay ends).
    return seq2seq.train_adder(
        2, seed=0, n_questions=3000, epochs=3, verbose=0, target_exact=None, schedule="trapezoid"
    )


def test_training_records_exact_match_and_time(small_run):
    model, history = small_run
    values = history.history
    assert len(values["val_exact"]) == 3
    assert all(0.0 <= v <= 1.0 for v in values["val_exact"])
    assert np.all(np.diff(values["seconds"]) > 0)
    # Exact match can never beat per-character accuracy.
    assert all(e <= c + 1e-9 for e, c in zip(values["val_exact"], values["val_accuracy"], strict=False))
    assert values["val_accuracy"][-1] > values["val_accuracy"][0]
    assert history.params["n_train"] == 2700 and history.params["n_validation"] == 300


def test_add_agrees_with_exact_match_and_checks_digits(small_run, tmp_path):
    model, history = small_run
    held_out = seq2seq.split(make_questions(3000, 2, seed=0), 0.1)[1]
    answers = add(model, held_out.questions, 2)
    assert len(answers) == len(held_out)
    assert all(set(answer) <= set("0123456789+") for answer in answers)
    right = [a == b for a, b in zip(answers, held_out.answers, strict=True)]
    assert np.mean(right) == pytest.approx(history.history["val_exact"][-1])
    assert exact_match(model, held_out) == pytest.approx(history.history["val_exact"][-1])
    with pytest.raises(ValueError, match="does not match the model"):
        add(model, ["1+2"], 3)
    with pytest.raises(ValueError, match="at most 2"):
        add(model, ["123+4"], 2)

    path = tmp_path / "adder.keras"
    model.save(path)
    import keras

    loaded = keras.saving.load_model(path)
    assert add(loaded, held_out.questions[:50], 2) == answers[:50]


def test_held_out_loss_is_keras_loss(small_run):
    import keras

    model, history = small_run
    held_out = seq2seq.split(make_questions(3000, 2, seed=0), 0.1)[1]
    keras_loss = float(np.mean(keras.losses.categorical_crossentropy(held_out.y, model(held_out.x))))
    assert history.history["val_loss"][-1] == pytest.approx(keras_loss, rel=1e-4)
    assert history.history["val_accuracy"][-1] == pytest.approx(seq2seq.character_accuracy(model, held_out))


def test_stop_epoch_stops_early_but_keeps_the_schedule():
    _, history = seq2seq.train_adder(
        1, n_questions=55, epochs=5, stop_epoch=2, verbose=0, target_exact=None, schedule="trapezoid", batch_size=16
    )
    assert len(history.history["val_exact"]) == 2
    assert history.history["learning_rate"][-1] > 0


# --------------------------------------------------------------------------- schedule and checks


def test_trapezoid_warms_up_holds_then_decays_to_zero():
    rate = [seq2seq.learning_rate_at(step, 100, 10, 0.02, "trapezoid", 0.4) for step in range(100)]
    assert rate[0] == pytest.approx(0.002) and rate[9] == pytest.approx(0.02)
    assert all(r == pytest.approx(0.02) for r in rate[10:61])  # held until 40% of the steps remain
    assert all(a > b for a, b in zip(rate[60:], rate[61:], strict=False))  # then straight down ...
    assert rate[99] == pytest.approx(0.02 / 40)  # ... to zero at step 100
    assert seq2seq.learning_rate_at(100, 100, 10, 0.02) == 0.0


def test_adaptive_schedule_holds_until_the_trigger_then_decays_over_its_steps():
    def rate(step, start):
        return seq2seq.learning_rate_at(step, 100, 10, 0.02, "adaptive", decay_start=start, decay_steps=20)

    assert rate(0, None) == pytest.approx(0.002) and rate(9, None) == pytest.approx(0.02)
    # Not triggered yet: held at the peak, but the decay still ends at the last step.
    assert rate(50, None) == pytest.approx(0.02) and rate(80, None) == pytest.approx(0.02)
    assert rate(90, None) == pytest.approx(0.01) and rate(100, None) == 0.0
    # Triggered at step 30: straight down to zero over the next 20 steps, then zero.
    assert rate(29, 30) == pytest.approx(0.02) and rate(40, 30) == pytest.approx(0.01)
    assert rate(50, 30) == 0.0 and rate(70, 30) == 0.0
    # A trigger later than the latest start changes nothing.
    assert rate(90, 95) == pytest.approx(rate(90, None))


def test_adaptive_decay_can_stop_at_a_floor_and_hold_it():
    def rate(step):
        return seq2seq.learning_rate_at(
            step, 100, 10, 0.02, "adaptive", decay_start=30, decay_steps=20, floor=0.25, floor_steps=10
        )

    # The same line as without a floor (0.01 at step 40), until it reaches 25% of the peak
    # at step 45; held there for 10 steps, then zero.
    assert rate(40) == pytest.approx(0.01) and rate(44) == pytest.approx(0.006)
    assert all(rate(step) == pytest.approx(0.005) for step in range(45, 55))
    assert rate(55) == 0.0 and rate(80) == 0.0
    assert seq2seq.adaptive_span(20, 0.25, 10) == 25 and seq2seq.adaptive_span(20) == 20
    # Never triggered: the line and the floor still fit before the last step.
    untriggered = [
        seq2seq.learning_rate_at(s, 100, 10, 0.02, "adaptive", decay_steps=20, floor=0.25, floor_steps=10)
        for s in (74, 75, 90, 99, 100)
    ]
    assert untriggered == pytest.approx([0.02, 0.02, 0.005, 0.005, 0.0])


def test_adaptive_decay_starts_at_the_check_that_reaches_the_trigger_and_stops_at_zero():
    # 1,800 training questions in batches of 60: 30 steps per epoch, a check every 10 steps.
    # A trigger of 0 is reached by the first check (step 10): the decay then takes 0.5 epoch
    # (15 steps), so the rate is zero from step 25 on, and training stops there (more steps
    # at a zero rate would change nothing), checked once more.
    common = dict(n_questions=2000, batch_size=60, steps_per_execution=5, checks_per_epoch=3, epochs=3)
    common.update(schedule="adaptive", learning_rate=0.02, decay_epochs=0.5, target_exact=None, verbose=0)
    _, history = seq2seq.train_adder(2, decay_trigger=0.0, decay_floor=0.0, **common)
    assert [epoch for epoch, _, _ in history.history["checks"]] == pytest.approx([10 / 30, 20 / 30, 25 / 30], abs=1e-3)
    # Never triggered: held until the latest start, 15 steps before the end of the 3 epochs.
    _, held = seq2seq.train_adder(2, decay_trigger=1.0, decay_floor=0.0, **common)
    assert history.history["epoch"][-1] == pytest.approx(25 / 30, abs=1e-3)
    assert held.history["epoch"][-1] == pytest.approx(3.0) and held.history["learning_rate"][1] == pytest.approx(0.02)
    # A floor of 40% held for half an epoch: the line reaches it 9 steps after the trigger,
    # 15 steps at the floor end at step 10 + 9 + 15 = 34, inside the call of steps 30-35.
    _, floored = seq2seq.train_adder(2, decay_trigger=0.0, decay_floor=0.4, floor_epochs=0.5, **common)
    assert floored.history["epoch"][-1] == pytest.approx(35 / 30, abs=1e-3)
    assert floored.history["learning_rate"][-1] == pytest.approx(0.008)


def test_close_checks_look_after_every_compiled_call():
    # 30 steps per epoch in calls of 5 steps: 3 checks per epoch, or 6 once close.
    common = dict(n_questions=2000, batch_size=60, steps_per_execution=5, checks_per_epoch=3, epochs=2)
    common.update(target_exact=None, verbose=0)
    _, far = seq2seq.train_adder(2, **common)
    _, close = seq2seq.train_adder(2, close_checks_from=0.0, **common)
    assert [epoch for epoch, _, _ in far.history["checks"]] == pytest.approx(
        [1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2], abs=1e-3
    )
    # The first check (step 10) reaches 0: from then on every call of 5 steps is checked, up to step 60.
    assert [epoch for epoch, _, _ in close.history["checks"]] == pytest.approx(
        [s / 30 for s in range(10, 61, 5)], abs=1e-3
    )


def test_reshuffle_is_repeatable_and_changes_the_order():
    common = dict(n_questions=600, batch_size=60, epochs=2, target_exact=None, verbose=0, schedule="constant")
    weights = {}
    for label, reshuffle in (("fit's order", False), ("reshuffled", True), ("reshuffled again", True)):
        model, _ = seq2seq.train_adder(2, seed=0, reshuffle=reshuffle, **common)
        weights[label] = model.get_weights()[0]
    np.testing.assert_array_equal(weights["reshuffled"], weights["reshuffled again"])
    assert not np.array_equal(weights["reshuffled"], weights["fit's order"])
    assert ORIGINAL["reshuffle"] is True  # the example sets no seed, so its fit reshuffles


def test_nadam_and_beta_1_are_used():
    model, _ = seq2seq.train_adder(1, n_questions=55, epochs=1, verbose=0, batch_size=16, optimizer="nadam", beta_1=0.8)
    assert model.optimizer.__class__.__name__ == "Nadam" and model.optimizer.beta_1 == 0.8


def test_cosine_and_constant_schedules():
    assert seq2seq.learning_rate_at(10, 110, 10, 0.01, "cosine") == pytest.approx(0.01)
    assert seq2seq.learning_rate_at(60, 110, 10, 0.01, "cosine") == pytest.approx(0.005)
    assert seq2seq.learning_rate_at(110, 110, 10, 0.01, "cosine") == pytest.approx(0.0)
    assert seq2seq.learning_rate_at(0, 110, 10, 0.001, "constant") == 0.001


@pytest.mark.parametrize(
    "setting, message",
    [
        ({"beta_2": 1.0}, "beta_2 must be at most"),
        ({"decay_fraction": 0.0}, "decay_fraction must be"),
        ({"checks_per_epoch": 0}, "checks_per_epoch must be at least 1"),
        ({"optimizer": "sgd"}, "optimizer must be one of"),
        ({"beta_1": 1.0}, "beta_1 must be at most"),
        ({"decay_trigger": 1.5}, "decay_trigger must be at most"),
        ({"decay_epochs": 0.0}, "decay_epochs must be"),
        ({"close_checks_from": -0.1}, "close_checks_from must be at least"),
        ({"decay_floor": 1.0}, "decay_floor must be at most 0.99"),
        ({"floor_epochs": -0.5}, "floor_epochs must be at least 0"),
        ({"reshuffle": "yes"}, "reshuffle must be"),
    ],
)
def test_bad_settings_raise(setting, message):
    with pytest.raises(ValueError, match=message):
        Seq2SeqSettings(**setting).checked(3)


def test_checks_inside_an_epoch_can_stop_it_early():
    # 1,800 training questions in batches of 60: 30 steps per epoch, checked every 10 steps;
    # a budget of 1e-9 s stops training at the first check, a third of the way through epoch 1.
    _, history = seq2seq.train_adder(
        2, n_questions=2000, batch_size=60, steps_per_execution=5, checks_per_epoch=3, max_seconds=1e-9, verbose=0
    )
    values = history.history
    assert values["epoch"] == [pytest.approx(1 / 3)] and len(values["val_exact"]) == 1
    assert values["checks"][0][0] == pytest.approx(1 / 3, abs=1e-4)
    assert seq2seq.epochs_to(history, 0.0) == (pytest.approx(1 / 3, abs=1e-4), values["seconds"][0])
    assert seq2seq.epochs_to(history, 1.01) == (None, None)


def test_progress_outside_a_notebook_prints_one_line_per_epoch(capsys):
    seq2seq.train_adder(1, n_questions=55, epochs=2, verbose=1, target_exact=None, batch_size=16)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("epoch 1.00/2") and "right" in lines[1]


def test_test_questions_never_repeat_a_seen_one_and_stop_when_none_is_left():
    train, validation = seq2seq.split(make_questions(3000, 2, seed=0), 0.1)
    test = seq2seq.test_questions([train, validation], 1000, seed=5)
    known = {tuple(sorted(map(int, q.split("+")))) for q in train.questions + validation.questions}
    assert len(test) == 1000 and test.x.shape[1:] == train.x.shape[1:]
    assert not {tuple(sorted(map(int, q.split("+")))) for q in test.questions} & known
    assert len({tuple(sorted(map(int, q.split("+")))) for q in test.questions}) == 1000
    assert all(str(sum(map(int, q.split("+")))) == a for q, a in zip(test.questions, test.answers, strict=True))
    # 3,000 of the 5,050 two-digit questions are seen: at most 2,050 are left for a test.
    assert len(seq2seq.test_questions([train, validation], 5000, seed=5)) == 2050
    everything = make_questions(55, 1, seed=0)
    assert len(seq2seq.test_questions([everything], 10)) == 0


def test_lengths_table_leaves_out_seen_questions():
    seen = make_questions(3000, 3, seed=0, operand_digits=2)
    known = {tuple(sorted(map(int, q.split("+")))) for q in seen.questions}
    for length in (1, 2, 3):
        questions, answers = seq2seq.questions_of_length(300, length, seed=0, seen=[seen])
        keys = [tuple(sorted(map(int, q.split("+")))) for q in questions]
        assert not set(keys) & known and len(set(keys)) == len(keys)
        assert all(len(part) == length for q in questions for part in q.split("+"))
        assert all(str(sum(map(int, q.split("+")))) == a for q, a in zip(questions, answers, strict=True))
    # Two 1-digit numbers make 55 questions, and 3,000 drawn questions hold every one.
    assert seq2seq.questions_of_length(300, 1, seed=0, seen=[seen]) == ([], [])
    assert len(seq2seq.questions_of_length(300, 3, seed=0, seen=[seen])[0]) == 300


def test_test_questions_cannot_influence_training(monkeypatch):
    """Validation steers, test reports: every check during training scores the validation
    questions, none of them a test question, and the weights are the same whether or not a
    test set was drawn first."""
    from helpers.string_addition.seq2seq import monitor

    common = dict(n_questions=2000, batch_size=60, steps_per_execution=5, checks_per_epoch=3, epochs=2, verbose=0)
    scored = []
    real_score = monitor.score
    monkeypatch.setattr(monitor, "score", lambda model, data: scored.append(data) or real_score(model, data))
    model, history = seq2seq.train_adder(2, seed=0, **common)
    train, validation = seq2seq.adder_questions(2, seed=0, **common)
    assert scored and all(data is not None and data.questions == validation.questions for data in scored)
    test = seq2seq.test_questions([train, validation], 1000, seed=0)
    assert not set(test.questions) & set(train.questions + validation.questions)
    scores = seq2seq.test_scores(model, history, 1000)
    assert scores["n"] == 1000 and scores["exact"] == pytest.approx(exact_match(model, test))
    again, _ = seq2seq.train_adder(2, seed=0, **common)  # after a test set was drawn and scored
    for first, second in zip(model.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(first, second)


# --------------------------------------------------------------------------- fused training step


def test_fused_forward_pass_and_gradients_match_keras_layers():
    import keras
    import tensorflow as tf

    from helpers.string_addition.fused_step import adder_logits

    keras.utils.set_random_seed(3)
    model = build_adder(3)
    data = make_questions(64, 3, seed=2)
    x, y = tf.constant(data.x), tf.constant(data.y)
    np.testing.assert_allclose(keras.ops.softmax(adder_logits(model, x)), model(x), atol=1e-6)

    def gradients(forward):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y, forward()))
        return loss, tape.gradient(loss, model.trainable_weights)

    keras_loss, keras_gradients = gradients(lambda: model(x, training=True))
    fused_loss, fused_gradients = gradients(lambda: keras.ops.softmax(adder_logits(model, x)))
    assert float(fused_loss) == pytest.approx(float(keras_loss), rel=1e-6)
    for keras_gradient, fused_gradient in zip(keras_gradients, fused_gradients, strict=True):
        np.testing.assert_allclose(fused_gradient, keras_gradient, atol=1e-6)


def test_fused_gradients_are_the_same_on_every_call():
    # Same seed, same numbers: the gradients must not depend on the order in which
    # TensorFlow's threads finish (reusing one tensor at every decoder step made them differ).
    import keras
    import tensorflow as tf

    from helpers.string_addition.fused_step import adder_logits

    keras.utils.set_random_seed(0)
    model = build_adder(3)
    data = make_questions(600, 3, seed=0)
    x, y = tf.constant(data.x[:60]), tf.constant(data.y[:60])

    @tf.function
    def gradients():
        with tf.GradientTape() as tape:
            probabilities = keras.ops.softmax(adder_logits(model, x))
            loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y, probabilities))
        return tape.gradient(loss, model.trainable_weights)

    first = [g.numpy() for g in gradients()]
    for _ in range(1000):  # the old code differed on about 3 calls in 100
        for weight, expected, gradient in zip(model.trainable_weights, first, gradients(), strict=True):
            assert np.array_equal(gradient.numpy(), expected), f"{weight.path}: gradient changed between calls"


def test_fused_step_trains_like_keras_step():
    # Same seed, same questions, one epoch each way: the weights end up the same to rounding.
    common = dict(n_questions=600, batch_size=60, epochs=1, target_exact=None, verbose=0)
    keras_model, keras_history = seq2seq.train_adder(2, fused_step=False, **common)
    fused_model, fused_history = seq2seq.train_adder(2, fused_step=True, **common)
    assert fused_history.history["loss"][0] == pytest.approx(keras_history.history["loss"][0], rel=1e-4)
    for keras_weight, fused_weight in zip(keras_model.get_weights(), fused_model.get_weights(), strict=True):
        np.testing.assert_allclose(fused_weight, keras_weight, atol=1e-4)
    assert fused_model.__class__ is keras_model.__class__
    assert fused_model.get_config()["layers"] == keras_model.get_config()["layers"]


def test_fused_step_refuses_other_networks():
    import keras

    from helpers.string_addition.fused_step import use_fused_step

    other = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="model must be a network from seq2seq.build_adder"):
        use_fused_step(other)
