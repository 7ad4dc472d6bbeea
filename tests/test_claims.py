"""helpers.claims: the sentence follows the outcome, and the record reads back as plain Python."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from helpers.claims import ClaimsRecord, plain


def test_the_sentence_follows_the_outcome():
    record = ClaimsRecord(glue=False)
    shown = record.claim(
        "wide",
        holds=np.float32(0.1) < 0.2,
        values={"error": np.float32(0.1)},
        true="ok {error:.2f}",
        false="no {error:.2f}",
    )
    failed = record.claim("narrow", holds=False, values={"error": 0.5}, true="ok {error:.1f}", false="no {error:.1f}")
    assert (shown, failed) == ("ok 0.10", "no 0.5")
    assert [claim.id for claim in record.failed()] == ["narrow"]


def test_the_record_reads_back_with_literal_eval():
    record = ClaimsRecord(glue=False)
    record.claim(
        "a",
        holds=True,
        values={"x": np.int64(3), "rates": np.array([0.5, 1.0]), "gap": float("nan")},
        true="t",
        false="f",
    )
    back = ast.literal_eval(repr(record.as_list()))
    assert back == [{"id": "a", "text": "t", "holds": True, "values": {"x": 3, "rates": [0.5, 1.0], "gap": None}}]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(id="Bad id", holds=True, values={}), "id must be"),
        (dict(id="a", holds=1, values={}), "holds"),
        (dict(id="a", holds=True, values=[1]), "values must be a dict"),
        (dict(id="a", holds=True, values={"x": object()}), "claim values must be"),
    ],
)
def test_bad_claims_are_refused(arguments, message):
    with pytest.raises((ValueError, TypeError), match=message):
        ClaimsRecord(glue=False).claim(true="t", false="f", **arguments)


def test_an_id_is_used_once():
    record = ClaimsRecord(glue=False)
    record.claim("a", holds=True, values={}, true="t", false="f")
    with pytest.raises(ValueError, match="recorded already"):
        record.claim("a", holds=True, values={}, true="t", false="f")


def test_plain_refuses_nothing_it_can_carry():
    assert plain({"k": (1, 2.5, "x", None, True)}) == {"k": [1, 2.5, "x", None, True]}
