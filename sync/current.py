"""The current registers as a sync reads them back from the store, and what changed.

Each record once (`first_of_each_record`: of copies with the same data, the first by
place), streamed from the store and decoded a batch at a time, and only the records
something needs: what the figures need (`load_current`: the calls of a year are not
among them) and the calls the master's window shows (`window_calls`). The rep names and
record counts come from the store without decoding (`written_names`,
`Store.record_counts`). `count_changes` counts the sync's changes by identity from the
versions of the keys that can have changed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import chain, islice
from operator import attrgetter, itemgetter
from typing import Any, TypeVar

from sheets_templates.codec import decode_record, decode_records
from sheets_templates.registers import REGISTERS
from sheets_templates.roster import Roster

from .identity import base_key, pair
from .master_model import Duplicate
from .master_words import DUP_OTHER
from .offices import setting_name
from .store import CurrentRecord, OpenVersion, Store, current_records


@dataclass
class Changes:
    added: int = 0
    updated: int = 0
    removed: int = 0


Row = TypeVar("Row", bound=OpenVersion | CurrentRecord)
"""An open version, with or without its data."""


EARLY_MOST = 200
"""Sources read by a sync, at most, for the window's other calls to be read while the
workers parse them (`early_window`); past it, the parse is long and the read short."""


@dataclass
class EarlyWindow:
    """The calls in the master's window of every source a sync leaves as it is, read
    (and decoded) while the workers parse the `changing` ones: a one-file sync then
    reads back only that file's calls after it (`window_calls`)."""

    calls: list[dict[str, Any]]
    changing: frozenset[str]
    longest: int
    """The longest of their record texts (`decoded_calls`)."""


@dataclass
class Current:
    """The current registers (typed records with `source`), each record once; `copies`
    are the records a second place holds too (typed, as written there), and
    `duplicates` flag them."""

    registers: dict[str, list[dict[str, Any]]]
    copies: dict[str, list[dict[str, Any]]]
    duplicates: list[Duplicate]
    skipped: set[tuple[str, str, int]]
    """Where the copies that lost are (path, sheet, row): never read as records."""
    early: EarlyWindow | None = None
    """The window's calls of the sources the sync left as they are, read early."""


place: Callable[[OpenVersion | CurrentRecord], tuple[str, str, int]] = attrgetter(
    "path", "sheet", "row"
)
"""Where a version was typed: (path, sheet, row), the order copies are ranked in (a
getter in C: it is asked of every record read)."""


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

IN_FULL = ("visits", "leads", "shipments")
"""The registers a sync reads whole: the flags look at all their history (stalled
customers, lead collisions, receivables). The calls, nearly all of a company's records,
are read only where something needs them (`load_current`, `window_calls`)."""


COPIES_SETTING = "copies"
"""The data held by more than one open version after a sync, and that sync's id (per
office: `copies@华东`): the next sync of the store looks again only at those and at the
data it changed (`found_copies`)."""


LOOKED_UP_MOST = 50_000
"""Versions a sync started or ended, and data copied before, at most, for their data to
be looked up for copies (`found_copies`): past it, grouping every open version is
quicker."""


def found_copies(
    store: Store, office: str, sync_id: int, paths: Iterable[str]
) -> list[CurrentRecord]:
    """`Store.copies` after sync `sync_id`, which started or ended versions only in the
    sources `paths`. When the sync before it was the one that kept what was copied then
    (`COPIES_SETTING`), only data copied then or changed now can be copied now: those
    are looked up, not every open version grouped. Any other sync in between (another
    office's, a test's) and the copies are found from all of them."""
    name = setting_name(COPIES_SETTING, office)
    kept = store.setting(name)
    found = None
    if isinstance(kept, dict) and kept.get("sync") == sync_id - 1:  # ids go in turn (MAX + 1)
        changed = list(islice(store.changed_versions(sync_id, paths), LOOKED_UP_MOST))
        among = {*map(tuple, kept["data"]), *((r, data) for r, _key, data in changed)}
        if len(changed) < LOOKED_UP_MOST and len(among) < LOOKED_UP_MOST:
            found = store.copies(office, among)
    if found is None:
        found = store.copies(office)
    copied = sorted({(row.register, row.data_hash) for row in found})
    store.put_setting(name, {"sync": sync_id, "data": copied})
    return found


def load_current(
    store: Store, office: str, as_of: date, sync_id: int, paths: Iterable[str]
) -> Current:
    """What the figures need of the current registers (`kpi.figures_of`), each record
    once: the visits, leads and shipments whole; of the calls, those of the as-of day
    (its objections), those promising a call on it, and each customer's latest by then
    (when the rep was last in touch: `followups`). A named office's only, as
    `Store.current_chunks`.

    The copies of an earlier source's record (the same data) are duplicates: flagged,
    not counted again. Which versions are copies is found from the store's hashes
    (`found_copies`: sync `sync_id` changed only the sources `paths`), so the records
    stream in and are decoded a batch at a time."""
    best, losers = first_of_each_record(found_copies(store, office, sync_id, paths))
    skipped = {place(row) for row in losers}
    calls = chain(
        current_records(store, office, since=as_of, until=as_of, registers=["calls"]),
        store.promised_records(office, "calls", as_of),
        store.latest_calls(office, as_of),
    )
    whole = current_records(store, office, registers=IN_FULL)
    registers = decoded(chain(whole, _once(calls)), skipped)
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
    return Current(registers, copies, duplicates, skipped)


def _once(rows: Iterable[CurrentRecord]) -> Iterator[CurrentRecord]:
    """Each version once (a call of today that promised today is read twice)."""
    seen: set[tuple[str, str, int]] = set()
    for row in rows:
        if place(row) not in seen:
            seen.add(place(row))
            yield row


def early_window(
    store: Store, office: str, span: tuple[date, date] | None, changing: Collection[str]
) -> EarlyWindow:
    """The window's calls (`window.Window.span`) of the sources not `changing` (being
    read, or gone), as they are in the store before the sync changes it: theirs will
    not change. Which are copies is known only after the sync, so none is skipped yet."""
    since, until = span or (None, None)
    gone = frozenset(changing)
    chunks = store.current_chunks(office, since, ["calls"], until, bare=True)
    calls, longest = decoded_calls(([r for r in c if r[PATH] not in gone] for c in chunks), set())
    return EarlyWindow(calls, gone, longest)


class Superseded(Exception):
    """A read given up because a newer sync is wanted (`window_calls`' `stop`)."""


def window_calls(
    store: Store,
    office: str,
    span: tuple[date, date] | None,
    current: Current,
    stop: Callable[[], bool] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The calls the master's window shows (`window.Window.span`; None: every call),
    each record once as `load_current` has them, in the order they were typed, and the
    longest of their texts (`decoded_calls`). When the sync read the other sources'
    calls early (`Current.early`, handed over once: they go with the sheet made of
    them), only the changed sources' calls are read now. `stop` is asked between
    batches of calls: once it says a newer sync is wanted, the read is given up
    (`Superseded`)."""
    since, until = span or (None, None)
    early, current.early = current.early, None  # handed over: let go of with the sheet
    if early is None:
        chunks = store.current_chunks(office, since, ["calls"], until, bare=True)
        return decoded_calls(chunks, current.skipped, stop)
    chunks = store.current_chunks(office, since, ["calls"], until, early.changing, bare=True)
    skipped = current.skipped
    fresh, longest = decoded_calls(chunks, skipped, stop)
    kept = [r for r in early.calls if r["source"] not in skipped] if skipped else early.calls
    calls = kept + fresh
    calls.sort(key=itemgetter("source"))  # two runs in order: merged in one pass
    return calls, max(early.longest, longest)


PATH = 4
"""Where a row of `Store.current_chunks` holds its source's path (then sheet and row)."""
_PLACE = itemgetter(PATH, PATH + 1, PATH + 2)


def decoded_calls(
    chunks: Iterable[list[tuple[Any, ...]]],
    skipped: set[tuple[str, str, int]],
    stop: Callable[[], bool] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The calls of `chunks` (`Store.current_chunks`) but the `skipped` places, typed
    (with `source`), in the order they were typed, a chunk at a time; and the longest of
    their record texts: no cell a call's values make (its extra columns' `k: v; …`
    included) is longer. `stop` is asked before each chunk (`Superseded`)."""
    calls: list[dict[str, Any]] = []
    longest = 0
    for chunk in chunks:
        if stop is not None and stop():
            raise Superseded
        rows = [r for r in chunk if _PLACE(r) not in skipped] if skipped else chunk
        texts = [r[2] for r in rows]
        longest = max(longest, max(map(len, texts), default=0))
        values = decode_records("calls", texts)
        for record, source in zip(values, map(_PLACE, rows), strict=True):
            record["source"] = source
        calls += values
    calls.sort(key=itemgetter("source"))  # as typed, whatever the query
    return calls, longest


def decoded(
    rows: Iterable[CurrentRecord], skipped: set[tuple[str, str, int]]
) -> dict[str, list[dict[str, Any]]]:
    """The records of `rows` but the `skipped` places, typed (with `source`), in the
    order they were typed (path, sheet, row), decoded a batch at a time: the record
    texts of a whole register are never held at once."""
    registers: dict[str, list[dict[str, Any]]] = {name: [] for name in REGISTERS}
    batches: dict[str, list[CurrentRecord]] = {name: [] for name in REGISTERS}

    def decode(register: str) -> None:
        batch = batches[register]
        values = decode_records(register, [r.data for r in batch])
        for record, row in zip(values, batch, strict=True):
            record["source"] = place(row)
        registers[register] += values
        batch.clear()

    for row in rows:
        if place(row) in skipped:
            continue
        batch = batches[row.register]
        batch.append(row)
        if len(batch) >= DECODE_BATCH:
            decode(row.register)
    for register in REGISTERS:
        decode(register)
        registers[register].sort(key=itemgetter("source"))  # as typed, whatever the query
    return registers


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


Key = tuple[str, str]
"""A record's register and natural key without its order (`identity.base_key`)."""


def _identity(row: OpenVersion | CurrentRecord) -> tuple[Key, str]:
    """A version as `identity.pair` compares it: its register and key, and its data."""
    return (row.register, base_key(row.key)), row.data_hash


KEY_CHUNK = 20_000
"""Keys whose changes are counted at a time (`changes_of`)."""


def changes_of(
    store: Store, office: str, sync_id: int, paths: Iterable[str], records: int
) -> Changes:
    """What sync `sync_id` changed, by identity (`count_changes`), from the versions the
    store keeps: only the keys it started or ended a version of (in the sources it read
    or found gone, `paths`) can have changed, and each such key's versions open before
    and after it are read back a chunk of keys at a time, so a sync of a year's records
    never holds them all. When nothing was open before (an office's first sync), each of
    its `records` (each record once) is added, and nothing is read back."""
    if not store.open_before(office, sync_id):
        return Changes(added=records)
    total = Changes()
    counted: set[Key] = set()
    chunk: set[Key] = set()

    def count() -> None:
        rows = store.versions_of(office, chunk, sync_id)
        before = [version for version, first, _ended in rows if first < sync_id]
        after = [version for version, _first, ended in rows if ended is None]
        changes = count_changes(before, after, ())
        total.added += changes.added
        total.updated += changes.updated
        total.removed += changes.removed
        counted.update(chunk)
        chunk.clear()

    for register, key, _data in store.changed_versions(sync_id, paths):
        identity = (register, base_key(key))
        if identity not in counted:
            chunk.add(identity)
            if len(chunk) >= KEY_CHUNK:
                count()
    if chunk:
        count()
    return total


def count_changes(
    before: list[OpenVersion], after: list[OpenVersion], others: Iterable[OpenVersion]
) -> Changes:
    """Changes by identity across the registers (see `identity`): the records of each
    natural key before and after, paired by content then order — a changed one updated,
    a new one added, a vanished one removed. Duplicates (copies of a record) count once.

    Only keys of the sources read (or gone) this sync can change: `before` and `after`
    hold those sources' open versions before and after the sync, `others` the other
    sources' versions of those keys, the same before and after (`changes_of` has them
    in `before` and `after` already); it is not read at all when no key can change.
    """
    affected = {_identity(r)[0] for r in chain(before, after)}
    if not affected:
        return Changes()
    kept = [r for r in others if _identity(r)[0] in affected]
    was, _copies = first_of_each_record([*before, *kept])
    is_, _copies = first_of_each_record([*after, *kept])
    pairing = pair(list(was.values()), list(is_.values()), _identity, _identity)
    return Changes(
        added=len(pairing.added), updated=len(pairing.changed), removed=len(pairing.removed)
    )
