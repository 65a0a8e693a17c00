"""The SQLite store: the `Store` protocol kept in one file beside the master.

The tables and why they are shaped so are in `schema`; the PostgreSQL store
(`postgres_store`) runs these same statements through a small dialect.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from sheets_templates.codec import TIME_FIELDS, decode_record, decode_records, encode_record
from sheets_templates.problems import Problem, Severity
from sheets_templates.rules import customer_key
from sheets_templates.words import Text

from .day_counts import kept_of
from .identity import base_key, pair
from .parsed import ParsedSource, SheetSummary, text_hash
from .schema import MIGRATIONS, SCHEMA_VERSION, VERSIONS_TABLE, statements
from .sqlite_counts import KeptCounts
from .store import (
    StoredSource,
    StoreError,
    SyncCounts,
    SyncLogRow,
    Version,
)
from .store_faults import store_error

CODEC_SETTING = "record_codec"
CODEC = 2
"""The record text's form (2: times `HH:MM`); older stores are rewritten on opening."""
NEWER_STORE = Text(
    "数据库的结构版本为 {current}，本 salesflow 只认识到 {known}：请升级 salesflow",
    "the store is at schema version {current}; this salesflow knows up to {known}:"
    " upgrade salesflow",
)


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def open_store(path: Path, timeout: float = 60.0) -> SqliteStore:
    """The store in the SQLite file at `path` (made if new); use it as `with open_store(p)
    as store:` so it is closed however the block ends."""
    return SqliteStore(path, timeout)


class Connection(Protocol):
    """What the statements below need of a connection: sqlite3's, or the same calls on a
    server (`postgres_store.Dialect`), so the SQL is written once for both stores."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Any, /) -> Any: ...

    @property
    def in_transaction(self) -> bool: ...

    def close(self) -> None: ...


class SqliteStore(KeptCounts):
    """One store file, implementing `store.Store`. Writes happen in `transaction`."""

    db: Connection
    path: Path | str

    def __init__(self, path: Path, timeout: float = 60.0) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
            self._migrate()
            self._times_without_seconds()
            self._count_kept_records()
            for table in self.wanted_tables:
                self.db.execute(table)
        except (sqlite3.Error, OSError) as exc:
            raise store_error(path, exc) from None
        self._next_version = 0
        self._office = ""

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _migrate(self) -> None:
        """Bring the file up to `SCHEMA_VERSION` (a new file: make its tables). Only a
        store that lacks a migration takes the write lock, so opening a store never
        waits for a sync that is writing to it."""
        made = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if made and max(self.schema_versions(), default=0) == SCHEMA_VERSION:
            return
        with self._written():
            self._apply(MIGRATIONS)

    def _apply(self, migrations: dict[int, str]) -> None:
        """Apply the migrations this store lacks, inside the caller's transaction, each
        noted in `schema_version`; a store from a newer salesflow is refused."""
        self.db.execute(VERSIONS_TABLE)
        current = max(self.schema_versions(), default=0)
        if current > SCHEMA_VERSION:
            raise StoreError(self.path, *NEWER_STORE.both(current=current, known=SCHEMA_VERSION))
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in statements(migrations[version]):
                self.db.execute(statement)
            self.db.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (version, _now()),
            )

    def schema_versions(self) -> Iterator[int]:
        """The migrations this store has had, in order (for tests and support)."""
        for (version,) in self.db.execute("SELECT version FROM schema_version ORDER BY version"):
            yield version

    def _times_without_seconds(self) -> None:
        """Stores written before the shared codec kept times as `09:30:00`: rewrite those
        texts (and hashes) as the codec writes them now, once, so an unchanged row read
        again is still the same version rather than an update."""
        if self.setting(CODEC_SETTING) == CODEC:
            return
        with self._written():
            for register, names in TIME_FIELDS.items():
                for name in names:
                    rows = self.db.execute(
                        "SELECT id, data FROM versions WHERE register = ? AND data LIKE ?",
                        (register, f'%"{name}":"__:__:__"%'),
                    ).fetchall()
                    values = decode_records(register, [data for _id, data in rows])
                    texts = [encode_record(register, v) for v in values]
                    self.db.executemany(
                        "UPDATE versions SET data = ?, data_hash = ? WHERE id = ?",
                        [(t, text_hash(t), r[0]) for t, r in zip(texts, rows, strict=True)],
                    )
            self.put_setting(CODEC_SETTING, CODEC)

    # --- the sync transaction ------------------------------------------------------

    @contextmanager
    def transaction(self, as_of: date, office: str = "") -> Iterator[int]:
        """One sync of `office`'s sources as one transaction, yielding its id: BEGIN
        IMMEDIATE claims the write lock at once, so a second sync on the same store waits
        here (up to the timeout) rather than failing later; COMMIT when the block ends,
        ROLLBACK if it raises. Sources this sync stores are `office`'s."""
        self._office = office
        self.db.execute("BEGIN IMMEDIATE")
        try:
            (last,) = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM syncs").fetchone()
            sync_id = last + 1
            self.db.execute(
                "INSERT INTO syncs (id, started_at, as_of) VALUES (?, ?, ?)",
                (sync_id, _now(), as_of.isoformat()),
            )
            (top,) = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM versions").fetchone()
        except sqlite3.Error as exc:
            self.db.execute("ROLLBACK")
            raise store_error(self.path, exc) from None
        self._next_version = top + 1
        try:
            yield sync_id
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:  # a full disk has rolled it back already
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):  # a full disk, a damaged page met on the way
                raise store_error(self.path, exc) from exc
            raise

    def log_sync(self, sync_id: int, counts: SyncCounts) -> None:
        self.db.execute(
            "UPDATE syncs SET finished_at = ?, synced = ?, unchanged = ?, skipped = ?,"
            " unreadable = ?, gone = ?, records = ?, added = ?, updated = ?, removed = ?,"
            " issues = ? WHERE id = ?",
            (_now(), *astuple(counts), sync_id),
        )

    # --- sources -------------------------------------------------------------------

    def sources(self, office: str | None = None) -> dict[str, StoredSource]:
        """The sources of `office`, or of every office when None."""
        columns = (
            "SELECT path, kind, content_hash, parsed_as_of, as_of_dependent, state,"
            " error_zh, error_en, office FROM sources"
        )
        rows = (
            self.db.execute(columns)
            if office is None
            else self.db.execute(columns + " WHERE office = ?", (office,))
        )
        out: dict[str, StoredSource] = {}
        for path, kind, content_hash, parsed_as_of, dependent, *rest in rows:
            day = date.fromisoformat(parsed_as_of) if parsed_as_of else None
            out[path] = StoredSource(path, kind, content_hash, day, bool(dependent), *rest)
        return out

    def reps_elsewhere(self, office: str) -> dict[str, str]:
        """The reps (as written on their records) in the registers of another named
        office than `office`, each with that office: a rep belongs to one office."""
        return dict(
            self.db.execute(
                "SELECT DISTINCT v.rep, s.office FROM versions v"
                " JOIN sources s ON s.path = v.source_path"
                " WHERE v.ended_sync IS NULL AND v.rep <> '' AND s.office NOT IN (?, '')"
                " ORDER BY s.office DESC",
                (office,),
            ).fetchall()
        )

    def _put_source(
        self,
        sync_id: int,
        path: str,
        kind: str,
        state: str,
        content_hash: str | None,
        as_of: date | None,
        dependent: bool,
        error: tuple[str | None, str | None],
    ) -> None:
        """Record a source's state; the parsed as-of date is kept when not re-read."""
        exists = self.db.execute("SELECT 1 FROM sources WHERE path = ?", (path,)).fetchone()
        day = as_of.isoformat() if as_of else None
        values = (kind, content_hash, day, int(dependent), state, *error, sync_id, self._office)
        if exists:
            self.db.execute(
                "UPDATE sources SET kind = ?, content_hash = ?,"
                " parsed_as_of = COALESCE(?, parsed_as_of), as_of_dependent = ?, state = ?,"
                " error_zh = ?, error_en = ?, last_sync = ?, office = ? WHERE path = ?",
                (*values, path),
            )
        else:
            self.db.execute(
                "INSERT INTO sources (kind, content_hash, parsed_as_of, as_of_dependent, state,"
                " error_zh, error_en, last_sync, office, path, first_sync)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, path, sync_id),
            )

    def replace_source(self, sync_id: int, parsed: ParsedSource, as_of: date) -> None:
        """Replace a source's records with its current valid rows.

        Per sheet, the rows of each natural key are paired as `identity.pair` pairs them:
        same data → the version stays (its row and order updated if it moved); different
        data → the old version ends (`updated`) and a new one starts; a row no longer
        there → its version ends (`removed`).
        """
        opened = self.db.execute(
            "SELECT id, sheet, register, natural_key, data_hash, row_no FROM versions"
            " WHERE ended_sync IS NULL AND source_path = ?",
            (parsed.path,),
        ).fetchall()
        pairing = pair(
            opened,
            parsed.records,
            lambda o: ((o[1], o[2], base_key(o[3])), o[4]),
            lambda r: ((r.sheet, r.register, base_key(r.key)), r.data_hash),
        )
        moved = [(r.row, r.key, o[0]) for o, r in pairing.same if (o[5], o[3]) != (r.row, r.key)]
        ended = [(sync_id, "updated", o[0]) for o, _r in pairing.changed]
        ended.extend((sync_id, "removed", o[0]) for o in pairing.removed)
        kept = parsed.kept or kept_of(parsed.path, parsed.stored_texts())
        self._keep_counts(parsed.path, kept)
        days = kept.days
        inserts: list[tuple[Any, ...]] = []
        for rec in [*(r for _o, r in pairing.changed), *pairing.added]:
            inserts.append(
                (
                    self._next_version,
                    rec.register,
                    rec.key,
                    rec.rep,
                    rec.customer,
                    rec.data,
                    rec.data_hash,
                    parsed.path,
                    rec.sheet,
                    rec.row,
                    sync_id,
                    *days[rec.data_hash],
                )
            )
            self._next_version += 1
        self.db.executemany(
            "UPDATE versions SET ended_sync = ?, end_reason = ? WHERE id = ?", ended
        )
        self.db.executemany("UPDATE versions SET row_no = ?, natural_key = ? WHERE id = ?", moved)
        self.db.executemany(
            "INSERT INTO versions (id, register, natural_key, rep, customer, data, data_hash,"
            " source_path, sheet, row_no, first_sync, day, promise)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            inserts,
        )
        self._replace_findings(parsed)
        self._put_source(
            sync_id,
            parsed.path,
            parsed.kind,
            "present",
            parsed.content_hash,
            as_of,
            parsed.as_of_dependent,
            (None, None),
        )

    def _replace_findings(self, parsed: ParsedSource) -> None:
        self.db.execute("DELETE FROM source_sheets WHERE path = ?", (parsed.path,))
        self.db.execute("DELETE FROM problems WHERE path = ?", (parsed.path,))
        self.db.executemany(
            "INSERT INTO source_sheets (path, position, sheet, kind, header_row, rep,"
            " rows_read, valid, errors, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [astuple(s) for s in parsed.sheets],
        )
        positions = {s.sheet: s.position for s in parsed.sheets}
        self.db.executemany(
            "INSERT INTO problems (path, position, sheet, code, severity, row_no, col_letter,"
            " header, field, value, message_zh, message_en)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    parsed.path,
                    positions.get(p.sheet, 0),
                    p.sheet,
                    p.code,
                    str(p.severity),
                    p.row,
                    p.column,
                    p.header,
                    p.field,
                    p.value,
                    p.message_zh,
                    p.message_en,
                )
                for p in parsed.problems
            ],
        )

    def mark_unreadable(self, sync_id: int, parsed: ParsedSource) -> None:
        """A source that could not be read keeps its last records and problems: a file
        locked for a minute must not empty a rep's registers."""
        known = self.db.execute(
            "SELECT as_of_dependent FROM sources WHERE path = ?", (parsed.path,)
        ).fetchone()
        self._put_source(
            sync_id,
            parsed.path,
            parsed.kind,
            "unreadable",
            parsed.content_hash,
            None,
            bool(known and known[0]),
            (parsed.error_zh, parsed.error_en),
        )

    def mark_gone(self, sync_id: int, path: str) -> None:
        """A source no longer among the sources: its records leave the registers (their
        versions end as `source_gone`, kept for history) and its problems are dropped."""
        self.db.execute(
            "UPDATE sources SET state = 'gone', last_sync = ? WHERE path = ?", (sync_id, path)
        )
        self.db.execute(
            "UPDATE versions SET ended_sync = ?, end_reason = 'source_gone'"
            " WHERE source_path = ? AND ended_sync IS NULL",
            (sync_id, path),
        )
        self.db.execute("DELETE FROM source_sheets WHERE path = ?", (path,))
        self.db.execute("DELETE FROM problems WHERE path = ?", (path,))
        self._drop_counts(path)

    # --- reading the current state -------------------------------------------------

    def sheets(self) -> dict[str, list[SheetSummary]]:
        out: dict[str, list[SheetSummary]] = {}
        for row in self.db.execute(
            "SELECT path, position, sheet, kind, header_row, rep, rows_read, valid, errors,"
            " warnings FROM source_sheets ORDER BY path, position"
        ):
            out.setdefault(row[0], []).append(SheetSummary(*row))
        return out

    def open_counts(self) -> dict[str, int]:
        """Open versions per source (what an unreadable source still contributes)."""
        return dict(
            self.db.execute(
                "SELECT source_path, COUNT(*) FROM versions WHERE ended_sync IS NULL"
                " GROUP BY source_path"
            ).fetchall()
        )

    def problems(self) -> list[Problem]:
        """The problems of every source not gone, in file, sheet and row order."""
        return [
            Problem(code, Severity(severity), *rest)
            for code, severity, *rest in self.db.execute(
                "SELECT code, severity, path, sheet, row_no, col_letter, header, field,"
                " COALESCE(value, ''), message_zh, message_en FROM problems"
                " ORDER BY path, position, COALESCE(row_no, 0)"
            )
        ]

    def sync_log(self) -> list[SyncLogRow]:
        columns = ", ".join(SyncLogRow._fields)
        return list(
            map(SyncLogRow._make, self.db.execute(f"SELECT {columns} FROM syncs ORDER BY id"))
        )

    def history(self, text: str, limit: int = 500) -> tuple[list[Version], int]:
        """Versions whose natural key contains `text`, or whose customer is `text`
        (compared as `customer_key` compares names), oldest first per record; with the
        number of matching versions in all (only `limit` are returned)."""
        where = (
            " FROM versions v LEFT JOIN syncs s1 ON s1.id = v.first_sync"
            " LEFT JOIN syncs s2 ON s2.id = v.ended_sync"
            " WHERE v.natural_key LIKE ? ESCAPE '\\' OR v.customer LIKE ? ESCAPE '\\'"
        )
        ck = customer_key(text) or text
        params = (_like(text.strip()), _like(ck))
        (total,) = self.db.execute("SELECT COUNT(*)" + where, params).fetchone()
        rows = self.db.execute(
            "SELECT v.id, v.register, v.natural_key, v.data, v.source_path, v.sheet, v.row_no,"
            " v.first_sync, s1.started_at, v.ended_sync, s2.started_at, v.end_reason"
            + where
            + " ORDER BY v.register, v.natural_key, v.id LIMIT ?",
            (*params, limit),
        )
        versions = [Version(r[0], r[1], r[2], decode_record(r[1], r[3]), *r[4:]) for r in rows]
        return versions, total

    # --- settings ------------------------------------------------------------------

    def setting(self, name: str) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_setting(self, name: str, value: Any) -> None:
        text = json.dumps(value, ensure_ascii=False, default=str)
        if self.db.execute("SELECT 1 FROM settings WHERE name = ?", (name,)).fetchone():
            self.db.execute("UPDATE settings SET value = ? WHERE name = ?", (text, name))
        else:
            self.db.execute("INSERT INTO settings (name, value) VALUES (?, ?)", (name, text))
