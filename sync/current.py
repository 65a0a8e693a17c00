"""The current registers as a sync reads them back from the store, and what changed.

Each record once (`first_of_each_record`: of copies with the same data, the first by
place), streamed from the store and decoded a batch at a time (`load_current`), so the
record texts are never all held at once; the rep names and record counts come from
the store without decoding
(`written_names`, `Store.record_counts`). `count_changes` counts the sync's changes by
identity from the versions of the keys that can have changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sheets_templates.codec import decode_record, decode_records
from sheets_templates.registers import REGISTERS
from sheets_templates.roster import Roster

from .identity import base_key, pair
from .master_model import Duplicate
from .master_words import DUP_OTHER
from .store import CurrentRecord, OpenVersion, Store


@dataclass
class Changes:
    added: int = 0
    updated: int = 0
    removed: int = 0


Row = TypeVar("Row", bound=OpenVersion | CurrentRecord)
"""An open version, with or without its data."""


@dataclass
class Current:
    """The current registers (typed records with `source`), each record once; `copies`
    are the records a second place holds too (typed, as written there), and
    `duplicates` flag them."""

    registers: dict[str, list[dict[str, Any]]]
    copies: dict[str, list[dict[str, Any]]]
    duplicates: list[Duplicate]


def place(row: OpenVersion | CurrentRecord) -> tuple[str, str, int]:
    """Where a version was typed: (path, sheet, row), the order copies are ranked in."""
    return row.path, row.sheet, row.row


def first_of_each_record(
    rows: Iterable[Row],
) -> tuple[dict[tuple[str, str], Row], list[Row]]:
    """Each record once, by (register, data hash): of copies with the same data, the one
    first in (path, sheet, row) order wins and the others are duplicates (a record kept
    in two files, or two sheets of one file). Rows that share a natural key but differ
    in any field are distinct records (see `identity`)."""
    best: dict[tuple[str, str], Row] = {}
    duplicates: list[Row] = []
    for row in rows:
        ident = (row.register, row.data_hash)
        known = best.get(ident)
        if known is None:
            best[ident] = row
        elif place(row) < place(known):
            duplicates.append(known)
            best[ident] = row
        else:
            duplicates.append(row)
    return best, duplicates


DECODE_BATCH = 20_000
"""Record texts decoded at a time while the registers stream in from the store."""


def load_current(store: Store, office: str = "") -> Current:
    """The current registers from the open versions (a named office's only, as
    `Store.current_records`), each record once; the copies of an earlier source's record
    (the same data) are duplicates: flagged, not counted again.

    Which versions are copies is found from the store's hashes (`Store.copies`), so the
    records stream in and are decoded a batch at a time: the record texts of a whole
    register are never held at once."""
    best, losers = first_of_each_record(store.copies(office))
    skipped = {place(row) for row in losers}
    registers: dict[str, list[dict[str, Any]]] = {name: [] for name in REGISTERS}
    batches: dict[str, list[CurrentRecord]] = {name: [] for name in REGISTERS}

    def decode(register: str) -> None:
        rows = batches[register]
        values = decode_records(register, [r.data for r in rows])
        for record, row in zip(values, rows, strict=True):
            record["source"] = place(row)
        registers[register] += values
        rows.clear()

    for row in store.current_records(office):
        if place(row) in skipped:
            continue
        batch = batches[row.register]
        batch.append(row)
        if len(batch) >= DECODE_BATCH:
            decode(row.register)
    for register in REGISTERS:
        decode(register)
    copies: dict[str, list[dict[str, Any]]] = {name: [] for name in REGISTERS}
    duplicates = []
    for copy in sorted(losers, key=place):
        values = decode_record(copy.register, copy.data)
        copies[copy.register].append(values)
        first = place(best[(copy.register, copy.data_hash)])
        fmt = {"file": first[0], "sheet": first[1], "row": first[2], "key": copy.key}
        duplicates.append(
            Duplicate(
                copy.register,
                values.get("rep"),
                values.get("customer"),
                copy.path,
                copy.sheet,
                copy.row,
                *DUP_OTHER.both(**fmt),
                copy.key,
                first,
            )
        )
    return Current(registers, copies, duplicates)


def written_names(store: Store, office: str = "") -> dict[str, list[dict[str, Any]]]:
    """Each rep name written on the current records at each sheet's first row that has
    it, in (path, sheet, row) order, as records `team.apply_roster` grows the roster
    from: every name of the whole history, whatever part of the registers is loaded."""
    places = sorted(store.rep_places(office), key=lambda p: (p[1], p[2], p[3]))
    return {
        "names": [{"rep": rep, "source": (path, sheet, row)} for rep, path, sheet, row in places]
    }


def rename(registers: Mapping[str, list[dict[str, Any]]], roster: Roster) -> None:
    """Give every record its rep's roster name, in place (a row typed `小王` is 王磊's)."""
    names: dict[str, str] = {}
    for rows in registers.values():
        for record in rows:
            if written := record.get("rep"):
                record["rep"] = names.get(written) or names.setdefault(
                    written, roster.name_of(written)
                )


def _identity(row: OpenVersion | CurrentRecord) -> tuple[tuple[str, str], str]:
    """A version as `identity.pair` compares it: its register and key, and its data."""
    return (row.register, base_key(row.key)), row.data_hash


def count_changes(
    before: list[OpenVersion], after: list[OpenVersion], others: Iterable[OpenVersion]
) -> Changes:
    """Changes by identity across the registers (see `identity`): the records of each
    natural key before and after, paired by content then order — a changed one updated,
    a new one added, a vanished one removed. Duplicates (copies of a record) count once.

    Only keys of the sources read (or gone) this sync can change: `before` and `after`
    hold those sources' open versions before and after the sync, `others` (streamed)
    every other source's, the same before and after; of those only the versions of the
    keys that can change are kept, and `others` is not read at all when no key can.
    """
    affected = {_identity(r)[0] for r in before}
    affected.update(_identity(r)[0] for r in after)
    if not affected:
        return Changes()
    kept = [r for r in others if _identity(r)[0] in affected]
    was, _copies = first_of_each_record([*before, *kept])
    is_, _copies = first_of_each_record([*after, *kept])
    pairing = pair(list(was.values()), list(is_.values()), _identity, _identity)
    return Changes(
        added=len(pairing.added), updated=len(pairing.changed), removed=len(pairing.removed)
    )
