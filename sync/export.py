"""`salesflow export`: any date slice of the store's current records, as an `.xlsx`
workbook (a sheet per register, split at Excel's row limit) or `.csv` files.

The master shows a window; the store keeps everything, and this is how the rest of the
history leaves it: the same records the master's register sheets would show with
`--window all` (each record once, reps by their roster names), in the same columns,
written by the master's own writer (`master_xlsx`), so every reader that opens the
master opens an export.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sheets_templates.codec import decode_record, decode_records
from sheets_templates.flags import receivables
from sheets_templates.words import Lang, Text

from .current import place
from .excel_text import looks_like_formula
from .master_model import MasterSheet, Row, Table
from .master_registers import register_rows
from .master_words import SHEET_TITLES
from .master_xlsx import write_xlsx
from .sheet_limits import EXCEL_MAX_ROWS, Cut, fit_sheets
from .store import CurrentRecord, Store, current_records
from .team import apply_roster, load_roster
from .window import record_day

PART = Text("{title} ({n})", "{title} ({n})")
"""The title of a register's second, third … sheet when it passes the row limit."""


@dataclass(frozen=True)
class Written:
    """One sheet (xlsx) or file (csv) an export wrote, its data rows, and the texts
    cut to fit Excel's cells (`sheet_limits`; a CSV holds every text whole)."""

    path: Path
    sheet: str | None
    register: str
    rows: int
    cuts: tuple[Cut, ...] = ()


def slice_records(
    store: Store, start: date | None, end: date | None, registers: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """The current records of `registers` dated from `start` to `end` (both included;
    None: open), each record once, reps by their roster names. With a bound, a record
    without a date is left out: it is in no slice (the master shows those).

    Streamed from the store: a record outside the slice is looked at and dropped, so
    memory follows the slice, not the history. Copies of a record (the same data in two
    places) are one record, shown where it comes first, as on the master
    (`current.first_of_each_record`); they share their date, so a slice holds all or
    none of them.
    """
    bounded = start is not None or end is not None
    low, high = start or date.min, end or date.max
    kept: dict[tuple[str, str], CurrentRecord] = {}
    for row in current_records(store):
        if row.register not in registers:
            continue
        ident = (row.register, row.data_hash)
        known = kept.get(ident)
        if known is not None:
            if place(row) < place(known):
                kept[ident] = row
            continue
        if bounded:
            day = record_day(row.register, decode_record(row.register, row.data))
            if day is None or not low <= day <= high:
                continue
        kept[ident] = row
    out: dict[str, list[dict[str, Any]]] = {}
    for register in registers:
        rows = [r for r in kept.values() if r.register == register]
        records = decode_records(register, [r.data for r in rows])
        for values, row in zip(records, rows, strict=True):
            values["source"] = place(row)
        out[register] = records
    apply_roster(out, load_roster(store, None), {})
    return out


def register_sheets(
    records: Mapping[str, Sequence[Row]], as_of: date, lang: Lang, max_rows: int
) -> list[MasterSheet]:
    """A sheet per register in the master's columns, a register passing `max_rows`
    rows (the header's included) continued on `通话记录 (2)`, `(3)` …"""
    sheets = []
    for register, rows in records.items():
        owed = receivables(rows, as_of) if register == "shipments" else []
        columns, table_rows = register_rows(register, rows, owed, lang)
        title = SHEET_TITLES[register](lang)
        per_sheet = max_rows - 1
        starts = range(0, len(table_rows), per_sheet) if table_rows else range(1)
        for n, start in enumerate(starts, start=1):
            part = title if n == 1 else PART(lang, title=title, n=n)
            table = Table(None, columns, table_rows[start : start + per_sheet], autofilter=True)
            sheets.append(MasterSheet(register, part, [table], freeze=True))
    return sheets


def export_xlsx(
    records: Mapping[str, Sequence[Row]],
    out: Path,
    as_of: date,
    lang: Lang,
    max_rows: int = EXCEL_MAX_ROWS,
) -> list[Written]:
    """Write `records` to the workbook `out`: the sheets of `register_sheets`, a text
    too long for a cell cut and named (`Written.cuts`)."""
    sheets = register_sheets(records, as_of, lang, max_rows)
    cuts = fit_sheets(sheets, lang, max_rows)
    write_xlsx(sheets, out)
    return [
        Written(
            out,
            s.title,
            s.key,
            len(s.tables[0].rows),
            tuple(c for c in cuts if c.sheet == s.title),
        )
        for s in sheets
    ]


def csv_paths(out: Path, registers: Sequence[str]) -> dict[str, Path]:
    """Where each register's CSV goes: `out` itself for one register, else a file per
    register beside it (`out-calls.csv`, `out-visits.csv`, …)."""
    if len(registers) == 1:
        return {registers[0]: out}
    return {r: out.with_name(f"{out.stem}-{r}{out.suffix}") for r in registers}


def csv_value(value: Any) -> str:
    """A cell as CSV text: dates ISO, times HH:MM, amounts exact. Text that a
    spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`,
    as Excel's own quote prefix, so opening the file never runs what a rep typed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if looks_like_formula(value) else value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def export_csv(
    records: Mapping[str, Sequence[Row]], out: Path, as_of: date, lang: Lang
) -> list[Written]:
    """Write `records` as CSV, UTF-8 with a BOM (so Excel reads the Chinese right): one
    file per register (`csv_paths`), the master's header first."""
    written = []
    for register, path in csv_paths(out, list(records)).items():
        rows = records[register]
        owed = receivables(rows, as_of) if register == "shipments" else []
        columns, table_rows = register_rows(register, rows, owed, lang)
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c.header for c in columns])
            writer.writerows([csv_value(v) for v in row] for row in table_rows)
        written.append(Written(path, None, register, len(table_rows)))
    return written
