"""The words the rep template's dropdowns offer, per register column.

A rep may still type anything else: a choice list helps, it never refuses (the meeting
counts the day's objections by the kind filed, listed or not). The rules read
`VISIT_TYPES` to tell a cold visit.
"""

from __future__ import annotations

from .words import Text

CALL_OUTCOMES: tuple[Text, ...] = (
    Text("有意向", "Interested"),
    Text("约面谈", "Meeting booked"),
    Text("已加微信", "WeChat added"),
    Text("稍后回电", "Call back later"),
    Text("暂无需求", "No need now"),
    Text("无人接听", "No answer"),
    Text("拒绝", "Refused"),
    Text("空号错号", "Wrong number"),
)
"""The call outcomes the template's dropdown offers; anything else typed is kept."""
OBJECTION_KINDS: tuple[Text, ...] = (
    Text("价格", "Price"),
    Text("需求", "Need"),
    Text("信任", "Trust"),
    Text("时机", "Timing"),
    Text("竞品", "Competitor"),
    Text("其他", "Other"),
)
"""The kinds an objection is filed under (`objection_kind`), for the dropdown and for
counting the day's objections by kind; anything else typed is kept as typed."""

VISIT_TYPES: dict[str, str] = {"陌生拜访": "cold", "计划拜访": "planned", "回访": "return"}
"""Visit types as the template offers them, with their English words."""

LEAD_SOURCES: tuple[str, ...] = ("电话", "转介绍", "陌生拜访", "网络", "展会", "其他")
"""The lead sources the template offers; anything else typed is kept as typed."""
