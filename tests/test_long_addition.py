"""Unit tests for chapter 3's long adder, the carry and the side-by-side comparison."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.string_addition import carry, long_addition, side_by_side
from helpers.string_addition.long_addition import (
    add,
    add_many,
    build_model,
    check_number,
    digits_lsb_first,
    encode,
    generalization_pairs,
    random_digits,
    sum_digits,
    to_strings,
)

# --------------------------------------------------------------------------- data


def test_digits_are_least_significant_first_and_round_trip():
    digits = digits_lsb_first(["1203", "7"], 6)
    assert digits.tolist() == [[3, 0, 2, 1, 0, 0], [7, 0, 0, 0, 0, 0]]
    assert to_strings(digits) == ["1203", "7"]
    assert to_strings(np.zeros((1, 4), dtype=np.int64)) == ["0"]
    x = encode(digits, digits[::-1])
    assert x.shape == (2, 6, 20) and np.all(x.sum(axis=-1) == 2)


def test_schoolbook_sum_digits_match_python_integers():
    rng = np.random.default_rng(0)
    a, b = random_digits(rng, 500, 12, carry_heavy=0.5)
    total, carries = sum_digits(a, b)
    for row in range(500):
        left, right = to_strings(a[row : row + 1])[0], to_strings(b[row : row + 1])[0]
        assert to_strings(total[row : row + 1])[0] == str(int(left) + int(right))
    # The carry out of a step is 1 exactly when that step's column overflows.
    shifted = np.concatenate([np.zeros((500, 1), np.int64), carries[:, :-1]], axis=1)
    assert np.array_equal(carries, (a + b + shifted) // 10)


def test_exact_sum_is_schoolbook_addition():
    assert long_addition.exact_sum("999", "1") == "1000"
    assert long_addition.exact_sum("0", "0") == "0"
    assert long_addition.exact_sum("00012", "3") == "15"
    rng = np.random.default_rng(3)
    for a, b in rng.integers(0, 10**15, size=(50, 2)).tolist():
        assert long_addition.exact_sum(str(a), str(b)) == str(a + b)


def test_random_digits_respect_lengths_and_carry_heavy_carries_more():
    rng = np.random.default_rng(1)
    a, b = random_digits(rng, 2000, 8)
    assert a.shape == (2000, 9) and np.all(a[:, 8] == 0) and np.all(b[:, 8] == 0)
    _, plain = sum_digits(a, b)
    a2, b2 = random_digits(np.random.default_rng(1), 2000, 8, exact_length=True, carry_heavy=1.0)
    assert np.all(a2[:, 7] > 0) and np.all(b2[:, 7] > 0)
    _, heavy = sum_digits(a2, b2)
    assert heavy.mean() > plain.mean() + 0.2


def test_generalization_pairs_have_the_asked_length_and_the_hard_cases():
    a, b = generalization_pairs(50, 100, seed=0)
    assert len(a) == len(b) == 50
    assert a[0] == "9" * 100 and b[0] == "1" and b[1] == "9" * 100
    assert all(len(x) == 100 for x in a) and all(len(y) == 100 for y in b[1:])
    assert generalization_pairs(50, 100, seed=0) == (a, b)


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "must not be empty"),
        ("12a", "only the digits 0-9"),
        ("-5", "negative numbers are not supported"),
        (12, "must be a string"),
    ],
)
def test_bad_numbers_raise(value, message):
    with pytest.raises(ValueError, match=message):
        check_number("a", value)


def test_seed_fixes_the_initial_weights():
    first, again, other = build_model(8, seed=0), build_model(8, seed=0), build_model(8, seed=1)
    assert all(np.array_equal(w1, w2) for w1, w2 in zip(first.get_weights(), again.get_weights()))
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])


def test_bad_training_arguments_raise():
    model = build_model(4)
    with pytest.raises(ValueError, match="unknown setting"):
        long_addition.train(model, epoch=3)
    with pytest.raises(ValueError, match="max_digits must be at least 1"):
        long_addition.train(model, max_digits=0)
    with pytest.raises(ValueError, match="hidden_units must be at least 1"):
        build_model(0)


# --------------------------------------------------------------------------- trained model


@pytest.fixture(scope="module")
def trained():
    """The chapter's aligned adder, trained with its default settings (about 20 s)."""
    model = build_model(seed=0)
    history = long_addition.train(model, seed=0, verbose=0)
    return model, history


def test_trained_on_8_digits_it_adds_much_longer_numbers(trained):
    model, history = trained
    assert history["max_digits"] == 8 and history["loss"][-1] < history["loss"][0]
    a, b = generalization_pairs(200, 100, seed=5)
    assert long_addition.exact_match(model, a, b) >= 0.995
    assert add(model, "9" * 300, "1") == "1" + "0" * 300
    longest = "7" * 5000  # beyond the 4,300 digits Python's int() accepts from a string
    assert add(model, longest, longest) == long_addition.exact_sum(longest, longest) == "1" + "5" * 4999 + "4"
    assert add(model, "0", "0") == "0"
    assert add(model, "123", "4567") == "4690"
    assert add_many(model, ["5", "95"], ["5", "5"]) == ["10", "100"]
    with pytest.raises(ValueError, match="only the digits"):
        add(model, "12a", "3")
    with pytest.raises(ValueError, match="must not be empty"):
        add(model, "", "3")


def test_model_saves_and_loads_in_keras_format(trained, tmp_path):
    import keras

    model, _ = trained
    path = tmp_path / "aligned.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    a, b = generalization_pairs(20, 40, seed=9)
    assert add_many(loaded, a, b) == add_many(model, a, b)


def test_running_by_hand_matches_keras(trained):
    model, _ = trained
    weights = carry.weights_of(model)
    a, b = random_digits(np.random.default_rng(2), 30, 10)
    _, by_hand = carry.run(weights, a, b)
    by_keras = model.predict(encode(a, b), verbose=0)
    assert np.allclose(by_hand, by_keras, atol=1e-4)


def test_the_carry_can_be_read_and_clamping_it_breaks_exactly_the_carrying_additions(trained):
    model, _ = trained
    weights = carry.weights_of(model)
    finding = carry.find_carry(weights, n=600)
    assert finding.probe_accuracy_held_out >= 0.98
    assert abs(finding.correlations[finding.unit]) == pytest.approx(np.abs(finding.correlations).max())
    rows = {row["intervention"]: row for row in carry.ablation_table(weights, finding, n=600)}
    assert rows["none"]["no_carry"] >= 0.99 and rows["none"]["with_carry"] >= 0.99
    held_low = rows["probe direction held at no carry"]
    assert held_low["no_carry"] >= 0.95 and held_low["with_carry"] <= 0.2
    coordinates, share = carry.projection_2d(*carry.states_and_carries(weights, 50)[:1], finding.direction)
    assert coordinates.shape[1] == 2 and 0 < share <= 1


def test_comparison_handles_questions_too_long_for_the_seq2seq_model(trained):
    from helpers.string_addition.seq2seq import build_adder

    model, _ = trained
    result = side_by_side.answer_both(build_adder(2, hidden_units=8), 2, model, "12345+1")
    assert "at most 2" in result["seq2seq"]["error"]
    assert result["aligned"]["answer"] == "12346" and result["aligned"]["right"]
    assert len(result["aligned"]["confidence"]) == 5
    for bad in ("1+2+3", "12a+1", "+4"):
        with pytest.raises(ValueError):
            side_by_side.parse(bad)
