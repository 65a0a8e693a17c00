"""Dates typed as text (`2026.11.30`, `2026/11/30`, `11月30日`), as a formula sees them.

`values.parse_date` reads these; the Today sheet's counts must count them too, or a
rep's day differs between the sheet and `check` without a word. A formula cannot parse
a date in every engine alike (DATEVALUE follows the locale), so it goes the other way
round: it spells the one day it counts in every form a rep types, after folding the
cell's text the same way (separators to `-`, spaces and 日/号 dropped, leading zeros
of month and day dropped), and compares. What such a comparison cannot see — a time
after the date, full-width digits — is flagged red instead (`text_date_flagged`).
"""

from __future__ import annotations

from typing import Any

from .problems import display

_DROPPED = (" ", "日", "号")
_TO_DASH = ("年", "月", ".", "/")
SEPARATORS = _DROPPED + _TO_DASH + ("-",)
"""What may sit between the digits of a date typed as text (`values._YMD`, `_MD`)."""


def _folded(cells: str) -> str:
    """The cells' text folded: `-` first, separators as `-`, no `-0` (so `2026年01月05日`
    and `2026-1-5` are both `-2026-1-5`)."""
    text = cells
    for ch in _DROPPED:
        text = f'SUBSTITUTE({text},"{ch}","")'
    for ch in _TO_DASH:
        text = f'SUBSTITUTE({text},"{ch}","-")'
    return f'SUBSTITUTE("-"&{text},"-0","-")'


def day_match_formula(cells: str, day: str) -> str:
    """1 or 0 per cell of a date column (inside an array-entered SUMPRODUCT): does it
    hold `day` as `values.parse_date` reads it?

    Numbers: the day itself (a real date) or `20261130`. Text only (a number like 11.3
    is no date): `2026-11-30` with any separators and padding, `11-30` (the year left
    to the reader: the day's own), `20261130`, and the serial `46356` as text.
    Terms are added and compared with 0, so a cell matching two spellings counts once.
    """
    y, m, d = f"YEAR({day})", f"MONTH({day})", f"DAY({day})"
    compact = f"({y}*10000+{m}*100+{d})"
    folded = _folded(cells)
    spellings = (
        f'"-"&{y}&"-"&{m}&"-"&{d}',
        f'"-"&{m}&"-"&{d}',
        f'"-"&{compact}',
        f'"-"&INT({day})',
    )
    text = "+".join(f"({folded}={s})" for s in spellings)
    return f"(({cells}={day})+({cells}={compact})+(1-ISNUMBER({cells}))*({text})>0)"


def text_date_flagged(raw: Any) -> bool:
    """A text date cell that holds more than digits and date separators (a time after the
    date, full-width digits, a word): the Today sheet does not count it, so it is shown
    red rather than silently left out. Numbers and blanks are never flagged."""
    if raw is None or isinstance(raw, bool | int | float):
        return False
    text = display(raw)
    if text == "":
        return False
    for ch in SEPARATORS:
        text = text.replace(ch, "")
    return not (text.isascii() and text.isdigit())


def text_date_flag_formula(ref: str) -> str:
    """`text_date_flagged` as a conditional-format formula over a date cell: after the
    separators are removed, what is left must read as a number (`--` of the text)."""
    digits = f'SUBSTITUTE({ref},":","x")'  # "2026112610:30" would read as a time
    for ch in SEPARATORS:
        digits = f'SUBSTITUTE({digits},"{ch}","")'
    return f'=IF(ISNUMBER({ref}),FALSE,IF({ref}="",FALSE,NOT(ISNUMBER(--{digits}))))'
