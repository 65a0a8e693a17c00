"""The store: every version of every record, where it came from, and every sync.

Nothing a rep typed is lost: a row deleted from a rep's file leaves the registers
but its versions stay; a source that vanishes keeps its last records, marked as gone.
The current registers are the open versions (those no sync has ended).

This module is what a sync needs of a store, and nothing of how one is kept: the
`Store` protocol, the named rows it hands back, its error, and `open_store`, which opens
the store a location names: `sqlite_store` (a file, by default beside the master;
needs nothing) or `postgres_store` (a `postgresql://` URL: a database server that
several syncs share). A sync is one explicit block:

    with open_store(location) as store, store.transaction(as_of) as sync_id:
        store.replace_source(sync_id, parsed, as_of)
        ...
        store.log_sync(sync_id, counts)

leaving the block normally commits; an exception rolls everything in it back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Protocol

from sheets_templates.problems import Problem

from .day_counts import GradingRow, TallyRow
from .errors import Bilingual
from .parsed import ParsedSource, SheetSummary


class OpenVersion(NamedTuple):
    """An open version of a record (one in the registers now), without its data."""

    register: str
    key: str
    data_hash: str
    path: str
    sheet: str
    row: int


KeyVersion = tuple[OpenVersion, int, int | None]
"""A version of a record without its data, with the syncs that started and ended it."""


class CurrentRecord(NamedTuple):
    """An open version of a record with its data text (the `codec`'s)."""

    register: str
    key: str
    data: str
    data_hash: str
    path: str
    sheet: str
    row: int


class SyncLogRow(NamedTuple):
    """One sync as the master's sync log shows it; counts are None until it finished."""

    id: int
    started_at: str
    finished_at: str | None
    as_of: str
    synced: int | None
    unchanged: int | None
    skipped: int | None
    unreadable: int | None
    gone: int | None
    records: int | None
    added: int | None
    updated: int | None
    removed: int | None
    issues: int | None


@dataclass
class StoredSource:
    """A source as the store last saw it: what decides whether it is read again."""

    path: str
    kind: str
    content_hash: str | None
    parsed_as_of: date | None
    as_of_dependent: bool
    state: str
    error_zh: str | None
    error_en: str | None
    office: str = ""
    """The office whose sync saw it last ("" in a company of one office)."""


@dataclass
class Version:
    """One version of one record, for `salesflow history`."""

    id: int
    register: str
    key: str
    data: dict[str, Any]
    path: str
    sheet: str
    row: int
    first_sync: int
    first_seen: str
    ended_sync: int | None
    ended_at: str | None
    end_reason: str | None


@dataclass
class SyncCounts:
    """What a sync did, as its row of the sync log keeps it."""

    synced: int = 0
    unchanged: int = 0
    skipped: int = 0
    unreadable: int = 0
    gone: int = 0
    records: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    issues: int = 0


Location = Path | str
"""Where a store is: a SQLite file's path, or a `postgresql://user@host/db` URL."""


class Store(Protocol):
    """What a sync and `salesflow history` need of a store; a context manager that
    closes it. Writes happen only inside `transaction`."""

    @property
    def path(self) -> Location:
        """Where the store is, as people are shown it (a URL without its password)."""
        ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def close(self) -> None: ...

    def transaction(self, as_of: date, office: str = "") -> AbstractContextManager[int]:
        """Begin a sync of `office`'s sources as of `as_of`, yielding its id; commit when
        the block ends, roll back if it raises. A second sync on the same store waits at
        the start. The sources it stores are `office`'s ("" in a one-office company)."""
        ...

    def log_sync(self, sync_id: int, counts: SyncCounts) -> None:
        """Mark the sync finished with its counts (in the sync log)."""
        ...

    def sources(self, office: str | None = None) -> dict[str, StoredSource]:
        """The sources `office`'s syncs stored (None: every office's)."""
        ...

    def reps_elsewhere(self, office: str) -> dict[str, str]:
        """Reps with records in the registers of another office, with that office."""
        ...

    def replace_source(self, sync_id: int, parsed: ParsedSource, as_of: date) -> None:
        """Replace a source's records with its current valid rows, keeping history."""
        ...

    def mark_unreadable(self, sync_id: int, parsed: ParsedSource) -> None:
        """A source that could not be read keeps its last records and problems."""
        ...

    def mark_gone(self, sync_id: int, path: str) -> None:
        """A source no longer there: its records leave the registers (kept in history)."""
        ...

    def current_chunks(
        self,
        office: str = "",
        since: date | None = None,
        registers: Iterable[str] | None = None,
        until: date | None = None,
        paths: Collection[str] | None = None,
        bare: bool = False,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Every open version with its data, in no particular order, streamed a fetch at
        a time (never all of them in memory at once), each row a plain tuple in
        `CurrentRecord`'s order (the window's calls: no object per row beyond the
        tuple; `current_records` makes them records). A named office's (and those of
        no office) only, of `registers` when named, of the sources at `paths` when
        given, dated from `since` to `until` (or undated) when given. `bare` rows hold
        only the data and the place, their register, key and hash None: all the
        window's sheet needs, and a month of calls is read a tenth faster.
        Every read below keeps to an office the same way."""
        ...

    def promised_records(self, office: str, register: str, day: date) -> list[CurrentRecord]:
        """The open versions of `register` promising the next contact on `day`."""
        ...

    def latest_calls(self, office: str, until: date) -> list[CurrentRecord]:
        """Each (rep, customer)'s latest open calls dated by `until`."""
        ...

    def changed_versions(
        self, sync_id: int, paths: Iterable[str]
    ) -> Iterator[tuple[str, str, str]]:
        """The (register, natural key, data hash) of every version a sync started or
        ended in some sources."""
        ...

    def open_before(self, office: str, sync_id: int) -> bool:
        """Whether any record was open before sync `sync_id`."""
        ...

    def versions_of(
        self, office: str, keys: Iterable[tuple[str, str]], sync_id: int
    ) -> list[KeyVersion]:
        """The versions of some (register, key without its order) keys open now or ended
        by sync `sync_id`."""
        ...

    def copies(
        self, office: str = "", among: Collection[tuple[str, str]] | None = None
    ) -> list[CurrentRecord]:
        """The open versions whose data another open version of the register holds too;
        with `among`, of those (register, data hash) only."""
        ...

    def tallies(self, office: str = "") -> Iterator[TallyRow]:
        """Every source's kept tallies (`day_counts`)."""
        ...

    def gradings(self, office: str = "") -> Iterator[GradingRow]:
        """Every source's kept gradings, in path then typed order (`day_counts`)."""
        ...

    def record_counts(self, office: str = "") -> dict[str, int]:
        """Open versions per register."""
        ...

    def rep_places(self, office: str = "") -> list[tuple[str, str, str, int]]:
        """Each rep name written on the open versions, with each sheet that holds it and
        its first row there: (rep, path, sheet, row)."""
        ...

    def reps(self, office: str = "") -> set[str]:
        """The rep names written on the open versions."""
        ...

    def sheets(self) -> dict[str, list[SheetSummary]]:
        """Each source's sheets as last read, in sheet order."""
        ...

    def open_counts(self) -> dict[str, int]:
        """Open versions per source."""
        ...

    def problems(self) -> list[Problem]:
        """The problems of every source not gone, in file, sheet and row order."""
        ...

    def sync_log(self) -> list[SyncLogRow]:
        """Every sync, oldest first."""
        ...

    def history(self, text: str, limit: int = 500) -> tuple[list[Version], int]:
        """Versions whose key or customer matches `text`, with how many match in all."""
        ...

    def setting(self, name: str) -> Any: ...

    def put_setting(self, name: str, value: Any) -> None: ...


URL_SCHEMES = ("postgresql://", "postgres://")
"""How a store location names a PostgreSQL database (libpq's URL forms)."""


def current_records(
    store: Store,
    office: str = "",
    since: date | None = None,
    registers: Iterable[str] | None = None,
    until: date | None = None,
    paths: Collection[str] | None = None,
) -> Iterator[CurrentRecord]:
    """`Store.current_chunks` (chosen by the same arguments) as records, one by one."""
    for chunk in store.current_chunks(office, since, registers, until, paths):
        yield from map(CurrentRecord._make, chunk)


def is_url(where: Location) -> bool:
    """Whether a store location names a PostgreSQL database rather than a SQLite file."""
    return isinstance(where, str) and where.startswith(URL_SCHEMES)


def location(text: str) -> Location:
    """A store location as typed (`--store`, `SALESFLOW_STORE`): a URL stays text, anything
    else is a file path."""
    return text if is_url(text) else Path(text)


def open_store(where: Location, timeout: float = 60.0) -> Store:
    """The store at `where`, made if new; use it as `with open_store(where) as store:`
    so it is closed however the block ends."""
    if is_url(where):
        from . import postgres_store

        return postgres_store.open_store(str(where), timeout)
    from . import sqlite_store

    return sqlite_store.open_store(Path(where), timeout)


def default_store(master: Path) -> Path:
    """The store beside the master: `master.xlsx` → `master.sqlite`."""
    return master.with_suffix(".sqlite")


class StoreError(Bilingual):
    """The store cannot be opened or written; the message says where, why and what to
    do. `damaged` is set when the file is no longer a store at all: nothing but a
    rebuild from the team's files (`salesflow sync … --rebuild-store`) gets past it."""

    def __init__(self, path: Location, zh: str, en: str, damaged: bool = False) -> None:
        super().__init__(zh, en)
        self.path, self.damaged = path, damaged
