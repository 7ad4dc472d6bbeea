"""Learning-rate schedules: constant (the example), cosine, trapezoid and the book's adaptive one."""

from __future__ import annotations

import math


def learning_rate_at(
    step: int,
    total_steps: int,
    warmup_steps: int,
    peak: float,
    schedule: str = "trapezoid",
    decay_fraction: float = 0.4,
    decay_start: int | None = None,
    decay_steps: int | None = None,
    floor: float = 0.0,
    floor_steps: int = 0,
) -> float:
    """The optimizer's learning rate at step ``step`` (0-based) of ``total_steps``.

    * ``"constant"``: ``peak`` throughout (the example).
    * ``"cosine"``: a linear warm-up over ``warmup_steps``, then a cosine down to 0 at the end.
    * ``"trapezoid"``: the same warm-up, ``peak`` held, then a straight line down to 0 over
      the last ``decay_fraction`` of the steps. Holding the rate high lets the network get
      past the plateau where it answers only some questions; decaying late settles it.
    * ``"adaptive"``: the same warm-up, ``peak`` held until step ``decay_start`` (``None``:
      not yet known), then a straight line that would reach 0 after ``decay_steps``; it
      stops at ``floor`` times the peak, which is held for ``floor_steps``, then 0. ``train_adder``
      starts the decay when the held-out exact-match first reaches ``decay_trigger``, or
      at the latest ``adaptive_span(...)`` steps before ``total_steps``: the network leaves the plateau
      after a number of steps that varies with the seed, and a decay that begins before
      that stalls it, one that begins long after wastes epochs.
    """
    if schedule == "constant":
        return peak
    if warmup_steps and step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    if schedule == "adaptive":
        decay_steps = max(1, decay_steps or 1)
        span = adaptive_span(decay_steps, floor, floor_steps)
        start = adaptive_start(total_steps, span, decay_start)
        if step >= start + span:
            return 0.0
        return peak * min(1.0, max(floor, 1.0 - (step - start) / decay_steps))
    if schedule == "cosine":
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return peak * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
    decay_steps = max(1, int(round(decay_fraction * total_steps)))
    return peak * min(1.0, max(0.0, (total_steps - step) / decay_steps))


def adaptive_span(decay_steps: int, floor: float = 0.0, floor_steps: int = 0) -> int:
    """Steps from the start of the adaptive decay to the end of training: the straight line
    down to ``floor`` (a share of the peak), then ``floor_steps`` at that floor."""
    return int(round(decay_steps * (1.0 - floor))) + floor_steps


def adaptive_start(total_steps: int, span: int, decay_start: int | None) -> int:
    """The step the adaptive decay starts at: ``decay_start`` (the trigger's check), but at
    the latest ``span`` steps before the end, so that the decay always finishes."""
    latest = total_steps - span
    return latest if decay_start is None else min(decay_start, latest)
