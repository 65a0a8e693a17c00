"""The store: every version of every record, where it came from, and every sync.

Nothing a rep typed is lost: a row deleted from a rep's file leaves the registers
but its versions stay here; a source that vanishes keeps its last records, marked
as gone. The current registers are the open versions (`ended_sync IS NULL`).

Portable SQL, so a later issue can move the store to PostgreSQL unchanged:
- column types are TEXT and INTEGER only; dates and timestamps are ISO text;
  states are words (`present` / `unreadable` / `gone`), not booleans;
- ids are assigned by the program (MAX + 1 inside the sync's transaction), so there is
  no AUTOINCREMENT / SERIAL / IDENTITY to translate;
- rows are changed with plain INSERT / UPDATE / DELETE (no INSERT OR REPLACE, no
  upsert); transactions are explicit BEGIN / COMMIT; LIKE uses an explicit ESCAPE;
- placeholders are DB-API `qmark` (`?`); psycopg's `%s` is a mechanical swap.
SQLite is the default because it is one file beside the master and needs no server.

Tables
- `syncs`: one row per sync (the master's sync log).
- `sources`: each source ever seen: content hash, as-of date of its last read, state.
- `source_sheets`, `problems`: what the last good read of each source found.
- `versions`: every version of every record: register, natural key, data (JSON text,
  the `check --json` record shape without `source`), source file / sheet / row, the
  sync that first saw it and the sync that ended it, with why (`updated`,
  `removed`, `source_gone`).
- `settings`: small named values (the targets rows last used).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sheets_templates.problems import Problem, Severity
from sheets_templates.records import money_text
from sheets_templates.registers import REGISTERS, Kind
from sheets_templates.rules import customer_key, natural_key

from .errors import Bilingual
from .reader import FileResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS syncs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    as_of TEXT NOT NULL,
    synced INTEGER, unchanged INTEGER, skipped INTEGER, unreadable INTEGER, gone INTEGER,
    records INTEGER, added INTEGER, updated INTEGER, removed INTEGER, issues INTEGER
);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    content_hash TEXT,
    parsed_as_of TEXT,
    as_of_dependent INTEGER NOT NULL,
    state TEXT NOT NULL,
    error_zh TEXT,
    error_en TEXT,
    first_sync INTEGER NOT NULL,
    last_sync INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS source_sheets (
    path TEXT NOT NULL,
    position INTEGER NOT NULL,
    sheet TEXT NOT NULL,
    kind TEXT,
    header_row INTEGER,
    rep TEXT,
    rows_read INTEGER NOT NULL,
    valid INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    PRIMARY KEY (path, position)
);
CREATE TABLE IF NOT EXISTS problems (
    path TEXT NOT NULL,
    position INTEGER NOT NULL,
    sheet TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    row_no INTEGER,
    col_letter TEXT,
    header TEXT,
    field TEXT,
    value TEXT,
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS problems_path ON problems (path);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    register TEXT NOT NULL,
    natural_key TEXT NOT NULL,
    rep TEXT,
    customer TEXT,
    data TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    source_path TEXT NOT NULL,
    sheet TEXT NOT NULL,
    row_no INTEGER NOT NULL,
    first_sync INTEGER NOT NULL,
    ended_sync INTEGER,
    end_reason TEXT
);
CREATE INDEX IF NOT EXISTS versions_open ON versions (ended_sync, source_path);
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

AS_OF_CODES = frozenset({"date.future", "date.year_assumed"})
"""Problems whose finding depends on the sync's as-of date: a source that had one is
read again when the as-of date changes, even if its bytes did not."""

KEY_SEPARATOR = " / "


# --- records as stored text --------------------------------------------------------

FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(f.name for f in register.record_fields) for name, register in REGISTERS.items()
}
"""The data fields of each register's records, in register order."""

_DECODERS = {
    Kind.DATE: date.fromisoformat,
    Kind.TIME: time.fromisoformat,
    Kind.MONEY: Decimal,
    Kind.QUANTITY: Decimal,
}
_FIELD_DECODERS: dict[str, tuple[tuple[str, Any], ...]] = {
    name: tuple((f.name, _DECODERS[f.kind]) for f in register.fields if f.kind in _DECODERS)
    for name, register in REGISTERS.items()
}


def _json_value(value: Any) -> Any:
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return money_text(value)
    return value


def encode_record(register: str, values: Mapping[str, Any]) -> str:
    """A record's data as compact JSON text: fields in register order, blanks left out.

    The text is the identity of a version: two reads of an unchanged row give the same
    text, so comparing texts (or their hashes) is comparing the records.
    """
    out: dict[str, Any] = {}
    for name in FIELDS[register]:
        value = values.get(name)
        if value is not None:
            out[name] = _json_value(value)
    extra = values.get("extra")
    if extra:
        out["extra"] = dict(extra)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def decode_record(register: str, text: str) -> dict[str, Any]:
    """Stored JSON text back to typed values (dates, times, Decimals)."""
    return decode_records(register, [text])[0]


DECODE_CHUNK = 2000
"""Records parsed together as one JSON array by `decode_records`."""


def decode_records(register: str, texts: list[str]) -> list[dict[str, Any]]:
    """Many records of one register, as `decode_record` each, but parsed as JSON arrays
    of `DECODE_CHUNK` records: on a 100k-record register a parse per record takes about
    twice as long, and one array of them all (40 MB of text) a quarter longer."""
    records: list[dict[str, Any]] = []
    for start in range(0, len(texts), DECODE_CHUNK):
        records += json.loads("[" + ",".join(texts[start : start + DECODE_CHUNK]) + "]")
    for name, decode in _FIELD_DECODERS[register]:
        for values in records:
            raw = values.get(name)
            if raw is not None:
                values[name] = decode(raw)
    return records


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


# --- a source as read, ready to store ----------------------------------------------


@dataclass
class SheetSummary:
    """One sheet of a source as last read: its register and counts."""

    path: str
    position: int
    sheet: str
    kind: str | None
    header_row: int | None
    rep: str | None
    rows: int
    valid: int
    errors: int
    warnings: int


@dataclass
class RecordRow:
    """One valid record as stored: its identity, its place and its data text."""

    register: str
    key: str
    rep: str
    customer: str
    data: str
    data_hash: str
    sheet: str
    row: int


@dataclass
class ParsedSource:
    """A source after reading: plain values only, cheap to send between processes."""

    path: str
    kind: str
    content_hash: str
    error_zh: str | None = None
    error_en: str | None = None
    sheets: list[SheetSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    records: list[RecordRow] = field(default_factory=list)

    @property
    def as_of_dependent(self) -> bool:
        return any(p.code in AS_OF_CODES for p in self.problems)


def flatten(result: FileResult, path: str, kind: str, content_hash: str) -> ParsedSource:
    """A reader's `FileResult` as the store keeps it (records encoded to JSON text),
    under the source's stable `path` (whatever folder the sync was started from)."""
    parsed = ParsedSource(path, kind, content_hash, result.error, result.error_en)
    for position, sheet in enumerate(result.sheets):
        parsed.sheets.append(
            SheetSummary(
                path,
                position,
                sheet.sheet,
                sheet.kind,
                sheet.header_row,
                sheet.rep,
                sheet.rows,
                sheet.valid,
                sheet.errors,
                sheet.warnings,
            )
        )
        parsed.problems.extend(sheet.problems)
        register = sheet.kind
        if register is None:
            continue
        for record in sheet.records:
            values = vars(record)
            data = encode_record(register, values)
            parsed.records.append(
                RecordRow(
                    register,
                    KEY_SEPARATOR.join(natural_key(register, values)),
                    values.get("rep") or "",
                    customer_key(values.get("customer")),
                    data,
                    text_hash(data),
                    sheet.sheet,
                    record.source.row,
                )
            )
    return parsed


# --- what the store hands back -----------------------------------------------------


@dataclass
class StoredSource:
    path: str
    kind: str
    content_hash: str | None
    parsed_as_of: date | None
    as_of_dependent: bool
    state: str
    error_zh: str | None
    error_en: str | None


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


SYNC_LOG_COLUMNS = (
    "id",
    "started_at",
    "finished_at",
    "as_of",
    "synced",
    "unchanged",
    "skipped",
    "unreadable",
    "gone",
    "records",
    "added",
    "updated",
    "removed",
    "issues",
)


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def default_store(master: Path) -> Path:
    """The store beside the master: `master.xlsx` → `master.sqlite`."""
    return master.with_suffix(".sqlite")


class StoreError(Bilingual):
    """The store cannot be opened or written; the message says where and why."""

    def __init__(self, path: Path, exc: BaseException) -> None:
        super().__init__(
            f"无法打开或写入数据库 {path}：{exc}（文件夹只读，或正被其他程序占用？）",
            f"cannot open or write the store {path}: {exc} (read-only folder, or in use?)",
        )


class Store:
    """One store file. A sync is one transaction: `begin` … `commit` (or `rollback`)."""

    def __init__(self, path: Path, timeout: float = 60.0) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
            self.db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(path, exc) from None
        self._next_version = 0

    def close(self) -> None:
        self.db.close()

    # --- the sync transaction ------------------------------------------------------

    def begin(self, as_of: date) -> int:
        """Start a sync: BEGIN, then claim the write lock at once by logging the sync,
        so a second sync on the same store waits here rather than failing later."""
        self.db.execute("BEGIN")
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
            raise StoreError(self.path, exc) from None
        self._next_version = top + 1
        return sync_id

    def commit(self, sync_id: int, counts: SyncCounts) -> None:
        self.db.execute(
            "UPDATE syncs SET finished_at = ?, synced = ?, unchanged = ?, skipped = ?,"
            " unreadable = ?, gone = ?, records = ?, added = ?, updated = ?, removed = ?,"
            " issues = ? WHERE id = ?",
            (
                _now(),
                counts.synced,
                counts.unchanged,
                counts.skipped,
                counts.unreadable,
                counts.gone,
                counts.records,
                counts.added,
                counts.updated,
                counts.removed,
                counts.issues,
                sync_id,
            ),
        )
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    # --- sources -------------------------------------------------------------------

    def sources(self) -> dict[str, StoredSource]:
        rows = self.db.execute(
            "SELECT path, kind, content_hash, parsed_as_of, as_of_dependent, state,"
            " error_zh, error_en FROM sources"
        )
        return {
            r[0]: StoredSource(
                r[0],
                r[1],
                r[2],
                date.fromisoformat(r[3]) if r[3] else None,
                bool(r[4]),
                r[5],
                r[6],
                r[7],
            )
            for r in rows
        }

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
        if exists:
            self.db.execute(
                "UPDATE sources SET kind = ?, content_hash = ?,"
                " parsed_as_of = COALESCE(?, parsed_as_of), as_of_dependent = ?, state = ?,"
                " error_zh = ?, error_en = ?, last_sync = ? WHERE path = ?",
                (kind, content_hash, day, int(dependent), state, *error, sync_id, path),
            )
        else:
            self.db.execute(
                "INSERT INTO sources (path, kind, content_hash, parsed_as_of, as_of_dependent,"
                " state, error_zh, error_en, first_sync, last_sync)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (path, kind, content_hash, day, int(dependent), state, *error, sync_id, sync_id),
            )

    def store_source(self, sync_id: int, parsed: ParsedSource, as_of: date) -> None:
        """Replace a source's records with its current valid rows.

        Per sheet and natural key: same data → the version stays (its row number is
        updated if the row moved); different data → the old version ends (`updated`)
        and a new one starts; a key no longer there → its version ends (`removed`).
        """
        opened: dict[tuple[str, str, str], tuple[int, str, int]] = {
            (sheet, register, key): (vid, data_hash, row)
            for vid, sheet, register, key, data_hash, row in self.db.execute(
                "SELECT id, sheet, register, natural_key, data_hash, row_no FROM versions"
                " WHERE ended_sync IS NULL AND source_path = ?",
                (parsed.path,),
            )
        }
        inserts: list[tuple[Any, ...]] = []
        ended: list[tuple[int, str, int]] = []
        moved: list[tuple[int, int]] = []
        for rec in parsed.records:
            data_hash = rec.data_hash
            old = opened.pop((rec.sheet, rec.register, rec.key), None)
            if old is not None and old[1] == data_hash:
                if old[2] != rec.row:
                    moved.append((rec.row, old[0]))
                continue
            if old is not None:
                ended.append((sync_id, "updated", old[0]))
            inserts.append(
                (
                    self._next_version,
                    rec.register,
                    rec.key,
                    rec.rep,
                    rec.customer,
                    rec.data,
                    data_hash,
                    parsed.path,
                    rec.sheet,
                    rec.row,
                    sync_id,
                )
            )
            self._next_version += 1
        ended.extend((sync_id, "removed", vid) for vid, _h, _r in opened.values())
        self.db.executemany(
            "UPDATE versions SET ended_sync = ?, end_reason = ? WHERE id = ?", ended
        )
        self.db.executemany("UPDATE versions SET row_no = ? WHERE id = ?", moved)
        self.db.executemany(
            "INSERT INTO versions (id, register, natural_key, rep, customer, data, data_hash,"
            " source_path, sheet, row_no, first_sync) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            [
                (
                    s.path,
                    s.position,
                    s.sheet,
                    s.kind,
                    s.header_row,
                    s.rep,
                    s.rows,
                    s.valid,
                    s.errors,
                    s.warnings,
                )
                for s in parsed.sheets
            ],
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

    # --- reading the current state -------------------------------------------------

    def open_rows(self, paths: Iterable[str]) -> list[tuple[str, str, str, str, str, int]]:
        """(register, key, data hash, path, sheet, row) of the open versions of some
        sources: what they held before this sync changes them."""
        rows: list[tuple[str, str, str, str, str, int]] = []
        for path in paths:
            rows.extend(
                self.db.execute(
                    "SELECT register, natural_key, data_hash, source_path, sheet, row_no"
                    " FROM versions WHERE ended_sync IS NULL AND source_path = ?",
                    (path,),
                )
            )
        return rows

    def current_records(self) -> Iterator[tuple[str, str, str, str, str, str, int]]:
        """(register, key, data, data hash, path, sheet, row) of every open version: the
        latest data of each key in each source still present (in no particular order)."""
        yield from self.db.execute(
            "SELECT register, natural_key, data, data_hash, source_path, sheet, row_no"
            " FROM versions WHERE ended_sync IS NULL"
        )

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
            Problem(
                code=r[0],
                severity=Severity(r[1]),
                file=r[2],
                sheet=r[3],
                row=r[4],
                column=r[5],
                header=r[6],
                field=r[7],
                value=r[8] or "",
                message_zh=r[9],
                message_en=r[10],
            )
            for r in self.db.execute(
                "SELECT code, severity, path, sheet, row_no, col_letter, header, field, value,"
                " message_zh, message_en FROM problems ORDER BY path, position, row_no"
            )
        ]

    def sync_log(self) -> list[tuple[Any, ...]]:
        columns = ", ".join(SYNC_LOG_COLUMNS)
        return self.db.execute(f"SELECT {columns} FROM syncs ORDER BY id").fetchall()

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


# --- history as people read it -----------------------------------------------------

_HISTORY_WORDS = {
    "zh": {
        "current": "当前",
        "updated": "已修改（同步 #{n}，{at}）",
        "removed": "已从表中删除（同步 #{n}，{at}）",
        "source_gone": "来源文件已消失（同步 #{n}，{at}）",
        "seen": "同步 #{n}（{at}）首次出现",
        "where": "{file} [{sheet}] 第{row}行",
        "none": "没有找到: {text}",
        "more": "共 {total} 个版本，只显示前 {shown} 个",
    },
    "en": {
        "current": "current",
        "updated": "updated (sync #{n}, {at})",
        "removed": "deleted from its sheet (sync #{n}, {at})",
        "source_gone": "its source file disappeared (sync #{n}, {at})",
        "seen": "first seen in sync #{n} ({at})",
        "where": "{file} [{sheet}] row {row}",
        "none": "nothing found: {text}",
        "more": "{total} versions in all; the first {shown} shown",
    },
}


def _version_json(v: Version, n: int) -> dict[str, Any]:
    return {
        "version": n,
        "data": {k: _json_value(x) for k, x in v.data.items()},
        "file": v.path,
        "sheet": v.sheet,
        "row": v.row,
        "first_sync": v.first_sync,
        "first_seen": v.first_seen,
        "ended_sync": v.ended_sync,
        "ended_at": v.ended_at,
        "end_reason": v.end_reason,
    }


def _records(versions: list[Version]) -> dict[tuple[str, str], list[Version]]:
    grouped: dict[tuple[str, str], list[Version]] = {}
    for v in versions:
        grouped.setdefault((v.register, v.key), []).append(v)
    return grouped


def history_document(text: str, versions: list[Version], total: int) -> dict[str, Any]:
    """`history --json`: each matching record with its versions, oldest first."""
    return {
        "query": text,
        "total": total,
        "records": [
            {
                "register": register,
                "key": key,
                "versions": [_version_json(v, n) for n, v in enumerate(group, start=1)],
            }
            for (register, key), group in _records(versions).items()
        ],
    }


def _when(stamp: str | None) -> str:
    return (stamp or "").replace("T", " ")


def history_lines(
    text: str, versions: list[Version], total: int, lang: str
) -> list[tuple[str, str | None]]:
    """`history` for people: each record, then each version with what changed."""
    w = _HISTORY_WORDS[lang]
    if not versions:
        return [(w["none"].format(text=text), "yellow")]
    lines: list[tuple[str, str | None]] = []
    for (register, key), group in _records(versions).items():
        lines.append((f"{REGISTERS[register].title(lang)}: {key}", "bold"))
        previous: dict[str, Any] = {}
        for n, v in enumerate(group, start=1):
            where = w["where"].format(file=v.path, sheet=v.sheet, row=v.row)
            seen = w["seen"].format(n=v.first_sync, at=_when(v.first_seen))
            end = (
                w[v.end_reason].format(n=v.ended_sync, at=_when(v.ended_at))
                if v.end_reason
                else w["current"]
            )
            style = None if v.end_reason else "green"
            lines.append((f"  v{n}  {seen} · {where} · {end}", style))
            data = {k: _json_value(x) for k, x in v.data.items()}
            changed = {k: x for k, x in data.items() if previous.get(k) != x}
            changed.update({k: None for k in previous if k not in data})
            shown = data if n == 1 else changed
            for name, value in shown.items():
                before = f"{previous.get(name)} → " if n > 1 else ""
                lines.append((f"      {name}: {before}{value}", "dim"))
            previous = data
    if total > len(versions):
        lines.append((w["more"].format(total=total, shown=len(versions)), "yellow"))
    return lines
