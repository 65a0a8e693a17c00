"""How a figure stands against its target, in the three words every surface shows.

The master's KPI and meeting sheets, the rep's Today sheet, the CLI summary and
`sync --json` (which carries the keys) all say met / on pace / behind with these words,
so a rep and a manager read the same verdict for the same numbers. The rule and its
formula twin sit here with the words, because the Today sheet writes the words into
its formulas.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Literal

from .words import Lang, Text

Status = Literal["met", "on_pace", "behind"]

STATUS_WORDS: dict[str, Text] = {
    "met": Text("达标", "Met"),
    "on_pace": Text("进度正常", "On pace"),
    "behind": Text("落后", "Behind"),
}
"""A status's words, by its key (the key is what `sync --json` carries)."""


def status_of(actual: Decimal | int, target: Decimal | None, due: Decimal | None) -> Status | None:
    """met when the target is reached; on pace when what is due by now is reached;
    behind otherwise; None without a target."""
    if target is None:
        return None
    if Decimal(actual) >= target:
        return "met"
    return "behind" if due is not None and Decimal(actual) < due else "on_pace"


def status_formula(actual: str, target: str, due: str, lang: Lang) -> str:
    """`status_of` as a formula over cells (or expressions) holding the actual, the target
    and what is due by now, showing the words in `lang`; blank when the target is blank.

    Nested IFs, so the comparisons only ever see a number (see `rules.progress_formula`).
    """
    met, on_pace, behind = (STATUS_WORDS[k](lang) for k in ("met", "on_pace", "behind"))
    return (
        f'=IF(ISNUMBER({target}),IF({actual}>={target},"{met}",'
        f'IF({actual}>={due},"{on_pace}","{behind}")),"")'
    )


def short_by(actual: Decimal | int, due: Decimal) -> int:
    """How many more (whole calls, visits…) reach what is due: 0 once it is reached.

    What the Today sheet says instead of a decimal to compare ("12:00 前还差 3 个"):
    a due 14.8 with 12 done is 3 more."""
    gap = due - Decimal(actual)
    return max(0, int(gap.to_integral_value(ROUND_CEILING)))


def short_by_formula(actual: str, due: str) -> str:
    """`short_by` as an expression (no `=`), for a sentence formula to embed.

    Rounded up as `-INT(-x)` (INT is in every engine's table; ROUNDUP is not), after
    rounding to 9 places: a due of 37 × 0.4 carries binary noise (14.8000…01), and
    rounding that up would make a whole number one more."""
    return f"MAX(0,-INT(-ROUND({due}-{actual},9)))"
