"""Claims: every sentence that states a result of this run, written from the numbers.

A chapter never types a verdict into its prose. It records a *claim* instead: an id, the
numbers the verdict rests on, whether it holds, and two sentences, one for each outcome. The
sentence shown is chosen by the outcome, so a run in which a claim fails says so in words::

    claims = ClaimsRecord()
    claims.claim(
        "wide_helps",
        holds=wide_error < narrow_error,
        values={"wide": wide_error, "narrow": narrow_error},
        true="The 16-unit networks miss by {wide:.2f} on average, the 1-unit ones by {narrow:.2f}.",
        false="Wider did not help this time: {wide:.2f} against {narrow:.2f}.",
    )
    ...
    claims.glue_record()   # once, in the chapter's last cell

``claim`` glues the sentence at once as ``claim_<id>`` (the prose shows it with
``{glue:text}`claim_<id>```; myst-nb reads the quotes of a glued string away) and returns
it. ``glue_record`` glues the whole record as ``claims``: a list of ``{"id", "text", "holds",
"values"}`` dicts in plain Python values, so that the tests read it back with
``ast.literal_eval`` and check each claim against a computation of their own.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

from helpers.checks import check_bool

__all__ = ["Claim", "ClaimsRecord", "plain"]

_ID = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Claim:
    """One verdict of a run: the sentence shown, whether it holds, and the numbers behind it."""

    id: str
    text: str
    holds: bool
    values: dict


def plain(value: object) -> object:
    """``value`` as plain Python (``int``, ``float``, ``str``, ``bool``, ``None``, lists, dicts).

    NumPy scalars and arrays become Python numbers and lists, tuples become lists. A float
    that is not finite becomes ``None`` (``ast.literal_eval`` cannot read ``nan``).
    """
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        value = value.tolist()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    raise TypeError(f"claim values must be numbers, strings, booleans, lists or dicts, not {type(value).__name__}")


class ClaimsRecord:
    """The claims of one chapter run, in the order they were made."""

    def __init__(self, glue: bool = True):
        #: Glue each sentence as it is made (off in unit tests, which have no notebook).
        self._glue = glue
        self._claims: dict[str, Claim] = {}

    def claim(self, id: str, holds: object, values: dict, true: str, false: str) -> str:
        """Record a claim and return (and glue as ``claim_<id>``) the sentence for its outcome.

        ``true`` and ``false`` are format strings filled from ``values``; ``holds`` must be a
        boolean (NumPy booleans are accepted). An id is used once per record.
        """
        if not isinstance(id, str) or not _ID.fullmatch(id):
            raise ValueError(
                f"id must be lower-case letters, digits and underscores, starting with a letter; got {id!r}"
            )
        if id in self._claims:
            raise ValueError(f"claim id {id!r} is recorded already")
        holds = check_bool(f"holds (claim {id!r})", holds)
        if not isinstance(values, dict):
            raise TypeError(f"values must be a dict, got {type(values).__name__} for claim {id!r}")
        values = plain(values)
        text = (true if holds else false).format(**values)
        self._claims[id] = Claim(id=id, text=text, holds=holds, values=values)
        if self._glue:
            from myst_nb import glue

            glue(f"claim_{id}", text, display=False)
        return text

    @property
    def claims(self) -> list[Claim]:
        return list(self._claims.values())

    def failed(self) -> list[Claim]:
        """The claims that did not hold in this run."""
        return [claim for claim in self._claims.values() if not claim.holds]

    def as_list(self) -> list[dict]:
        """The record as plain dicts (what ``glue_record`` glues)."""
        return [asdict(claim) for claim in self._claims.values()]

    def glue_record(self) -> list[dict]:
        """Glue the whole record as ``claims`` (once, at the end of the chapter) and return it."""
        from myst_nb import glue

        record = self.as_list()
        glue("claims", record, display=False)
        return record
