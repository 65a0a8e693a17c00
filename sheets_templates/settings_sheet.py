"""The rep workbook's settings sheet as data: each setting's key, label, starting value
and hint, and where it sits.

The reader takes the rep and the month's year from it; the Today sheet reads the day
and the clock; the writers fill it (`sync.templates_xlsx`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .words import Text


@dataclass(frozen=True)
class Setting:
    """One row of the settings sheet: its key, label, starting value, style and hint."""

    key: str
    label: Text
    value: str | None
    style: str
    hint: Text


SETTINGS = (
    Setting(
        "rep",
        Text("销售员", "Rep"),
        None,
        "text",
        Text(
            "填写你的名字：汇总时按这个名字归到你名下。",
            "Your name: the master files your records under it.",
        ),
    ),
    Setting(
        "team",
        Text("团队", "Team"),
        None,
        "text",
        Text("你所在的团队或小组。", "Your team or group."),
    ),
    Setting(
        "month",
        Text("月份", "Month"),
        None,
        "text",
        Text(
            "本表记录的月份，如 2026-11（没有年份的日期按这个年份读）。",
            "The month this workbook covers, like 2026-11 (gives dates without a year their year).",
        ),
    ),
    Setting(
        "day",
        Text("今天", "Today"),
        "=TODAY()",
        "date",
        Text(
            "自动为今天（=TODAY()）。改成某一天，今日表就显示那一天。",
            "Today by default (=TODAY()). Type another day to see that day's progress.",
        ),
    ),
    Setting(
        "clock",
        Text("现在", "Now"),
        "=TIME(HOUR(NOW()),MINUTE(NOW()),0)",
        "time",
        Text(
            "自动为此刻（精确到分钟），用于计算有效通话节奏。",
            "The time now (to the minute), for the effective-call pace.",
        ),
    ),
)
"""The settings sheet's rows: key, starting value, style. The reader takes the rep and
the month's year from it; the Today sheet reads the day and the clock (both may be
typed over, to look at another day)."""


def setting_cell(key: str) -> str:
    """Where a setting's value sits on the settings sheet (`B2`...)."""
    return f"B{2 + [s.key for s in SETTINGS].index(key)}"
