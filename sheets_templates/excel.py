"""How a spreadsheet stores a time of day: as the fraction of a day it is.

Every writer (the master's xlsx, the templates, the demo, Google's batch values, the
add-in's cell values) turns a `time` into that fraction; it is declared once here so
they all write the same number.
"""

from __future__ import annotations

from datetime import datetime, time

SECONDS_PER_DAY = 86400


def day_fraction(value: time | datetime) -> float:
    """A clock time as Excel's and Google's fraction of a day (12:00 → 0.5); the
    seconds count, anything finer does not (cells show whole seconds at most)."""
    return (value.hour * 3600 + value.minute * 60 + value.second) / SECONDS_PER_DAY
