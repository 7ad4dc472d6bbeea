"""Argument checks shared by every chapter.

Each check raises a ``ValueError`` that names the argument, says what it got and what is
allowed, so a reader's typo never surfaces as a traceback from deep inside TensorFlow.

``check_parameters`` checks a chapter's parameters cell with a small type language
(``int``, ``[int]``, ``(int, type(None))``, ``{int: dict}``). It stays because it is the
simplest thing that does the job: about fifty lines, no dependency, and the error it writes
is the one a reader needs (the parameter, what it got, "a list of integers", and, for a list
passed as text, papermill's ``-y`` fix). The alternatives were heavier for the same result:
pydantic or typeguard add a dependency bigger than this module and word their errors for
programmers (``list_type``, ``Input should be a valid list``), not for papermill users; and
Python's own annotations (``list[int]``, ``int | None``) would need the same walk through
``typing.get_origin`` / ``get_args`` plus the same wording table, so they would move the
code, not remove it.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable
from pathlib import Path

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


def check_float(
    name: str, value: object, minimum: float | None = None, maximum: float | None = None, inclusive_minimum: bool = True
) -> float:
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


def check_int_tuple(
    name: str, values: object, minimum: int | None = None, maximum: int | None = None
) -> tuple[int, ...]:
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


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` as a ``bool`` if it is ``True`` or ``False`` (NumPy's booleans too).

    ``1``, ``"yes"`` and ``None`` are refused: a switch is on or off, never guessed.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_choice(name: str, value: object, allowed: Iterable[object]) -> object:
    """Return ``value`` if it is one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def check_file(name: str, path: object) -> Path:
    """Return ``path`` as a ``Path`` if it names an existing file."""
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"{name} must be a file path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{name}: no such file {path}")
    return path


def _range_hint(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f" (allowed: {minimum}..{maximum})"
    return ""


def _describe(expected: object) -> str:
    """Words for a parameter type of ``check_parameters``' small type language."""
    if isinstance(expected, list):
        item = expected[0]
        plural = {int: "integers", float: "numbers", str: "strings", bool: "booleans", dict: "dicts"}
        return f"a list of {plural.get(item) or _describe(item)}"
    if isinstance(expected, tuple):
        return " or ".join(_describe(option) for option in expected)
    if isinstance(expected, dict):
        ((key, value),) = expected.items()
        return f"a dict from {_describe(key)} to {_describe(value)}"
    return {
        int: "an integer",
        float: "a number",
        str: "a string",
        bool: "True or False",
        dict: "a dict",
        type(None): "None",
    }.get(expected, getattr(expected, "__name__", str(expected)))


def _matches(value: object, expected: object) -> bool:
    if isinstance(expected, list):
        return isinstance(value, (list, tuple)) and all(_matches(item, expected[0]) for item in value)
    if isinstance(expected, tuple):
        return any(_matches(value, option) for option in expected)
    if isinstance(expected, dict):
        ((key_type, value_type),) = expected.items()
        return isinstance(value, dict) and all(
            _matches(k, key_type) and _matches(v, value_type) for k, v in value.items()
        )
    if expected is bool:
        return isinstance(value, (bool, np.bool_))
    if isinstance(value, (bool, np.bool_)):
        return False  # True is an int to Python, never what a reader meant by a number
    if expected is float:
        return isinstance(value, numbers.Real)
    if expected is int:
        return isinstance(value, numbers.Integral)
    return isinstance(value, expected)


def check_parameters(values: dict[str, object], expected: dict[str, object]) -> None:
    """Check a chapter's ``parameters`` cell right after it runs, before any training.

    ``values`` is usually ``globals()``; ``expected`` maps each parameter name to a type:
    ``int``, ``float`` (ints accepted), ``str``, ``bool``, ``dict``, ``type(None)``, ``[int]``
    for a list of ints, ``(int, type(None))`` for either, ``{int: dict}`` for a dict. A
    mismatch is a ``ValueError`` naming the parameter, what it got and what is expected, with
    a hint for papermill's ``-p``, which passes lists as strings (``-y`` parses YAML).
    """
    problems = []
    for name, kind in expected.items():
        if name not in values:
            problems.append(f"parameter {name} is missing (expected {_describe(kind)})")
            continue
        value = values[name]
        if not _matches(value, kind):
            hint = ""
            if isinstance(value, str) and not _matches("", kind):
                hint = (
                    f"; papermill's -p passes text, so give lists and dicts as YAML: "
                    f'papermill ... -y "{name}: {value}"'
                )
            problems.append(f"parameter {name} must be {_describe(kind)}, got {value!r} ({type(value).__name__}){hint}")
    if problems:
        raise ValueError("; ".join(problems))
