"""A sync run: sources → validated records → store → the master's content.

`run_sync` reads the sources whose content changed (in worker processes when there
are enough of them), replaces their records in the store in one transaction, and
computes everything the master shows from the current registers. It does not write
the master: the CLI writes `result.sheets` to a file (`master_xlsx`), the add-in's
Refresh into the open workbook, the Google master into spreadsheet tabs — the same
content each time. Callers that may run concurrently hold `lock.sync_lock` around
the run and the write; the store's transaction also serialises two runs on one store.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sheets_templates import kpi, rules
from sheets_templates.kpi import Figures
from sheets_templates.problems import Problem, column_letter
from sheets_templates.records import money_text, paused_gc
from sheets_templates.registers import REGISTERS
from sheets_templates.words import Text

from .master import TITLES, WORDS, Duplicate, MasterInput, MasterSheet, build_sheets
from .sources import Source
from .store import (
    ParsedSource,
    Store,
    SyncCounts,
    decode_record,
    decode_records,
    flatten,
)
from .workers import read_in_workers

TARGETS_SETTING = "targets_rows"
ProgressFn = Callable[[int, int, str], None]


@dataclass
class SourceStatus:
    """One entry of the summary's `sources`: a sheet of a source, or a whole source
    that could not be read (sheet None) or is gone."""

    path: str
    sheet: str | None
    status: str
    records: int
    errors: int
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "sheet": self.sheet,
            "status": self.status,
            "records": self.records,
            "errors": self.errors,
        }
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass
class Changes:
    added: int = 0
    updated: int = 0
    removed: int = 0


@dataclass
class SyncResult:
    """What a sync did and found; `sheets` is the master's content."""

    sync_id: int
    as_of: date
    lang: str
    store_path: Path
    sources: list[SourceStatus]
    records: dict[str, int]
    changes: Changes
    problems: list[Problem]
    flags: list[dict[str, Any]]
    figures: Figures
    sheets: list[MasterSheet]
    parsed: list[str] = field(default_factory=list)

    @property
    def issues(self) -> int:
        return len(self.problems)

    def count(self, status: str) -> int:
        return sum(1 for s in self.sources if s.status == status)

    def exit_code(self) -> int:
        """0 every source clean; 1 problems found (the sync completed); 2 nothing synced."""
        live = [s for s in self.sources if s.status != "gone"]
        if not live or all(s.status == "unreadable" for s in live):
            return 2
        return 1 if self.problems or self.count("unreadable") else 0

    def to_json(self) -> dict[str, Any]:
        """The `sync --json` document, exactly as DESIGN.md lays it out."""
        return {
            "sources": [s.to_json() for s in self.sources],
            "records": self.records,
            "changes": {
                "added": self.changes.added,
                "updated": self.changes.updated,
                "removed": self.changes.removed,
            },
            "issues": self.issues,
            "flags": self.flags,
            "kpi": [kpi_json(k) for k in self.figures.kpis],
        }


# --- reading -----------------------------------------------------------------------


READ_FAILED = Text("读取时出错（{error}）", "failed while reading ({error})")


def read_source(source: Source) -> ParsedSource:
    """Read and flatten one source (in a worker process for file sources).

    A reader that fails unexpectedly makes the source unreadable with the reason; it
    never stops the other sources.
    """
    try:
        result = source.read()
    except Exception as exc:  # a bug or an I/O failure in one source only
        return _unreadable(source, READ_FAILED, error=f"{type(exc).__name__}: {exc}")
    return flatten(result, source.path, source.kind, source.content_hash)


def _unreadable(source: Source, reason: Text, **values: Any) -> ParsedSource:
    zh, en = reason("zh", **values), reason("en", **values)
    return ParsedSource(source.path, source.kind, source.content_hash, zh, en)


def read_sources(
    sources: list[Source], progress: ProgressFn | None = None, offset: int = 0, total: int = 0
) -> Iterator[ParsedSource]:
    """Read sources in input order: file sources in worker processes (`read_in_workers`),
    the others (Google spreadsheets, read over the network) here."""
    files = [s for s in sources if s.kind == "file"]
    others = [s for s in sources if s.kind != "file"]
    done = offset
    total = total or len(sources)

    def report(parsed: ParsedSource) -> ParsedSource:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, parsed.path)
        return parsed

    for parsed in read_in_workers(files, read_source, _unreadable):
        yield report(parsed)
    for source in others:
        yield report(read_source(source))


def needs_reading(source: Source, known: Any, as_of: date) -> bool:
    """Read a source that is new, changed, was unreadable or gone last time, or whose
    last read depended on the as-of date (dates without a year, dates in the future)
    when that date changed. Otherwise its stored records stand."""
    return (
        known is None
        or known.state != "present"
        or known.content_hash != source.content_hash
        or (known.as_of_dependent and known.parsed_as_of != as_of)
    )


# --- registers ---------------------------------------------------------------------


Row = tuple[Any, ...]
"""A stored version as (register, key, …, path, sheet, row)."""


@dataclass
class Current:
    """The current registers (typed records with `source`), each key once; `rows` are
    all open versions as (register, key, data hash, path, sheet, row)."""

    registers: dict[str, list[dict[str, Any]]]
    rows: list[Row]
    duplicates: list[Duplicate]


def first_of_each_key(rows: Iterable[Row]) -> tuple[dict[tuple[str, str], Row], list[Row]]:
    """Each (register, key) once: the copy first in (path, sheet, row) order wins; the
    others are duplicates (a record kept in two files, or two sheets of one file)."""
    best: dict[tuple[str, str], Row] = {}
    duplicates: list[Row] = []
    for row in rows:
        ident = (row[0], row[1])
        known = best.get(ident)
        if known is None:
            best[ident] = row
        elif row[-3:] < known[-3:]:
            duplicates.append(known)
            best[ident] = row
        else:
            duplicates.append(row)
    return best, duplicates


def load_current(store: Store) -> Current:
    """The current registers from the open versions, each key once; the copies that
    lost to an earlier source are duplicates: flagged, not counted again."""
    best, copies = first_of_each_key(store.current_records())
    winners: dict[str, list[Row]] = {name: [] for name in REGISTERS}
    for row in best.values():
        winners[row[0]].append(row)
    registers: dict[str, list[dict[str, Any]]] = {}
    for register, rows in winners.items():
        registers[register] = decode_records(register, [r[2] for r in rows])
        for values, row in zip(registers[register], rows, strict=True):
            values["source"] = row[-3:]
    duplicates = []
    for register, key, data, _hash, path, sheet, row in sorted(copies, key=lambda r: r[-3:]):
        values = decode_record(register, data)
        first = best[(register, key)][-3:]
        fmt = {"file": first[0], "sheet": first[1], "row": first[2], "key": key}
        duplicates.append(
            Duplicate(
                register,
                values.get("rep"),
                values.get("customer"),
                path,
                sheet,
                row,
                WORDS["zh"]["dup_other"].format(**fmt),
                WORDS["en"]["dup_other"].format(**fmt),
                key,
                first,
            )
        )
    rows = [(r[0], r[1], r[3], r[4], r[5], r[6]) for r in (*best.values(), *copies)]
    return Current(registers, rows, duplicates)


def register_index(rows: Iterable[Row]) -> dict[tuple[str, str], str]:
    """(register, key) → data hash of the winning copy (see `first_of_each_key`)."""
    best, _copies = first_of_each_key(rows)
    return {ident: row[2] for ident, row in best.items()}


def count_changes(before: list[Row], now: list[Row], touched: set[str]) -> Changes:
    """Changes by natural key across the registers: a new key added, a vanished key
    removed, a key whose winning copy's data differs updated.

    Only keys of the sources read (or gone) this sync can change: `before` holds those
    sources' open versions before the sync, `now` every open version after it; the
    other sources' versions are the same before and after.
    """
    affected = {(r[0], r[1]) for r in before}
    affected.update((r[0], r[1]) for r in now if r[3] in touched)
    was = register_index(
        [*before, *(r for r in now if r[3] not in touched and (r[0], r[1]) in affected)]
    )
    is_ = register_index([r for r in now if (r[0], r[1]) in affected])
    return Changes(
        added=sum(1 for k in is_ if k not in was),
        updated=sum(1 for k, h in is_.items() if k in was and was[k] != h),
        removed=sum(1 for k in was if k not in is_),
    )


def sheet_duplicates(problems: Iterable[Problem], store: Store) -> list[Duplicate]:
    """The reader's `row.duplicate` warnings, as flags (rep from the sheet when known)."""
    sheets = {(s.path, s.sheet): s for group in store.sheets().values() for s in group}
    out = []
    for p in problems:
        if p.code != "row.duplicate":
            continue
        sheet = sheets.get((p.file, p.sheet))
        if sheet is None or sheet.kind is None:
            continue
        out.append(
            Duplicate(
                sheet.kind, sheet.rep, None, p.file, p.sheet, p.row, p.message_zh, p.message_en
            )
        )
    return out


# --- targets -----------------------------------------------------------------------


def load_targets(
    store: Store, rows: list[list[Any]] | None, lang: str
) -> tuple[kpi.Targets, list[Problem]]:
    """Targets from the master's sheet (or a tab), else the ones the last sync used,
    else DESIGN's defaults; cells that cannot be read become problems."""
    if rows is None:
        rows = store.setting(TARGETS_SETTING)
    if not rows:
        return kpi.DEFAULT_TARGETS, []
    targets, issues = kpi.targets_from_rows(rows)
    where = "（总表）" if lang == "zh" else "(master)"
    sheet = TITLES[lang]["targets"]
    problems = [
        Problem.place(
            i.finding, where, sheet, i.row + 1, column_letter(i.column), i.header, "target"
        )
        for i in issues
    ]
    return targets, problems


# --- the run -----------------------------------------------------------------------


def run_sync(
    sources: list[Source],
    store_path: Path,
    as_of: date,
    lang: str = "zh",
    targets_rows: list[list[Any]] | None = None,
    progress: ProgressFn | None = None,
) -> SyncResult:
    """Sync `sources` into the store at `store_path` and compute the master's content.

    `targets_rows` are the rows of the targets sheet as the manager left them (from
    `master_xlsx.read_targets_xlsx`, a Google tab or the open workbook); None uses the
    targets of the last sync, or the defaults on the first.
    """
    unique: dict[str, Source] = {}
    for source in sources:  # a file named twice (overlapping folders) is read once
        unique.setdefault(source.path, source)
    store = Store(store_path)
    try:
        sync_id = store.begin(as_of)
        try:
            with paused_gc():
                result = _run(
                    store, sync_id, list(unique.values()), as_of, lang, targets_rows, progress
                )
                keep_as_long_lived()
            return result
        finally:
            store.rollback()  # a no-op once committed
    finally:
        store.close()


def _run(
    store: Store,
    sync_id: int,
    sources: list[Source],
    as_of: date,
    lang: str,
    targets_rows: list[list[Any]] | None,
    progress: ProgressFn | None,
) -> SyncResult:
    known = store.sources()
    to_read = [s for s in sources if needs_reading(s, known.get(s.path), as_of)]
    reading = {s.path for s in to_read}
    unchanged = [s for s in sources if s.path not in reading]
    if progress is not None:
        for n, s in enumerate(unchanged, start=1):
            progress(n, len(sources), s.path)
    present = {s.path for s in sources}
    gone = sorted(path for path, k in known.items() if path not in present and k.state != "gone")
    touched = reading | set(gone)
    before = store.open_rows(touched)
    parsed: dict[str, ParsedSource] = {}
    for p in read_sources(to_read, progress, offset=len(unchanged), total=len(sources)):
        if p.error_zh:
            store.mark_unreadable(sync_id, p)
        else:
            store.store_source(sync_id, p, as_of)
        p.records = []  # stored; the registers are read back below
        parsed[p.path] = p
    for path in gone:
        store.mark_gone(sync_id, path)

    current = load_current(store)
    changes = count_changes(before, current.rows, touched)
    targets, target_problems = load_targets(store, targets_rows, lang)
    figures = kpi.figures(current.registers, as_of, targets)
    targets_header = kpi.targets_header(lang)
    targets_table = kpi.targets_rows(targets, figures.reps, lang)
    store.put_setting(TARGETS_SETTING, [targets_header, *targets_table])

    source_problems = store.problems()
    problems = source_problems + target_problems
    statuses = source_statuses(sources, parsed, store, lang)
    statuses += [SourceStatus(path, None, "gone", 0, 0) for path in gone]
    duplicates = sheet_duplicates(source_problems, store) + current.duplicates
    records = {name: len(rows) for name, rows in current.registers.items()}
    counts = SyncCounts(
        **{status: sum(1 for s in statuses if s.status == status) for status in STATUSES},
        records=sum(records.values()),
        added=changes.added,
        updated=changes.updated,
        removed=changes.removed,
        issues=len(problems),
    )
    store.commit(sync_id, counts)
    master = MasterInput(
        as_of=as_of,
        synced_at=datetime.now(),
        lang=lang,
        registers=current.registers,
        figures=figures,
        duplicates=duplicates,
        problems=problems,
        unreadable=[
            (p.path, p.error_zh or "", p.error_en or "") for p in parsed.values() if p.error_zh
        ],
        targets_header=targets_header,
        targets_rows=targets_table,
        sync_log=store.sync_log(),
    )
    return SyncResult(
        sync_id=sync_id,
        as_of=as_of,
        lang=lang,
        store_path=store.path,
        sources=statuses,
        records=records,
        changes=changes,
        problems=problems,
        flags=flags_json(figures, duplicates),
        figures=figures,
        sheets=build_sheets(master),
        parsed=list(parsed),
    )


def keep_as_long_lived() -> None:
    """Put every object the collector tracks in its oldest generation, without walking
    them (`gc.freeze` then `gc.unfreeze`, as documented).

    A sync runs with the collector paused (`paused_gc`: it holds 100k records while it
    makes millions of objects); what it keeps — the registers, the master's tables —
    is long-lived, and the first young collection after the pause would otherwise walk
    all of it (0.15 s for a big team). Left alone when someone else froze objects.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


STATUSES = ("synced", "unchanged", "skipped", "unreadable", "gone")


def source_statuses(
    sources: list[Source], parsed: Mapping[str, ParsedSource], store: Store, lang: str
) -> list[SourceStatus]:
    """A summary entry per sheet of each source (one per source that is unreadable).

    A sheet that is no register is `skipped`; an unreadable source reports the records
    it still holds from its last good read."""
    sheets = store.sheets()
    kept = store.open_counts()
    out = []
    for s in sources:
        p = parsed.get(s.path)
        if p is not None and p.error_zh:
            error = p.error_zh if lang == "zh" else p.error_en
            out.append(SourceStatus(s.path, None, "unreadable", kept.get(s.path, 0), 0, error))
            continue
        fresh = "synced" if p is not None else "unchanged"
        listed = sheets.get(s.path, [])
        if not listed:
            out.append(SourceStatus(s.path, None, "skipped", 0, 0))
        for sheet in listed:
            status = fresh if sheet.kind else "skipped"
            out.append(SourceStatus(s.path, sheet.sheet, status, sheet.valid, sheet.errors))
    return out


# --- the summary as data -----------------------------------------------------------


def _number(value: Decimal | int | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def kpi_json(k: kpi.Kpi) -> dict[str, Any]:
    """A KPI entry of the contract; money metrics as exact text, counts as numbers."""
    money = k.metric in kpi.MONEY_METRICS
    return {
        "rep": k.rep,
        "period": k.period,
        "start": k.start.isoformat(),
        "metric": k.metric,
        "actual": money_text(Decimal(k.actual)) if money else k.actual,
        "target": (money_text(k.target) if money else _number(k.target))
        if k.target is not None
        else None,
        "met": k.met,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _where(record: Mapping[str, Any]) -> dict[str, Any]:
    file, sheet, row = record["source"]
    return {"file": file, "sheet": sheet, "row": row}


def flags_json(figures: Figures, duplicates: list[Duplicate]) -> list[dict[str, Any]]:
    """The contract's flags: stalled customers, collisions, overdue lines, duplicates."""
    flags: list[dict[str, Any]] = []
    for s in figures.stalled:
        flags.append(
            {
                "type": "stalled_customer",
                "rep": s.rep,
                "customer": s.customer,
                "visits": s.visits,
                "first_visit": _iso(s.first),
                "last_visit": _iso(s.last),
                **_where(s.record),
            }
        )
    for c in figures.collisions:
        flags.append(
            {
                "type": "collision",
                "rep": c.rep,
                "customer": c.customer,
                "registered": _iso(c.registered),
                "owner": c.owner,
                "owner_registered": _iso(c.owner_registered),
                "by": c.by,
                **_where(c.record),
            }
        )
    for r in figures.overdue:
        flags.append(
            {
                "type": "overdue",
                "rep": r.record["rep"],
                "customer": r.record.get("customer"),
                "order_no": r.record.get("order_no"),
                "product": r.record.get("product"),
                "due_date": _iso(r.record.get("due_date")),
                "days": r.overdue_days,
                "bucket": r.bucket,
                "outstanding": money_text(r.outstanding),
                **_where(r.record),
            }
        )
    for d in duplicates:
        flag: dict[str, Any] = {
            "type": "duplicate",
            "rep": d.rep,
            "customer": d.customer,
            "register": d.register,
            "file": d.file,
            "sheet": d.sheet,
            "row": d.row,
            "message": d.message_en,
        }
        if d.first is not None:
            flag["first"] = dict(zip(("file", "sheet", "row"), d.first, strict=True))
        flags.append(flag)
    return flags


# --- the summary as text -----------------------------------------------------------

_TEXT = {
    "zh": {
        "sources": "来源: {n} 个表 — 已同步 {synced}，未变 {unchanged}，跳过 {skipped}，"
        "无法读取 {unreadable}，已消失 {gone}",
        "records": "记录: {items}",
        "changes": "变化: 新增 {added}，修改 {updated}，删除 {removed}",
        "issues": "数据问题: {n} 个（见总表“数据问题”）",
        "flags": "预警: 停滞客户 {stalled}，撞单 {collision}，重复记录 {duplicate}，逾期回款 {overdue}",
        "kpi": "今日指标（{day}）:",
        "unreadable": "  {path}: 无法读取 — {error}",
        "this_month": "（本月）",
    },
    "en": {
        "sources": "Sources: {n} sheets — synced {synced}, unchanged {unchanged}, "
        "skipped {skipped}, unreadable {unreadable}, gone {gone}",
        "records": "Records: {items}",
        "changes": "Changes: added {added}, updated {updated}, removed {removed}",
        "issues": "Data problems: {n} (see the master's Data problems sheet)",
        "flags": "Flags: stalled customers {stalled}, collisions {collision}, "
        "duplicates {duplicate}, overdue payments {overdue}",
        "kpi": "Today's KPIs ({day}):",
        "unreadable": "  {path}: unreadable — {error}",
        "this_month": " (month)",
    },
}


def summary_lines(result: SyncResult) -> list[tuple[str, str | None]]:
    """The terminal view: (line, style) pairs, styles as in `check.report_text`."""
    lang = result.lang
    t, w = _TEXT[lang], WORDS[lang]
    lines: list[tuple[str, str | None]] = [
        (
            t["sources"].format(n=len(result.sources), **{s: result.count(s) for s in STATUSES}),
            "bold",
        )
    ]
    lines += [
        (t["unreadable"].format(path=s.path, error=s.error), "red")
        for s in result.sources
        if s.status == "unreadable"
    ]
    items = ", ".join(f"{REGISTERS[k].title(lang)} {n}" for k, n in result.records.items())
    lines.append((t["records"].format(items=items), None))
    c = result.changes
    lines.append((t["changes"].format(added=c.added, updated=c.updated, removed=c.removed), None))
    lines.append((t["issues"].format(n=result.issues), "yellow" if result.issues else None))
    kinds = {k: 0 for k in ("stalled_customer", "collision", "duplicate", "overdue")}
    for f in result.flags:
        kinds[f["type"]] += 1
    lines.append(
        (
            t["flags"].format(
                stalled=kinds["stalled_customer"],
                collision=kinds["collision"],
                duplicate=kinds["duplicate"],
                overdue=kinds["overdue"],
            ),
            "yellow" if result.flags else None,
        )
    )
    lines.append((t["kpi"].format(day=result.as_of.isoformat()), "bold"))
    for rep in result.figures.reps:
        parts = []
        behind = False
        for k in result.figures.kpis:
            metric = rules.METRICS_BY_NAME[k.metric]
            # A monthly target (3 signings) reads as the month so far, not 0/0.14 a day.
            period = "day" if metric.daily_target is not None else "month"
            if k.rep != rep or k.period != period or k.target is None:
                continue
            label = metric.label(lang) + ("" if period == "day" else t["this_month"])
            parts.append(
                f"{label} {_number(Decimal(k.actual))}/{_number(k.target)} {w[k.status or 'met']}"
            )
            behind = behind or k.status == "behind"
        lines.append((f"  {rep}: " + " · ".join(parts), "red" if behind else "green"))
    return lines
