"""Chapter 3: the sequence-to-sequence LSTM that adds numbers written as strings.

This reproduces the Keras example "Sequence to sequence learning for performing number
addition" (Smerity and others; see ``book/references.md``): a question such as ``"535+61"``
is padded, optionally reversed, one-hot encoded and read by an LSTM encoder whose last state
a second LSTM unrolls into the answer ``"596"``, one character per step.

Two named configurations of the same network: ``ORIGINAL`` (the example's settings) and the
book's, the defaults of ``train_adder`` (``Seq2SeqSettings``). What was tried on the way to
the book's settings, and how it was timed, is in ``book/notes/03_string_addition.md``.

Validation steers, test reports: the monitor's checks (the decay trigger, the close checks,
the stop) read the validation questions, the last 10% of the draw as in the example;
``test_scores`` and the tables score test questions that neither set holds.

Modules, one per concern:

- ``data``: drawing, encoding and checking questions; the validation split; test questions.
- ``model``: the network (``build_adder``), its answers (``add``) and scores.
- ``settings``: ``Seq2SeqSettings`` (the book's) and ``ORIGINAL`` (the example's).
- ``schedules``: the learning-rate schedules (``learning_rate_at``).
- ``monitor``: ``ExactMatchMonitor``, the callback that steers from the validation questions.
- ``training``: ``train_adder``, ``fit_adder``, ``test_scores``, ``epochs_to``.
- ``tables``: the chapter's results table and exact-match by operand length.
"""

from helpers.string_addition.seq2seq.data import (
    CHAR_INDEX,
    CHARS,
    EXAMPLE_SIZES,
    MAX_DIGITS,
    Questions,
    answer_length,
    check_question,
    decode,
    distinct_pairs,
    encode_questions,
    make_questions,
    question_length,
    questions_of_length,
    split,
    test_questions,
)
from helpers.string_addition.seq2seq.model import (
    add,
    add_with_confidence,
    build_adder,
    character_accuracy,
    exact_match,
    predict,
)
from helpers.string_addition.seq2seq.monitor import ExactMatchMonitor, score
from helpers.string_addition.seq2seq.schedules import adaptive_span, adaptive_start, learning_rate_at
from helpers.string_addition.seq2seq.settings import OPTIMIZERS, ORIGINAL, SCHEDULES, Seq2SeqSettings
from helpers.string_addition.seq2seq.tables import (
    FIXED_LENGTH_RECIPE,
    TABLE_HEADERS,
    TABLE_PRESETS,
    exact_by_length,
    readable_table,
    results_table,
    table_row,
)
from helpers.string_addition.seq2seq.training import (
    N_TEST,
    adder_questions,
    checked_settings,
    epochs_to,
    fit_adder,
    test_scores,
    train_adder,
)

__all__ = [
    "CHARS",
    "CHAR_INDEX",
    "EXAMPLE_SIZES",
    "FIXED_LENGTH_RECIPE",
    "MAX_DIGITS",
    "N_TEST",
    "OPTIMIZERS",
    "ORIGINAL",
    "SCHEDULES",
    "TABLE_HEADERS",
    "TABLE_PRESETS",
    "ExactMatchMonitor",
    "Questions",
    "Seq2SeqSettings",
    "adaptive_span",
    "adaptive_start",
    "add",
    "add_with_confidence",
    "adder_questions",
    "answer_length",
    "build_adder",
    "character_accuracy",
    "check_question",
    "checked_settings",
    "decode",
    "distinct_pairs",
    "encode_questions",
    "epochs_to",
    "exact_by_length",
    "exact_match",
    "fit_adder",
    "learning_rate_at",
    "make_questions",
    "predict",
    "question_length",
    "questions_of_length",
    "readable_table",
    "results_table",
    "score",
    "split",
    "table_row",
    "test_questions",
    "test_scores",
    "train_adder",
]
