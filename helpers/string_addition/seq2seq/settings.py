"""Every knob of ``train_adder``: the book's settings (the defaults) and the example's (``ORIGINAL``)."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.checks import check_bool, check_choice, check_float, check_int
from helpers.string_addition.seq2seq.data import distinct_pairs


@dataclass(frozen=True)
class Seq2SeqSettings:
    """Every knob of ``train_adder``; the defaults are the book's fast configuration.

    ``ORIGINAL`` below holds the Keras example's values.
    """

    n_questions: int | None = None  # None: the example's size for these digits (EXAMPLE_SIZES)
    operand_digits: int | None = None  # train on operands of at most this many digits (None: digits)
    validation_split: float = 0.1  # the last 10% are held out, as in the example
    reverse: bool = True
    hidden_units: int = 128
    batch_size: int = 60  # 45,000 training questions = 750 full batches: no ragged last one
    optimizer: str = "nadam"  # "adam" or "nadam" (Adam with Nesterov momentum), see OPTIMIZERS
    learning_rate: float = 0.014  # peak learning rate
    beta_1: float = 0.9  # first-moment (momentum) decay (Keras' default: 0.9)
    beta_2: float = 0.99  # second-moment decay (Keras' default: 0.999)
    schedule: str = "adaptive"  # "adaptive", "trapezoid", "cosine" or "constant" (see learning_rate_at)
    warmup_epochs: float = 0.5  # linear warm-up (all schedules but constant)
    decay_fraction: float = 0.4  # trapezoid: linear decay to 0 over this last share of the steps
    decay_trigger: float = 0.3  # adaptive: the decay starts at the first check with this exact-match
    decay_epochs: float = 1.5  # adaptive: epochs the straight line from the peak to 0 spans
    decay_floor: float = 0.05  # adaptive: the line stops at this share of the peak (0: at 0) ...
    floor_epochs: float = 0.5  # ... which is held this many epochs, then training ends
    clipnorm: float | None = 1.0  # gradient clipping, None for none
    reshuffle: bool = False  # a new order every epoch; False: fit's order, one for all epochs (helpers.batches)
    epochs: int = 5  # the most epochs (the schedule spans them)
    target_exact: float | None = None  # stop once held-out exact-match reaches it (None: at the schedule's end)
    checks_per_epoch: int = 4  # held-out exact-match checks per epoch (the stop is tested at each)
    close_checks_from: float | None = 0.97  # from this exact-match on, check after every compiled call
    jit_compile: bool = False  # XLA (slower on 2 CPU cores: compiling costs more than it saves)
    fused_step: bool = True  # train through fused_step.adder_logits: same maths, cheaper (see that module)
    steps_per_execution: int = 30  # batches per compiled call: fewer Python round trips, same math
    show: int = 6  # held-out questions shown after each epoch (as fit in 80 characters)
    verbose: int = 2  # 0 silent, 1 one line per epoch, 2 plus example answers
    max_seconds: float | None = None  # stop after this much training time (None: no limit)
    stop_epoch: int | None = None  # stop after this epoch; the schedule still spans `epochs`

    def checked(self, digits: int) -> Seq2SeqSettings:
        drawn = digits
        if self.operand_digits is not None:
            drawn = check_int("operand_digits", self.operand_digits, 1, digits)
        if self.n_questions is not None:
            check_int("n_questions", self.n_questions, 20, distinct_pairs(drawn))
        check_float("validation_split", self.validation_split, 0.0, 0.5, inclusive_minimum=False)
        check_bool("reverse", self.reverse)
        check_bool("reshuffle", self.reshuffle)
        check_int("hidden_units", self.hidden_units, 1)
        check_int("batch_size", self.batch_size, 1)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_float("learning_rate", self.learning_rate, 0.0, inclusive_minimum=False)
        check_float("beta_1", self.beta_1, 0.0, 0.9999)
        check_float("beta_2", self.beta_2, 0.0, 0.9999, inclusive_minimum=False)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_float("warmup_epochs", self.warmup_epochs, 0.0)
        check_float("decay_fraction", self.decay_fraction, 0.0, 1.0, inclusive_minimum=False)
        check_float("decay_trigger", self.decay_trigger, 0.0, 1.0)
        check_float("decay_epochs", self.decay_epochs, 0.0, inclusive_minimum=False)
        check_float("decay_floor", self.decay_floor, 0.0, 0.99)
        check_float("floor_epochs", self.floor_epochs, 0.0)
        if self.clipnorm is not None:
            check_float("clipnorm", self.clipnorm, 0.0, inclusive_minimum=False)
        check_int("epochs", self.epochs, 1)
        if self.target_exact is not None:
            check_float("target_exact", self.target_exact, 0.0, 1.0, inclusive_minimum=False)
        check_int("checks_per_epoch", self.checks_per_epoch, 1, 100)
        if self.close_checks_from is not None:
            check_float("close_checks_from", self.close_checks_from, 0.0, 1.0)
        check_bool("jit_compile", self.jit_compile)
        check_bool("fused_step", self.fused_step)
        check_int("steps_per_execution", self.steps_per_execution, 1)
        check_int("show", self.show, 0)
        check_choice("verbose", self.verbose, (0, 1, 2))
        if self.max_seconds is not None:
            check_float("max_seconds", self.max_seconds, 0.0, inclusive_minimum=False)
        if self.stop_epoch is not None:
            check_int("stop_epoch", self.stop_epoch, 1, self.epochs)
        return self


SCHEDULES = ("adaptive", "trapezoid", "cosine", "constant")
#: Optimizers ``train_adder`` can use (Keras classes, same arguments).
OPTIMIZERS = ("adam", "nadam")

#: The Keras example's settings, to pass as ``train_adder(3, **ORIGINAL)``: batch 32, Adam
#: with Keras' defaults, 30 epochs, held-out accuracy looked at once per epoch, and a new
#: order of the questions every epoch: the example sets no seed, so ``fit`` reshuffles (a
#: seeded ``fit`` repeats one order, see ``helpers.batches``; both reached 99% at epoch 17,
#: seed 0).
ORIGINAL = {
    "reshuffle": True,
    "batch_size": 32,
    "optimizer": "adam",
    "learning_rate": 0.001,
    "beta_1": 0.9,
    "beta_2": 0.999,
    "schedule": "constant",
    "clipnorm": None,
    "epochs": 30,
    "target_exact": None,
    "checks_per_epoch": 1,
    "close_checks_from": None,
    "jit_compile": False,
    "fused_step": False,
    "steps_per_execution": 1,
}
