"""The PostgreSQL store: the SQLite store's tables and statements, on a database server.

Why a server: a company's offices sync into one database at the same time, instead of
each keeping a SQLite file of its own. Why the same statements: `sqlite_store` is
written in portable SQL (TEXT and INTEGER, ids assigned by the program, plain INSERT /
UPDATE / DELETE, explicit transactions) so that this store runs it unchanged through
`Dialect`; only what a server does differently lives here:

- connecting, and saying a server fault in words (`ServerStoreError`);
- the schema, created and migrated by salesflow under a schema version table
  (`schema_version`: one row per migration applied), never by hand;
- syncs at the same time: every transaction first queues for the store's write lock
  (a transaction-level advisory lock), so syncs into one database take turns writing,
  each sees what the one before committed, and the program-assigned ids (MAX + 1) never
  collide. The wait is bounded (`QUEUE_WAIT`: offices may all sync at once). A sync killed
  mid-way drops its connection; the server rolls its transaction back and frees the
  lock, so the store is as the last finished sync left it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import count
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from . import schema
from .sqlite_counts import STREAM_CHUNK
from .sqlite_store import SqliteStore
from .store import StoreError

SYNC_LOCK = 0x5A1E5F10
"""The advisory lock every write transaction on the store queues for."""

QUEUE_WAIT = 1800.0
"""How long (seconds) a sync may queue for `SYNC_LOCK`: offices syncing at once take
turns, each holding the lock for its whole sync, so the last of twenty offices waits for
nineteen syncs. Every other wait stays bounded by the store's `timeout`."""

SCHEMA_LOCK = 0x5A1E5F11
"""The advisory lock under which the schema is created or migrated, so two syncs
opening a new database at once do not both create its tables."""


def collated(sql: str) -> str:
    """Table definitions with text compared by code point, as in SQLite, so rows come
    back in the same order (file, sheet names) whatever locale the server's database was
    made with, and keys compare alike in every table."""
    return sql.replace(" TEXT", ' TEXT COLLATE "C"')


MIGRATIONS: dict[int, str] = {version: collated(sql) for version, sql in schema.MIGRATIONS.items()}
"""`schema.MIGRATIONS`, `collated`."""


def shown(url: str) -> str:
    """The URL as messages and the summary show it: any password replaced by `***`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


class ServerStoreError(StoreError):
    """The database server cannot be reached or written; says where and why."""

    def __init__(self, where: str, exc: BaseException) -> None:
        super().__init__(
            where,
            f"无法连接或写入数据库服务器 {where}：服务器是否在运行？地址、用户和权限是否正确？"
            "（详情见 salesflow.log）",
            f"cannot reach or write the store on the server {where}: is the server running, "
            "and are the address, user and rights right? (details in salesflow.log)",
        )
        self.detail = f"{type(exc).__name__}: {exc}"


class Dialect:
    """A psycopg connection that takes the SQLite store's statements as they are.

    The statements use DB-API `?` placeholders; psycopg takes `%s` (and a literal `%`
    doubled). SQLite's LIKE ignores the case of ASCII letters; ILIKE does so here, so
    `salesflow history so-12` finds `SO-12` on either store. SQLite's `BEGIN IMMEDIATE`
    (begin, taking the write lock now) is BEGIN and then queuing for `SYNC_LOCK` (see
    the module's docstring). A fault of the server or of the connection is a
    `ServerStoreError`: the sync says it rather than crashing.
    """

    def __init__(self, url: str, timeout: float) -> None:
        self.where, self.timeout = shown(url), timeout
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=int(timeout))
            self.conn.execute(f"SET lock_timeout = {int(timeout * 1000)}")
        except psycopg.OperationalError as exc:
            raise ServerStoreError(self.where, exc) from None

    @staticmethod
    def translated(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s").replace(" LIKE ", " ILIKE ")

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """Run one statement, or several (a script) when there are no parameters; the
        cursor holds its rows."""
        if sql == "ROLLBACK" and self.conn.closed:
            return None  # the server rolled back when the connection went; say why it went
        try:
            if sql == "BEGIN IMMEDIATE":
                self.conn.execute("BEGIN")
                queue = max(self.timeout, QUEUE_WAIT)
                self.conn.execute(f"SET LOCAL lock_timeout = {int(queue * 1000)}")
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (SYNC_LOCK,))
                self.conn.execute(f"SET LOCAL lock_timeout = {int(self.timeout * 1000)}")
                return self.conn.cursor()
            if params is None:
                return self.conn.execute(sql)
            return self.conn.execute(self.translated(sql), params)
        except psycopg.OperationalError as exc:
            raise ServerStoreError(self.where, exc) from None

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            with self.conn.cursor() as cursor:
                cursor.executemany(self.translated(sql), rows)
        except psycopg.OperationalError as exc:
            raise ServerStoreError(self.where, exc) from None

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open, as sqlite3's connection says it."""
        idle = psycopg.pq.TransactionStatus.IDLE
        return not self.conn.closed and self.conn.info.transaction_status != idle

    def close(self) -> None:
        self.conn.close()


class PostgresStore(SqliteStore):
    """A store in a PostgreSQL database, implementing `store.Store` with the SQLite
    store's statements (see the module's docstring); `path` is the URL as shown."""

    db: Dialect
    path: str
    wanted_tables = tuple(map(collated, schema.WANTED_TABLES))

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        self.db = Dialect(url, timeout)
        self.path = self.db.where
        self._next_version = 0
        self._office = ""
        try:
            self._migrate()
            self._count_kept_records()
            for table in self.wanted_tables:
                self.db.execute(table)
        except BaseException:
            self.db.close()
            raise

    def _migrate(self) -> None:
        """Create the tables of a new store, or bring an older one up to
        `schema.SCHEMA_VERSION`, in one transaction under `SCHEMA_LOCK`."""
        db = self.db
        try:
            with db.conn.transaction():
                db.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
                self._apply(MIGRATIONS)
        except psycopg.OperationalError as exc:
            raise ServerStoreError(self.path, exc) from None

    _cursors = count()

    def _chunks(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[list[tuple[Any, ...]]]:
        """A query's rows through a server-side cursor, `STREAM_CHUNK` at a time, so the
        client never holds them all (WITH HOLD: it also works outside a transaction)."""
        name = f"salesflow_stream_{next(self._cursors)}"
        try:
            with self.db.conn.cursor(name=name, withhold=True) as cursor:
                cursor.execute(Dialect.translated(sql), params)
                while chunk := cursor.fetchmany(STREAM_CHUNK):
                    yield chunk
        except psycopg.OperationalError as exc:
            raise ServerStoreError(self.path, exc) from None


def open_store(url: str, timeout: float = 60.0) -> PostgresStore:
    """The store in the PostgreSQL database at `url` (its tables made if new); use it as
    `with open_store(url) as store:` so the connection is closed however the block ends."""
    return PostgresStore(url, timeout)
