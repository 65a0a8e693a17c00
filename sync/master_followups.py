"""The master's follow-up sheet, 今天先联系谁: every rep's list for today (`followups`),
a row per thing to do, with the contact and phone to do it with. The meeting sheets
only count it (no phone number on a projected sheet); this is the reps' working list,
filterable by rep."""

from __future__ import annotations

from typing import Any

from sheets_templates.followups import REASONS, detail
from sheets_templates.words import Lang, Text

from . import master_words as w
from .master_model import DATE, TEXT, WARN, Column, MasterInput, Table

TITLE = Text(
    "今天先联系谁（{day}）：约定的联系与拜访、逾期回款、停滞客户、久未联系的 A/B 类客户",
    "Contact today ({day}): promised calls and visits, overdue payments, stalled and "
    "quiet A/B customers",
)
REASON = Text("原因", "Why")


def follow_up_table(data: MasterInput, lang: Lang) -> Table:
    """A row per follow-up: rep, why, customer, contact, phone, the detail, its date."""
    rows: list[list[Any]] = [
        [f.rep, REASONS[f.reason](lang), f.customer, f.contact, f.phone, detail(f, lang), f.day]
        for f in data.figures.follow_ups
    ]
    columns = [
        Column(w.REP(lang)),
        Column(REASON(lang), TEXT, {REASONS["stalled"](lang): WARN}),
        Column(w.CUSTOMER(lang)),
        Column(w.CONTACT(lang)),
        Column(w.PHONE(lang)),
        Column(w.DETAIL(lang)),
        Column(w.DATE(lang), DATE),
    ]
    title = TITLE(lang, day=data.as_of.isoformat())
    return Table(title, columns, rows, autofilter=True, empty=w.NONE(lang))
