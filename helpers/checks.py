"""Argument checks shared by every chapter.

Each check raises a ``ValueError`` that names the argument, says what it got and what is
allowed, so a reader's typo never surfaces as a traceback from deep inside TensorFlow.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np


def check_int(name: str, value: object, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer within ``[minimum, maximum]``.

    Booleans are refused: ``True`` is an ``int`` to Python but never what a reader meant.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}{_range_hint(minimum, maximum)}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}{_range_hint(minimum, maximum)}, got {value}")
    return value


def check_float(name: str, value: object, minimum: float | None = None, maximum: float | None = None,
                inclusive_minimum: bool = True) -> float:
    """Return ``value`` as a ``float`` if it is a real number in the allowed range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None:
        too_small = value < minimum if inclusive_minimum else value <= minimum
        if too_small:
            relation = "at least" if inclusive_minimum else "greater than"
            raise ValueError(f"{name} must be {relation} {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def check_int_tuple(name: str, values: object, minimum: int | None = None,
                    maximum: int | None = None) -> tuple[int, ...]:
    """Return a non-empty tuple of distinct integers, each within ``[minimum, maximum]``.

    A single integer is accepted and wrapped, so ``seeds=3`` means ``seeds=(3,)``.
    """
    if isinstance(values, numbers.Integral) and not isinstance(values, bool):
        values = (values,)
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be an integer or a sequence of integers, got {values!r}")
    checked = tuple(check_int(f"{name} entry", value, minimum, maximum) for value in values)
    if not checked:
        raise ValueError(f"{name} must not be empty")
    if len(set(checked)) != len(checked):
        raise ValueError(f"{name} must not repeat a value, got {checked}")
    return checked


def check_choice(name: str, value: object, allowed: Iterable[object]) -> object:
    """Return ``value`` if it is one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def _range_hint(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f" (allowed: {minimum}..{maximum})"
    return ""
