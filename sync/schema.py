"""The store's tables, in portable SQL shared by the SQLite and PostgreSQL stores.

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
- `versions`: every version of every record: register, natural key, data (the
  `codec`'s JSON text), source file / sheet / row, the
  sync that first saw it and the sync that ended it, with why (`updated`,
  `removed`, `source_gone`).
- `settings`: small named values (the targets rows last used).
- `schema_version`: one row per migration applied (`MIGRATIONS`).
- `versions.day` (`DAY_COUNTS`, version 3): a record's own date (a lead's registered
  date), so a read of the records since a date needs no decoding.
- `versions.promise` (`FOLLOW_UPS`, version 4): the day a call or visit promises the next
  contact (下次联系, 下次拜访), so a sync reads the promises of today without decoding.
- `rep_rows`, `latest_calls` (`FOLLOW_UPS`, version 4): each rep name written on a
  source's records, with each sheet that holds it and its first row there; each (rep,
  customer key)'s latest calls in a source, whole; replaced with the records.
- `tallies`, `gradings` (`DAY_COUNTS`, version 3): what each source's open versions
  count toward the KPIs, per rep × day × metric, and the gradings that can decide a
  new intent lead or the pipeline (`day_counts`); replaced with the source's records.

Offices: each source belongs to the office whose sync saw it (`sources.office`, ""
for a company of one office), so an office's sync replaces only its own sources.
"""

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

OFFICES = """
ALTER TABLE sources ADD COLUMN office TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS sources_office ON sources (office);
"""
"""Sources get the office that synced them; a store from before offices keeps its
sources under the office "" (one office, as it was)."""

DAY_COUNTS = """
ALTER TABLE versions ADD COLUMN day TEXT;
CREATE TABLE IF NOT EXISTS tallies (
    source_path TEXT NOT NULL,
    rep TEXT NOT NULL,
    day TEXT NOT NULL,
    metric TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tallies_path ON tallies (source_path);
CREATE TABLE IF NOT EXISTS gradings (
    source_path TEXT NOT NULL,
    seq INTEGER NOT NULL,
    register TEXT NOT NULL,
    rep TEXT NOT NULL,
    customer TEXT NOT NULL,
    customer_key TEXT NOT NULL,
    day TEXT,
    grade TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS gradings_path ON gradings (source_path, seq);
CREATE INDEX IF NOT EXISTS versions_copies ON versions (ended_sync, register, data_hash);
CREATE INDEX IF NOT EXISTS versions_day ON versions (ended_sync, register, day);
"""
"""Each record's own date and the kept counts (`day_counts`); a store from before them
has its records counted once when opened (`sqlite_counts`)."""

FOLLOW_UPS = """
ALTER TABLE versions ADD COLUMN promise TEXT;
CREATE INDEX IF NOT EXISTS versions_keys ON versions (register, natural_key);
CREATE INDEX IF NOT EXISTS versions_promise ON versions (register, promise)
    WHERE promise IS NOT NULL;
CREATE INDEX IF NOT EXISTS versions_contacts ON versions (ended_sync, register, rep, customer, day);
CREATE TABLE IF NOT EXISTS rep_rows (
    source_path TEXT NOT NULL,
    rep TEXT NOT NULL,
    sheet TEXT NOT NULL,
    row_no INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rep_rows_path ON rep_rows (source_path);
CREATE TABLE IF NOT EXISTS latest_calls (
    source_path TEXT NOT NULL,
    rep TEXT NOT NULL,
    customer TEXT NOT NULL,
    day TEXT NOT NULL,
    natural_key TEXT NOT NULL,
    data TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    sheet TEXT NOT NULL,
    row_no INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS latest_calls_path ON latest_calls (source_path);
"""
"""What a sync asks of the history without decoding it: the day a record promises the
next contact (`followups.PROMISES`), each customer's latest call, and the versions of
the keys a sync started or ended a version of (`current.changes_of`); and, kept per
source like the tallies, each rep name's first row on each sheet (`rep_rows`, the
roster's names). A store from before has its promises and rep rows written once when
opened (`sqlite_counts`)."""

WANTED_TABLES = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS wanted_keys (register TEXT NOT NULL, base TEXT NOT NULL)",
    "CREATE TEMPORARY TABLE IF NOT EXISTS wanted_hashes"
    " (register TEXT NOT NULL, data_hash TEXT NOT NULL)",
)
"""The connection's tables of what a sync asks of the versions: the keys whose versions
it counts the changes of (`Store.versions_of`), the data whose copies it looks for
again (`Store.copies`)."""

MIGRATIONS: dict[int, str] = {1: SCHEMA, 2: OFFICES, 3: DAY_COUNTS, 4: FOLLOW_UPS}
"""Version → the SQL that brings a store from the version before to it; a new version
is added here (never by editing an old one), and opening a store applies what it lacks.
Version 1 is `CREATE … IF NOT EXISTS`, so a store from before this table (no
`schema_version` yet) takes it unchanged and goes on from there."""

SCHEMA_VERSION = max(MIGRATIONS)

VERSIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
)


def statements(script: str) -> list[str]:
    """A migration's statements one by one (none holds a `;` inside a string), so both
    stores run them inside their own transaction."""
    return [s.strip() for s in script.split(";") if s.strip()]
