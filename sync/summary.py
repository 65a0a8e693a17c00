"""A sync's summary, as data (`sync --json`) and as text (the terminal's lines).

Kept apart from the run (`engine`) so that the document's shape — a contract other
tools read, laid out in DESIGN.md — changes in one place and only on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sheets_templates import kpi, rules
from sheets_templates.kpi import Figures
from sheets_templates.records import money_text
from sheets_templates.registers import REGISTERS
from sheets_templates.words import Count, Text, lang_of

from .engine import SyncResult
from .master_model import Duplicate
from .master_words import KPI_STATUS
from .meeting import Meeting
from .source_status import STATUSES, SourceStatus


def source_json(s: SourceStatus) -> dict[str, Any]:
    """One entry of the document's `sources`; `error` only where there is one."""
    out: dict[str, Any] = {
        "path": s.path,
        "sheet": s.sheet,
        "status": s.status,
        "records": s.records,
        "errors": s.errors,
    }
    if s.error is not None:
        out["error"] = s.error
    return out


def sync_json(result: SyncResult) -> dict[str, Any]:
    """The `sync --json` document, exactly as DESIGN.md lays it out."""
    return {
        "sources": [source_json(s) for s in result.sources],
        "records": result.records,
        "changes": {
            "added": result.changes.added,
            "updated": result.changes.updated,
            "removed": result.changes.removed,
        },
        "issues": result.issues,
        "flags": flags_json(result.figures, result.duplicates),
        "kpi": [kpi_json(k) for k in result.figures.kpis],
        "meeting": meeting_json(result.meeting),
        "team": [
            {"name": m.name, "other_names": list(m.other_names), "office": m.office, "new": m.new}
            for m in result.team.members
        ],
        "office": result.office,
        "offices": result.offices,
    }


def _number(value: Decimal | int | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def _figure(metric: str, value: Decimal | int | None) -> str | int | float | None:
    """A metric's value in the contract: money as exact text, counts as numbers."""
    if value is None:
        return None
    return money_text(Decimal(value)) if metric in kpi.MONEY_METRICS else _number(value)


def kpi_json(k: kpi.Kpi) -> dict[str, Any]:
    """A KPI entry of the contract; money metrics as exact text, counts as numbers."""
    return {
        "rep": k.rep,
        "period": k.period,
        "start": k.start.isoformat(),
        "metric": k.metric,
        "actual": _figure(k.metric, k.actual),
        "target": _figure(k.metric, k.target),
        "met": k.met,
    }


def meeting_json(m: Meeting) -> dict[str, Any]:
    """The contract's `meeting`: the meeting the master opens on, as issue 11 lays it
    out (praise never holds a rep below target; shortfalls are against what was due)."""
    return {
        "kind": m.kind,
        "day": m.day.isoformat(),
        "at": m.at.strftime("%H:%M"),
        "ranking": [
            {
                "rep": s.rep,
                "metric": s.metric,
                "actual": _figure(s.metric, s.actual),
                "target": _figure(s.metric, s.target),
                "rank": s.rank,
                "change": s.change,
            }
            for s in m.ranking
        ],
        "praise": [
            {
                "rep": s.rep,
                "metric": s.metric,
                "actual": _figure(s.metric, s.actual),
                "target": _figure(s.metric, s.target),
            }
            for s in m.praise
        ],
        "shortfalls": [
            {
                "rep": s.rep,
                "metric": s.metric,
                "actual": _figure(s.metric, s.actual),
                "expected": _figure(s.metric, s.expected),
                "gap": _figure(s.metric, s.gap),
            }
            for s in m.shortfalls
        ],
        "health": {
            "unreadable": m.health.unreadable,
            "problems": m.health.problems,
            "reps_without_data": m.health.reps_without_data,
            "unknown_reps": m.health.unknown_reps,
        },
        "follow_ups": m.follow_ups,
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

SOURCES = Count(
    "来源: {n} 个表 — 已同步 {synced}，未变 {unchanged}，跳过 {skipped}，"
    "无法读取 {unreadable}，已消失 {gone}",
    "Sources: {n} sheet — synced {synced}, unchanged {unchanged}, "
    "skipped {skipped}, unreadable {unreadable}, gone {gone}",
    "Sources: {n} sheets — synced {synced}, unchanged {unchanged}, "
    "skipped {skipped}, unreadable {unreadable}, gone {gone}",
)
RECORDS = Text("记录: {items}", "Records: {items}")
CHANGES = Text(
    "变化: 新增 {added}，修改 {updated}，删除 {removed}",
    "Changes: added {added}, updated {updated}, removed {removed}",
)
MASTER_KEPT = Text(
    "总表: 没有新变化，保持上次写入的样子（未重写）",
    "Master: nothing new, left as the last sync wrote it (not rewritten)",
)
ISSUES = Text(
    "数据问题: {n} 个（见总表“数据问题”）",
    "Data problems: {n} (see the master's Data problems sheet)",
)
FLAGS = Text(
    "预警: 停滞客户 {stalled}，撞单 {collision}，重复记录 {duplicate}，逾期回款 {overdue}",
    "Flags: stalled customers {stalled}, collisions {collision}, "
    "duplicates {duplicate}, overdue payments {overdue}",
)
KPI = Text("今日指标（{day}）:", "Today's KPIs ({day}):")
UNREADABLE = Text("  {path}: 无法读取 — {error}", "  {path}: unreadable — {error}")
KEPT = Count(
    "（上次的 {n} 条记录保留在总表中）",
    " (its {n} record from the last sync stays in the master)",
    " (its {n} records from the last sync stay in the master)",
)
THIS_MONTH = Text("（本月）", " (month)")


def summary_lines(result: SyncResult) -> list[tuple[str, str | None]]:
    """The terminal view: (line, style) pairs, styles as in `check.report_text`."""
    lang = lang_of(result.lang)
    counts = {s: result.count(s) for s in STATUSES}
    lines: list[tuple[str, str | None]] = [(SOURCES(len(result.sources), lang, **counts), "bold")]
    lines += [
        (
            UNREADABLE(lang, path=s.path, error=s.error)
            + (KEPT(s.records, lang) if s.records else ""),
            "red",
        )
        for s in result.sources
        if s.status == "unreadable"
    ]
    items = ", ".join(f"{REGISTERS[k].title(lang)} {n}" for k, n in result.records.items())
    lines.append((RECORDS(lang, items=items), None))
    c = result.changes
    lines.append((CHANGES(lang, added=c.added, updated=c.updated, removed=c.removed), None))
    if result.master_kept:
        lines.append((MASTER_KEPT(lang), "dim"))
    lines.append((ISSUES(lang, n=result.issues), "yellow" if result.issues else None))
    flags = flags_json(result.figures, result.duplicates)
    kinds = {k: 0 for k in ("stalled_customer", "collision", "duplicate", "overdue")}
    for f in flags:
        kinds[f["type"]] += 1
    lines.append(
        (
            FLAGS(
                lang,
                stalled=kinds["stalled_customer"],
                collision=kinds["collision"],
                duplicate=kinds["duplicate"],
                overdue=kinds["overdue"],
            ),
            "yellow" if flags else None,
        )
    )
    lines.append((KPI(lang, day=result.as_of.isoformat()), "bold"))
    for rep in result.figures.reps:
        parts = []
        behind = False
        for k in result.figures.kpis:
            metric = rules.METRICS_BY_NAME[k.metric]
            # A monthly target (3 signings) reads as the month so far, not 0/0.14 a day.
            period = "day" if metric.daily_target is not None else "month"
            if k.rep != rep or k.period != period or k.target is None:
                continue
            label = metric.label(lang) + ("" if period == "day" else THIS_MONTH(lang))
            parts.append(
                f"{label} {_number(Decimal(k.actual))}/{_number(k.target)} {KPI_STATUS[k.status or 'met'](lang)}"
            )
            behind = behind or k.status == "behind"
        lines.append((f"  {rep}: " + " · ".join(parts), "red" if behind else "green"))
    return lines
