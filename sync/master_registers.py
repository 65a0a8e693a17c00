"""The register sheets of the master (calls, visits, leads, shipments): each register's
current records in the master's window as one long table, oldest first, with the
columns every sheet shares for a record (its template headers, where it was typed, a
shipment's status). `salesflow export` writes the same columns (`register_rows`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sheets_templates.flags import SHIPMENT_STATUS, Receivable
from sheets_templates.registers import REGISTERS, Field, Kind
from sheets_templates.words import Lang

from . import master_words as w
from .master_model import DATE, INT, MONEY, NUMBER, TEXT, TIME, Column, Row, Table
from .window import Window, within

_KINDS = {
    Kind.DATE: DATE,
    Kind.TIME: TIME,
    Kind.MONEY: MONEY,
    Kind.QUANTITY: NUMBER,
}
"""A register field's column kind, by the field's value kind (others: text)."""

_YES_NO = {
    name: {f.name for f in register.fields if f.kind is Kind.YES_NO}
    for name, register in REGISTERS.items()
}


def source_columns(lang: Lang) -> list[Column]:
    """Where a row was typed: file, sheet and row (the tail of many tables)."""
    return [Column(w.FILE(lang)), Column(w.SHEET(lang)), Column(w.ROW(lang), INT)]


def shipment_status(status: str, lang: Lang) -> str:
    """A shipment line's status (待发货 … 已结清) in the team's language."""
    return SHIPMENT_STATUS[status](lang)


def field_column(f: Field, lang: Lang) -> Column:
    """A register field's column: its template header, its kind's format."""
    return Column(f.header(lang), _KINDS.get(f.kind, TEXT))


def register_columns(register: str, lang: Lang) -> tuple[list[str], list[Column]]:
    """(field names, columns) of a register sheet, before the derived columns."""
    reg = REGISTERS[register]
    names = [f.name for f in reg.record_fields]
    columns = [field_column(f, lang) for f in reg.record_fields]
    return names, columns


def _get_or(name: str, blank: Any) -> Callable[[Row], Any]:
    return lambda r: r.get(name) or blank


_SORT_KEYS: dict[str, tuple[Callable[[Row], Any], ...]] = {
    "calls": (itemgetter("date"), _get_or("time", datetime.min.time()), itemgetter("rep")),
    "visits": (itemgetter("date"), itemgetter("rep")),
    "leads": (itemgetter("rep"), _get_or("registered", date.min)),
    "shipments": (itemgetter("date"), itemgetter("order_no")),
}
"""The order of each register sheet, most significant key first."""


def sorted_by(records: Iterable[Row], keys: Sequence[Callable[[Row], Any]]) -> list[Row]:
    """`records` ordered by `keys`: one stable sort per key, least significant first,
    since one value compares much faster than a tuple of them (a third less time on a
    100k-row register)."""
    out = list(records)
    for key in reversed(keys):
        out.sort(key=key)
    return out


def register_table(
    register: str,
    records: Iterable[Row],
    window: Window,
    as_of: date,
    lang: Lang,
    receivables: Iterable[Receivable] = (),
    texts_fit: bool = False,
) -> Table:
    """A register's `records` in the `window` of `as_of`, oldest first, under a title
    line that says the window and its rows (`register_rows`: a shipment's `receivables`;
    `Table.texts_fit`)."""
    shown = within(register, records, window.span(as_of))
    columns, rows = register_rows(register, shown, receivables, lang)
    title = window.title(as_of, len(rows), lang)
    return Table(title, columns, rows, autofilter=True, texts_fit=texts_fit)


def register_rows(
    register: str, records: Iterable[Row], receivables: Iterable[Receivable], lang: Lang
) -> tuple[list[Column], list[list[Any]]]:
    """A register sheet's columns and rows: `records` oldest first, with where each was
    typed. Shipments add the derived outstanding, status and days overdue (from
    `receivables`, which hold the very records); yes/no fields read 是/否 (Yes/No), so a
    manager filters on words."""
    names, columns = register_columns(register, lang)
    yes, no = w.YES(lang), w.NO(lang)
    yes_no = [i for i, name in enumerate(names) if name in _YES_NO[register]]
    derived: dict[int, Any] = {}
    if register == "shipments":
        derived = {id(r.record): r for r in receivables}
        columns += [
            Column(w.OUTSTANDING(lang), MONEY),
            Column(w.STATUS(lang)),
            Column(w.OVERDUE_DAYS(lang), INT),
        ]
    columns += [Column(w.EXTRA(lang)), *source_columns(lang)]
    rows = []
    for r in sorted_by(records, _SORT_KEYS[register]):
        row = list(map(r.get, names))
        for i in yes_no:
            if row[i] is not None:
                row[i] = yes if row[i] else no
        if derived:
            line = derived[id(r)]
            row += [
                line.outstanding,
                shipment_status(line.status, lang),
                line.overdue_days or None,
            ]
        extra = r.get("extra")
        row.append("; ".join(f"{k}: {v}" for k, v in extra.items()) if extra else None)
        row.extend(r["source"])
        rows.append(row)
    return columns, rows
