"""How spreadsheets store what salesflow reads and writes: a time of day as the fraction
of a day it is, a failed formula as an error value (`#N/A`).

Every writer (the master's xlsx, the templates, the demo, Google's batch values, the
add-in's cell values) turns a `time` into that fraction; it is declared once here so
they all write the same number.
"""

from __future__ import annotations

from datetime import datetime, time

SECONDS_PER_DAY = 86400
ERROR_VALUES = frozenset(
    ["#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"]
)
"""The error values a cell shows when its formula fails, as a reader gets them (text)."""


def day_fraction(value: time | datetime) -> float:
    """A clock time as Excel's and Google's fraction of a day (12:00 → 0.5); the
    seconds count, anything finer does not (cells show whole seconds at most)."""
    return (value.hour * 3600 + value.minute * 60 + value.second) / SECONDS_PER_DAY
