"""The KPI counts the store keeps per source, so a sync adds them up instead of reading
every record again.

A source's records are replaced whole, so what they count is kept per source and
replaced with them (`source_counts`, in the store's `replace_source`): each metric's
tally per (rep, day) (`kpi.record_tallies`), and of the gradings only those that can
decide anything across sources — per (rep, customer) the first dated one and the latest
one (`kpi.first_gradings`, `kpi.latest_gradings`), in the order they were typed. A sync
sums every source's (`counted`), takes away what the copies of a record counted a
second time (the duplicates of `current.first_of_each_record`), gives each written name
its rep's roster name, and has exactly the `kpi.Counted` of all the current records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sheets_templates import kpi
from sheets_templates.codec import decode_records
from sheets_templates.followups import PROMISES
from sheets_templates.roster import Roster
from sheets_templates.rules import customer_key

RECORD_DAY = {"calls": "date", "visits": "date", "leads": "registered", "shipments": "date"}
"""The field that dates a record of each register (the store's `versions.day`)."""

Placed = tuple[str, int, dict[str, Any]]
"""A record of a source with its place there: (sheet, row, typed values)."""


class TallyRow(NamedTuple):
    """One metric of one source for one rep on one day, as the store keeps it."""

    path: str
    rep: str
    day: str
    metric: str
    value: str


class GradingRow(NamedTuple):
    """A grading a source keeps; `seq` orders a source's gradings as they were typed."""

    path: str
    seq: int
    register: str
    rep: str
    customer: str
    customer_key: str
    day: str | None
    grade: str


Dated = tuple[str | None, str | None]
"""A record's day and the day it promises the next contact on (ISO text, or None)."""

StoredText = tuple[str, str, str, int, str, str]
"""A record as the store keeps it: register, natural key, sheet, row, data text, hash."""


@dataclass
class Kept:
    """What a source's records hold that the store keeps beside them, replaced with them
    (`kept_of`): each record's `Dated` by data hash (`versions.day`, `versions.promise`),
    each (rep, customer)'s latest calls (rep, customer key, day, key, data, hash, sheet,
    row), each rep name's first row on each sheet (rep, sheet, row), and the tallies and
    gradings (`source_counts`)."""

    days: dict[str, Dated]
    latest: list[tuple[str, str, str, str, str, str, str, int]]
    first_rows: list[tuple[str, str, int]]
    tallies: list[TallyRow]
    gradings: list[GradingRow]


def kept_of(path: str, records: Iterable[StoredText]) -> Kept:
    """What the store keeps of the source at `path` beside its `records`, from their
    texts: worked out where the source is read (a worker process), or by the store
    for records it holds already."""
    texts: dict[str, list[tuple[str, str, int, str, str]]] = {}
    for register, key, sheet, row, data, data_hash in records:
        texts.setdefault(register, []).append((key, sheet, row, data, data_hash))
    placed: dict[str, list[Placed]] = {}
    days: dict[str, Dated] = {}
    latest: dict[tuple[str, str], list[tuple[str, str, str, str, str, str, str, int]]] = {}
    for register, rows in texts.items():
        values = decode_records(register, [r[3] for r in rows])
        placed[register] = [(r[1], r[2], v) for r, v in zip(rows, values, strict=True)]
        promise = PROMISES[register][0] if register in PROMISES else None
        for (key, sheet, row, data, data_hash), v in zip(rows, values, strict=True):
            day = _iso(v.get(RECORD_DAY[register]))
            days[data_hash] = (day, _iso(v.get(promise) if promise else None))
            if register == "calls" and day and v.get("customer"):
                rep = v.get("rep") or ""
                line = (rep, customer_key(v["customer"]), day, key, data, data_hash, sheet, row)
                known = latest.setdefault(line[:2], [line])
                if day > known[0][2]:
                    known[:] = [line]
                elif day == known[0][2] and line is not known[0]:
                    known.append(line)
    first: dict[tuple[str, str], int] = {}
    for register_rows in placed.values():
        for sheet, row, typed in register_rows:
            at = (typed.get("rep") or "", sheet)
            first[at] = min(row, first.get(at, row))
    tallies, gradings = source_counts(path, placed)
    return Kept(
        days,
        [line for lines in latest.values() for line in lines],
        [(rep, sheet, row) for (rep, sheet), row in first.items()],
        tallies,
        gradings,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def source_counts(
    path: str, registers: Mapping[str, Iterable[Placed]]
) -> tuple[list[TallyRow], list[GradingRow]]:
    """What one source's records count, to keep beside them."""
    ordered = {
        register: [values for _sheet, _row, values in sorted(rows, key=lambda p: p[:2])]
        for register, rows in registers.items()
    }
    tallies = [
        TallyRow(path, rep, day.isoformat(), metric, str(value))
        for (rep, day), counts in kpi.record_tallies(ordered).items()
        for metric, value in counts.items()
    ]
    graded = kpi.gradings(ordered)
    kept = {id(g) for g in kpi.first_gradings(graded).values()}
    kept.update(id(g) for g in kpi.latest_gradings(graded).values())
    gradings = [
        GradingRow(
            path,
            seq,
            g.register,
            g.rep,
            g.customer,
            g.customer_key,
            g.day.isoformat() if g.day else None,
            g.grade,
        )
        for seq, g in enumerate(graded)
        if id(g) in kept
    ]
    return tallies, gradings


def _value(metric: str, text: str) -> int | Decimal:
    return Decimal(text) if metric in kpi.MONEY_METRICS else int(text)


def counted(
    tallies: Iterable[TallyRow],
    gradings: Iterable[GradingRow],
    reps: Iterable[str],
    copies: Mapping[str, Iterable[Mapping[str, Any]]],
    roster: Roster,
) -> kpi.Counted:
    """All the current records' `kpi.Counted`, from every source's kept counts (gradings
    in path then `seq` order), the written rep names of the records, and `copies`: the
    records counted a second time because two places hold them."""
    raw: dict[tuple[str, date], kpi.Tally] = {}
    for t in tallies:
        tally = raw.setdefault((t.rep, date.fromisoformat(t.day)), {})
        tally[t.metric] = tally.get(t.metric, 0) + _value(t.metric, t.value)
    kpi.add_tallies(raw, kpi.record_tallies(copies), sign=-1)
    names: dict[str, str] = {}

    def name(written: str) -> str:
        return names.get(written) or names.setdefault(written, roster.name_of(written))

    by_rep: dict[tuple[str, date], kpi.Tally] = {}
    for (rep, day), counts in raw.items():
        kpi.add_tallies(by_rep, {(name(rep), day): counts})
    graded = [
        kpi.Grading(
            name(g.rep),
            g.customer,
            g.customer_key,
            date.fromisoformat(g.day) if g.day else None,
            g.grade,
            g.register,
        )
        for g in gradings
    ]
    return kpi.Counted(frozenset(name(r) for r in reps if r), by_rep, graded)
