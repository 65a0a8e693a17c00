"""The kept counts of a store (`day_counts`) and its streamed reads, for the SQLite store
and, through it, the PostgreSQL one: what each source's records count, replaced with
them; the rows a sync adds up; the copies, names and counts it needs of the whole
history without decoding a record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from .day_counts import GradingRow, Kept, TallyRow, kept_of
from .identity import base_key
from .schema import WANTED_TABLES
from .store import CurrentRecord, KeyVersion, OpenVersion

if TYPE_CHECKING:
    from .sqlite_store import Connection

KEPT_TABLES = ("tallies", "gradings", "rep_rows", "latest_calls")
"""What a source's records count, kept beside them and replaced with them."""
DAY_COUNTS_SETTING = "day_counts"
DAY_COUNTS = 2
"""The kept counts' form (`day_counts`, and each version's day and promise); a store
with an older form counts its records once (2: the promises of schema version 4)."""
"""A record's day and the day it promises the next contact, as ISO text (None: none)."""
STREAM_CHUNK = 5000
"""Rows fetched at a time when a read streams (the current records)."""


class KeptCounts:
    """The SQLite store's part that keeps and reads the counts (a base of `SqliteStore`)."""

    db: Connection
    wanted_tables: tuple[str, ...] = WANTED_TABLES

    def setting(self, name: str) -> Any:
        raise NotImplementedError

    def put_setting(self, name: str, value: Any) -> None:
        raise NotImplementedError

    def _count_kept_records(self) -> None:
        """Stores written before the counts were kept per source (`day_counts`): count
        every source's open versions once, so the next sync adds up every source's,
        read again or not."""
        if self.setting(DAY_COUNTS_SETTING) == DAY_COUNTS:
            return
        with self._written():
            if self.setting(DAY_COUNTS_SETTING) != DAY_COUNTS:  # no one did it meanwhile
                for table in KEPT_TABLES:
                    self.db.execute(f"DELETE FROM {table}")
                paths = self.db.execute(
                    "SELECT DISTINCT source_path FROM versions WHERE ended_sync IS NULL"
                ).fetchall()
                for (path,) in paths:
                    rows = self.db.execute(
                        "SELECT register, natural_key, sheet, row_no, data, data_hash"
                        " FROM versions"
                        " WHERE ended_sync IS NULL AND source_path = ?",
                        (path,),
                    ).fetchall()
                    kept = kept_of(path, rows)
                    self._keep_counts(path, kept)
                    days = kept.days
                    self.db.executemany(
                        "UPDATE versions SET day = ?, promise = ? WHERE ended_sync IS NULL"
                        " AND source_path = ? AND data_hash = ?",
                        [(*dated, path, data_hash) for data_hash, dated in days.items()],
                    )
                self.put_setting(DAY_COUNTS_SETTING, DAY_COUNTS)

    @contextmanager
    def _written(self) -> Iterator[None]:
        """A write of its own, outside a sync (a migration, a rewrite on opening):
        BEGIN IMMEDIATE, COMMIT, or ROLLBACK when the block raises — unless the
        database has rolled it back already (SQLite does on a full disk)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _keep_counts(self, path: str, kept: Kept) -> None:
        """Replace what a source's records count (`day_counts`) and the rest kept per
        source (`KEPT_TABLES`) with `kept` (`day_counts.kept_of` those records)."""
        self._drop_counts(path)
        self.db.executemany(
            "INSERT INTO latest_calls (source_path, rep, customer, day, natural_key, data,"
            " data_hash, sheet, row_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(path, *line) for line in kept.latest],
        )
        self.db.executemany(
            "INSERT INTO rep_rows (source_path, rep, sheet, row_no) VALUES (?, ?, ?, ?)",
            [(path, *first) for first in kept.first_rows],
        )
        self.db.executemany(
            "INSERT INTO tallies (source_path, rep, day, metric, value) VALUES (?, ?, ?, ?, ?)",
            kept.tallies,
        )
        self.db.executemany(
            "INSERT INTO gradings (source_path, seq, register, rep, customer, customer_key,"
            " day, grade) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            kept.gradings,
        )

    def _drop_counts(self, path: str) -> None:
        for table in KEPT_TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE source_path = ?", (path,))

    def _chunks(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[list[tuple[Any, ...]]]:
        """A query's rows, `STREAM_CHUNK` at a time: never all of them in memory."""
        cursor = self.db.execute(sql, params)
        while chunk := cursor.fetchmany(STREAM_CHUNK):
            yield chunk

    def _stream(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        """A query's rows one by one, read `STREAM_CHUNK` at a time (`_chunks`)."""
        for chunk in self._chunks(sql, params):
            yield from chunk

    def current_chunks(
        self,
        office: str = "",
        since: date | None = None,
        registers: Iterable[str] | None = None,
        until: date | None = None,
        paths: Collection[str] | None = None,
        bare: bool = False,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The open versions with their data, a fetch at a time, each row a plain tuple
        in `CurrentRecord`'s order (a window of 100k calls is read without a Python object
        per row beyond it). Only those of a named `office`'s sources (and those of no
        office), of `registers` when named, of the sources at `paths` when given, and dated
        `since` or later and `until` or earlier (or undated: a lead without its registered
        date) when given."""
        names = tuple(registers) if registers is not None else ()
        if (registers is not None and not names) or (paths is not None and not paths):
            return
        select = BARE_RECORDS if bare else RECORDS
        conditions = ["ended_sync IS NULL"]
        if names:
            conditions.append(f"register IN ({', '.join('?' * len(names))})")
        chosen = tuple(paths or ())
        if chosen:
            conditions.append(f"source_path IN ({', '.join('?' * len(chosen))})")
        if since is None and until is None:
            where, params = scoped(office, conditions, (*names, *chosen))
            yield from self._chunks(select + where, params)
            return
        # the dated ones by the day index (a range, not every version), then the undated
        dated = [*conditions, *(["day >= ?"] if since else []), *(["day <= ?"] if until else [])]
        where, params = scoped(office, dated, (*names, *chosen, *_iso(since), *_iso(until)))
        yield from self._chunks(select + where, params)
        where, params = scoped(office, [*conditions, "day IS NULL"], (*names, *chosen))
        yield from self._chunks(select + where, params)

    def promised_records(self, office: str, register: str, day: date) -> list[CurrentRecord]:
        """The open versions of `register` that promise the next contact on `day`
        (`followups.PROMISES`; an office's, as `current_chunks`)."""
        where, params = scoped(
            office,
            ["ended_sync IS NULL", "register = ?", "promise = ?"],
            (register, day.isoformat()),
        )
        return list(map(CurrentRecord._make, self.db.execute(RECORDS + where, params)))

    def latest_calls(self, office: str, until: date) -> list[CurrentRecord]:
        """Each (rep, customer)'s latest open call dated `until` or earlier (all of that
        day's: a customer called twice that day): what says when a rep was last in
        touch. Each source keeps its own latest (`latest_calls`), so the history is not
        read; only when a source holds a call after `until` (a sync back-dated with
        `--as-of`, a call typed with next year's date) are the versions searched."""
        day = until.isoformat()
        later_where, later_params = scoped(office, ["day > ?"], (day,))
        later = self.db.execute(
            "SELECT 1 FROM latest_calls" + later_where + " LIMIT 1", later_params
        )
        if later.fetchone() is not None:
            return self._latest_in_versions(office, day)
        last_where, last_params = scoped(office, [])
        where, params = scoped(office, [])
        sql = (
            "SELECT 'calls', l.natural_key, l.data, l.data_hash, l.source_path, l.sheet,"
            " l.row_no FROM latest_calls l JOIN (SELECT rep, customer, MAX(day) AS last"
            f" FROM latest_calls{last_where} GROUP BY rep, customer) latest"
            " ON l.rep = latest.rep AND l.customer = latest.customer AND l.day = latest.last"
            + where
        )
        return list(map(CurrentRecord._make, self.db.execute(sql, last_params + params)))

    def _latest_in_versions(self, office: str, day: str) -> list[CurrentRecord]:
        """`latest_calls` from every open call (the store's contacts index)."""
        last_where, last_params = scoped(
            office,
            ["ended_sync IS NULL", "register = 'calls'", "day <= ?", "customer <> ''"],
            (day,),
        )
        where, params = scoped(office, ["ended_sync IS NULL", "register = 'calls'"])
        sql = (
            "SELECT v.register, v.natural_key, v.data, v.data_hash, v.source_path, v.sheet,"
            " v.row_no FROM versions v JOIN (SELECT rep, customer, MAX(day) AS last"
            f" FROM versions{last_where} GROUP BY rep, customer) latest"
            " ON v.rep = latest.rep AND v.customer = latest.customer AND v.day = latest.last"
            + where
        )
        return list(map(CurrentRecord._make, self.db.execute(sql, last_params + params)))

    def changed_versions(
        self, sync_id: int, paths: Iterable[str]
    ) -> Iterator[tuple[str, str, str]]:
        """The (register, natural key, data hash) of every version sync `sync_id` started
        or ended in the sources `paths`, streamed: the only records that sync can have
        changed, and the only data whose copies it can have made or undone."""
        for path in paths:
            yield from self._stream(
                "SELECT register, natural_key, data_hash FROM versions"
                " WHERE ended_sync IS NULL AND source_path = ? AND first_sync = ?"
                " UNION ALL SELECT register, natural_key, data_hash FROM versions"
                " WHERE ended_sync = ? AND source_path = ?",
                (path, sync_id, sync_id, path),
            )

    def open_before(self, office: str, sync_id: int) -> bool:
        """Whether any record (an office's, as `current_chunks`) was open before sync
        `sync_id`: still open, or ended by it."""
        where, params = scoped(
            office, ["first_sync < ?", "(ended_sync IS NULL OR ended_sync = ?)"], (sync_id, sync_id)
        )
        found = self.db.execute("SELECT 1 FROM versions" + where + " LIMIT 1", params)
        return found.fetchone() is not None

    def versions_of(
        self, office: str, keys: Iterable[tuple[str, str]], sync_id: int
    ) -> list[KeyVersion]:
        """The versions of some natural keys ((register, key without its order),
        `identity.base_key`) open now or ended by sync `sync_id` (an office's, as
        `current_chunks`): each key's records before and after that sync, without
        reading any other. The keys go into a temporary table the versions' key index is
        searched from (made when the store is opened: making a table while a read
        streams would end that read)."""
        self.db.execute("DELETE FROM wanted_keys")
        wanted = set(keys)
        self.db.executemany("INSERT INTO wanted_keys (register, base) VALUES (?, ?)", wanted)
        where, params = scoped(office, ["(v.ended_sync IS NULL OR v.ended_sync = ?)"], (sync_id,))
        rows = self.db.execute(
            "SELECT v.register, v.natural_key, v.data_hash, v.source_path, v.sheet, v.row_no,"
            " v.first_sync, v.ended_sync FROM wanted_keys w CROSS JOIN versions v"
            + where
            + " AND v.register = w.register AND v.natural_key >= w.base"
            " AND v.natural_key < w.base || ' #:'",
            params,
        )
        found = ((OpenVersion._make(r[:6]), r[6], r[7]) for r in rows)
        return [v for v in found if (v[0].register, base_key(v[0].key)) in wanted]

    def copies(
        self, office: str = "", among: Collection[tuple[str, str]] | None = None
    ) -> list[CurrentRecord]:
        """The open versions whose data another open version of the register holds too
        (a record kept in two places; of an office's sources, as `current_chunks`):
        few, found by hash without reading any data. With `among`, only the copies of
        those (register, data hash): looked up in the hash index, where finding every
        copy groups all the open versions (0.3 s at 500k)."""
        if among is None:
            where, params = scoped(office, ["ended_sync IS NULL"])
            return list(
                map(
                    CurrentRecord._make,
                    self.db.execute(
                        f"{RECORDS}{where} AND (register, data_hash) IN"
                        f" (SELECT register, data_hash FROM versions{where}"
                        " GROUP BY register, data_hash HAVING COUNT(*) > 1)",
                        params + params,
                    ),
                )
            )
        self.db.execute("DELETE FROM wanted_hashes")
        self.db.executemany(
            "INSERT INTO wanted_hashes (register, data_hash) VALUES (?, ?)", set(among)
        )
        where, params = scoped(
            office,
            ["v.ended_sync IS NULL", "v.register = w.register", "v.data_hash = w.data_hash"],
        )
        rows = self.db.execute(
            "SELECT v.register, v.natural_key, v.data, v.data_hash, v.source_path, v.sheet,"
            " v.row_no FROM wanted_hashes w CROSS JOIN versions v" + where,
            params,
        ).fetchall()
        held = Counter((row[0], row[3]) for row in rows)
        return [CurrentRecord._make(row) for row in rows if held[row[0], row[3]] > 1]

    def tallies(self, office: str = "") -> Iterator[TallyRow]:
        """Every source's kept tallies (`day_counts`; an office's, as `current_chunks`)."""
        where, params = scoped(office, [])
        yield from map(
            TallyRow._make,
            self._stream(
                "SELECT source_path, rep, day, metric, value FROM tallies" + where, params
            ),
        )

    def gradings(self, office: str = "") -> Iterator[GradingRow]:
        """Every source's kept gradings, in path then typed order (`day_counts`; an
        office's, as `current_chunks`)."""
        where, params = scoped(office, [])
        yield from map(
            GradingRow._make,
            self._stream(
                "SELECT source_path, seq, register, rep, customer, customer_key, day, grade"
                " FROM gradings" + where + " ORDER BY source_path, seq",
                params,
            ),
        )

    def record_counts(self, office: str = "") -> dict[str, int]:
        """Open versions per register (an office's, as `current_chunks`)."""
        where, params = scoped(office, ["ended_sync IS NULL"])
        return dict(
            self.db.execute(
                "SELECT register, COUNT(*) FROM versions" + where + " GROUP BY register", params
            ).fetchall()
        )

    def rep_places(self, office: str = "") -> list[tuple[str, str, str, int]]:
        """Each rep name written on the open versions (an office's, as
        `current_chunks`), with each sheet that holds it and its first row there:
        (rep, path, sheet, row)."""
        where, params = scoped(office, [])
        return self.db.execute(
            "SELECT rep, source_path, sheet, row_no FROM rep_rows" + where, params
        ).fetchall()

    def reps(self, office: str = "") -> set[str]:
        """The rep names written on the open versions (an office's, as `current_chunks`)."""
        where, params = scoped(office, [])
        return {
            rep for (rep,) in self.db.execute("SELECT DISTINCT rep FROM rep_rows" + where, params)
        }


RECORDS = "SELECT register, natural_key, data, data_hash, source_path, sheet, row_no FROM versions"
"""The columns of a `CurrentRecord`, from the versions."""
BARE_RECORDS = "SELECT NULL, NULL, data, NULL, source_path, sheet, row_no FROM versions"
"""`RECORDS` but the data and the place (`current_chunks`' `bare`)."""


def _iso(day: date | None) -> tuple[str, ...]:
    return (day.isoformat(),) if day is not None else ()


OFFICE_SOURCES = "source_path IN (SELECT path FROM sources WHERE office IN (?, ''))"
"""A named office's sources and those of no office: what an office's sync sees (the
head office and a company of one office, office "", see every source)."""


def scoped(
    office: str, conditions: list[str], params: tuple[Any, ...] = ()
) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause of `conditions` (their `params`), kept to `office`'s sources
    when one is named (`OFFICE_SOURCES`), and its parameters."""
    if office:
        conditions, params = [*conditions, OFFICE_SOURCES], (*params, office)
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), params
