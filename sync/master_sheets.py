"""The master's sheets, built from what the sync gathered: the two meetings (their
own module, `master_meeting`), the KPIs, the objections, the pipeline, the flags, the receivables, the data problems, the registers, the targets
and the sync log, each as `Table`s of `Column`s (`master_model`) in the team's
language (`master_words`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sheets_templates import rules
from sheets_templates.flags import AGING_BUCKETS, Receivable, aging
from sheets_templates.kpi import MONEY_METRICS, PERIODS, Kpi
from sheets_templates.registers import REGISTERS
from sheets_templates.roster import NEW
from sheets_templates.targets import target_unit
from sheets_templates.words import Lang, Text, lang_of

from . import master_words as w
from .master_followups import follow_up_table
from .master_meeting import meeting_sheets, status_column
from .master_model import (
    BAD,
    DATE,
    GOOD,
    INT,
    MONEY,
    NUMBER,
    PERCENT,
    TEXT,
    TIME,
    WARN,
    Column,
    MasterInput,
    MasterSheet,
    Row,
    Table,
)
from .master_offices import office_columns
from .master_registers import field_column, register_table, shipment_status, source_columns
from .meeting import KINDS
from .offices import OfficeView
from .window import HELP_HEADER, WINDOW_HEADER, WINDOW_HELP, Window

SHEET_KEYS = tuple(w.SHEET_TITLES)
"""Every sheet: the two meetings first (`master_meeting`), the raw registers after."""


def build_sheets(data: MasterInput, calls: MasterSheet) -> list[MasterSheet]:
    """Every sheet of the master, in workbook order: the sync's meeting first (the
    workbook opens on it), the other meeting, then as `SHEET_KEYS` lists them. The
    calls' sheet is built apart (`register_sheet`) from the window's calls, which are
    read apart from those the figures need (`current.window_calls`), and often before
    the figures are known."""
    lang = lang_of(data.lang)
    titles = {key: title(lang) for key, title in w.SHEET_TITLES.items()}
    builders: dict[str, Callable[[], list[Table]]] = {
        "kpis": lambda: kpi_tables(data.figures.kpis, lang),
        "follow_ups": lambda: [follow_up_table(data, lang)],
        "objections": lambda: [objection_table(data.figures.objections, lang)],
        "pipeline": lambda: pipeline_tables(data),
        "flags": lambda: flag_tables(data),
        "receivables": lambda: receivable_tables(data),
        "problems": lambda: [problem_table(data)],
        "targets": lambda: [targets_table(data), window_table(data)],
        "team": lambda: [team_table(data)],
        "sync_log": lambda: [log_table(data)],
    }
    sheets = meeting_sheets(data, titles)
    for key in SHEET_KEYS:
        if key in KINDS:
            continue
        if key == "calls":
            sheets.append(calls)
            continue
        if key in REGISTERS:
            sheets.append(
                register_sheet(
                    key,
                    data.registers.get(key, ()),
                    data.window,
                    data.as_of,
                    lang,
                    data.offices,
                    data.figures.receivables,
                )
            )
            continue
        tables = office_columns(key, builders[key](), data.offices, lang)
        # the KPIs' money table has the counts' columns: their frozen header reads for both;
        # the targets' header stays in view above the window block
        freeze = len(tables) == 1 or key in ("kpis", "targets")
        sheets.append(MasterSheet(key, titles[key], tables, freeze=freeze))
    return sheets


def register_sheet(
    register: str,
    records: Iterable[Row],
    window: Window,
    as_of: date,
    lang: Lang,
    offices: OfficeView | None,
    receivables: Iterable[Receivable] = (),
    texts_fit: bool = False,
) -> MasterSheet:
    """A register's sheet: its `records` in the window (`register_table`), with their
    office on the head office's master (`offices`)."""
    table = register_table(register, records, window, as_of, lang, receivables, texts_fit)
    tables = office_columns(register, [table], offices, lang)
    return MasterSheet(register, w.SHEET_TITLES[register](lang), tables, freeze=True)


# --- KPIs, objections --------------------------------------------------------------


def _status(k: Kpi, lang: Lang) -> str | None:
    return w.KPI_STATUS[k.status](lang) if k.status else None


def _metric(name: str, lang: Lang) -> str:
    return rules.METRICS_BY_NAME[name].label(lang)


def objection_table(calls: list[Row], lang: Lang) -> Table:
    rows = [
        [
            c["rep"],
            c.get("time"),
            c.get("customer"),
            c.get("contact"),
            c.get("phone"),
            c.get("objection"),
            c.get("open_question"),
            *c["source"],
        ]
        for c in sorted(calls, key=lambda c: (c["rep"], c.get("time") or datetime.min.time()))
    ]
    columns = [
        Column(w.REP(lang)),
        Column(w.TIME(lang), TIME),
        *(Column(word(lang)) for word in (w.CUSTOMER, w.CONTACT, w.PHONE, w.OBJECTION, w.QUESTION)),
        *source_columns(lang),
    ]
    return Table(w.OBJECTIONS(lang), columns, rows, empty=w.NONE(lang))


def kpi_tables(entries: list[Kpi], lang: Lang) -> list[Table]:
    """Every metric of every rep, with day, week and month side by side: the counts,
    then the money (as ¥). A metric targeted per month (signings) has its target in the
    month's columns only, against the month so far — never 0.14 a day."""
    counts = [k for k in entries if k.metric not in MONEY_METRICS]
    money = [k for k in entries if k.metric in MONEY_METRICS]
    return [
        _kpi_table(w.ALL_KPIS(lang), counts, NUMBER, lang),
        _kpi_table(w.MONEY_KPIS(lang), money, MONEY, lang),
    ]


def _kpi_table(title: str, entries: list[Kpi], kind: str, lang: Lang) -> Table:
    by_key = {(k.rep, k.metric, k.period): k for k in entries}
    columns = [Column(w.REP(lang)), Column(w.METRIC(lang))]
    for p in PERIODS:
        period = w.PERIODS[p](lang)
        actual, target, ratio, status = (
            w.PERIOD_COLUMN(lang, period=period, word=word(lang))
            for word in (w.ACTUAL, w.TARGET, w.RATIO, w.STATUS)
        )
        columns += [
            Column(actual, kind),
            Column(target, kind),
            Column(ratio, PERCENT),
            status_column(status, lang),
        ]
    rows = []
    for rep, metric in dict.fromkeys((k.rep, k.metric) for k in entries):
        row: list[Any] = [rep, _metric(metric, lang)]
        for period in PERIODS:
            k = by_key[(rep, metric, period)]
            if target_unit(metric) == "month" and period != "month":
                row += [k.actual, None, None, None]
            else:
                row += [k.actual, k.target, k.ratio, _status(k, lang)]
        rows.append(row)
    return Table(title, columns, rows, autofilter=True)


# --- pipeline ----------------------------------------------------------------------


def pipeline_tables(data: MasterInput) -> list[Table]:
    lang, fig = lang_of(data.lang), data.figures
    counts: dict[str, Counter[str]] = {rep: Counter() for rep in fig.reps}
    for e in fig.pipeline:
        counts.setdefault(e.rep, Counter())[e.grade] += 1
    new = {
        k.rep: k.actual for k in fig.kpis if k.period == "week" and k.metric == "new_intent_leads"
    }
    summary = Table(
        w.GRADES(lang),
        [
            Column(w.REP(lang)),
            *(Column(grade, INT) for grade in "ABCD"),
            Column(w.TOTAL(lang), INT),
            Column(w.NEW_THIS_WEEK(lang), INT),
        ],
        [
            [rep, *(c[g] for g in "ABCD"), sum(c.values()), new.get(rep, 0)]
            for rep, c in sorted(counts.items())
        ],
    )
    detail = Table(
        w.PIPELINE_DETAIL(lang),
        [
            Column(w.REP(lang)),
            Column(w.CUSTOMER(lang)),
            Column(w.GRADE(lang)),
            Column(w.GRADED_ON(lang), DATE),
            Column(w.FIRST_GRADED_ON(lang), DATE),
        ],
        [[e.rep, e.customer, e.grade, e.graded_on, e.first_graded_on] for e in fig.pipeline],
        empty=w.NONE(lang),
    )
    return [summary, detail]


# --- flags -------------------------------------------------------------------------


def flag_tables(data: MasterInput) -> list[Table]:
    """One table of everything to act on, a row per flag, filterable by type and rep."""
    lang, fig = lang_of(data.lang), data.figures
    stalled, collision = w.STALLED(lang), w.COLLISION(lang)
    duplicate, overdue = w.DUPLICATE(lang), w.OVERDUE(lang)
    rows: list[list[Any]] = []
    for st in fig.stalled:
        detail = w.STALLED_DETAIL(st.visits, lang, first=st.first, last=st.last)
        rows.append([stalled, st.rep, st.customer, detail, st.last, *st.record["source"]])
    for c in fig.collisions:
        detail = w.COLLISION_DETAIL(
            lang,
            owner=c.owner,
            owner_registered=c.owner_registered or "?",
            registered=c.registered or "?",
            by=w.COLLISION_BY[c.by](lang),
        )
        rows.append([collision, c.rep, c.customer, detail, c.registered, *c.record["source"]])
    for d in data.duplicates:
        rows.append([duplicate, d.rep, d.customer, d.message(lang), None, d.file, d.sheet, d.row])
    for r in sorted(fig.overdue, key=lambda r: -r.overdue_days):
        detail = w.OVERDUE_DETAIL(
            r.overdue_days,
            lang,
            order=r.record.get("order_no"),
            product=r.record.get("product"),
            amount=f"{r.outstanding:,.2f}",
            bucket=r.bucket,
        )
        rows.append(
            [
                overdue,
                r.record["rep"],
                r.record.get("customer"),
                detail,
                r.record.get("due_date"),
                *r.record["source"],
            ]
        )
    tones = {stalled: WARN, collision: BAD, duplicate: WARN, overdue: BAD}
    columns = [
        Column(w.FLAG(lang), TEXT, tones),
        Column(w.REP(lang)),
        Column(w.CUSTOMER(lang)),
        Column(w.DETAIL(lang)),
        Column(w.DATE(lang), DATE),
        *source_columns(lang),
    ]
    return [Table(w.FLAGS(lang), columns, rows, autofilter=True, empty=w.NONE(lang))]


# --- receivables -------------------------------------------------------------------


def receivable_tables(data: MasterInput) -> list[Table]:
    """Aging per rep (a total row) and customer, then every order line's progress."""
    lang, fig = lang_of(data.lang), data.figures
    labels = [label for *_r, label in AGING_BUCKETS]
    by_rep, by_customer = aging(fig.receivables)
    total = w.TOTAL(lang)
    rows = []
    for rep_total in by_rep:
        for a in [rep_total, *(a for a in by_customer if a.rep == rep_total.rep)]:
            name = a.customer if a.customer is not None else total
            amounts = [a.outstanding, a.not_due, *(a.buckets[x] for x in labels)]
            rows.append([a.rep, name, *(x or None for x in amounts)])
    aging_table = Table(
        w.AGING(lang),
        [
            Column(w.REP(lang)),
            Column(w.CUSTOMER(lang)),
            Column(w.OUTSTANDING(lang), MONEY),
            Column(w.NOT_DUE(lang), MONEY),
            *(Column(label, MONEY) for label in labels),
        ],
        rows,
        empty=w.NONE(lang),
    )
    fields = REGISTERS["shipments"].by_name
    settled = shipment_status("settled", lang)
    chain = Table(
        w.CHAIN(lang),
        [
            *(field_column(fields[n], lang) for n in CHAIN_FIELDS),
            Column(w.OUTSTANDING(lang), MONEY),
            Column(w.STATUS(lang), TEXT, {settled: GOOD}),
            Column(fields["due_date"].header(lang), DATE),
            Column(w.OVERDUE_DAYS(lang), INT),
            Column(w.BUCKET(lang)),
            *source_columns(lang),
        ],
        [
            [
                *(r.record.get(n) for n in CHAIN_FIELDS),
                r.outstanding,
                shipment_status(r.status, lang),
                r.record.get("due_date"),
                r.overdue_days or None,
                r.bucket,
                *r.record["source"],
            ]
            for r in fig.receivables
        ],
        empty=w.NONE(lang),
    )
    return [aging_table, chain]


CHAIN_FIELDS = (
    "order_no",
    "product",
    "customer",
    "rep",
    "amount",
    "date",
    "ship_date",
    "outbound_no",
    "confirmed_date",
    "received",
)
"""An order line's way: requisition (date) → shipped → confirmed → collected."""


# --- problems, registers, targets, log ---------------------------------------------


def problem_table(data: MasterInput) -> Table:
    lang = lang_of(data.lang)
    error = w.SEVERITIES["error"](lang)
    unreadable = w.UNREADABLE(lang)
    rows: list[list[Any]] = [
        [
            path,
            None,
            None,
            None,
            None,
            None,
            error,
            "file.unreadable",
            unreadable + ": " + Text(zh, en)(lang),
        ]
        for path, zh, en in data.unreadable
    ]
    rows += [
        [
            p.file,
            p.sheet,
            p.row,
            p.column,
            p.header,
            p.value,
            w.SEVERITIES[str(p.severity)](lang),
            p.code,
            p.message(lang),
        ]
        for p in data.problems
    ]
    tones = {error: BAD, w.SEVERITIES["warning"](lang): WARN}
    columns = [
        *source_columns(lang),
        *(Column(word(lang)) for word in (w.COLUMN, w.HEADER, w.VALUE)),
        Column(w.SEVERITY(lang), TEXT, tones),
        Column(w.CODE(lang)),
        Column(w.MESSAGE(lang)),
    ]
    return Table(w.PROBLEMS(lang), columns, rows, autofilter=True, empty=w.NONE(lang))


def targets_table(data: MasterInput) -> Table:
    """The targets as the sync used them, for the manager to edit: rep, then a number
    per metric."""
    header = data.targets_header
    columns = [Column(header[0]), *(Column(h, NUMBER) for h in header[1:])]
    return Table(w.TARGETS_NOTE(lang_of(data.lang)), columns, data.targets_rows)


def window_table(data: MasterInput) -> Table:
    """The window, below the targets, for the manager to change (`window`): read back
    with the targets on the next sync."""
    lang = lang_of(data.lang)
    columns = [Column(WINDOW_HEADER(lang)), Column(HELP_HEADER(lang))]
    return Table(None, columns, [[data.window.label(lang), WINDOW_HELP(lang)]])


def team_table(data: MasterInput) -> Table:
    """The team roster as the sync used and grew it, for the manager to edit."""
    header, *rows = data.team_rows
    new = NEW(lang_of(data.lang))
    columns = [*(Column(h) for h in header[:-1]), Column(header[-1], TEXT, {new: WARN})]
    return Table(w.TEAM_NOTE(lang_of(data.lang)), columns, rows)


def log_table(data: MasterInput) -> Table:
    lang = lang_of(data.lang)
    rows = [
        [
            n,
            started.replace("T", " "),
            (finished or "").replace("T", " ") or None,
            date.fromisoformat(as_of),
            *rest,
        ]
        for n, started, finished, as_of, *rest in data.sync_log
    ]
    kinds = [INT, TEXT, TEXT, DATE] + [INT] * (len(w.LOG_HEADER) - 4)
    columns = [Column(word(lang), kind) for word, kind in zip(w.LOG_HEADER, kinds, strict=True)]
    return Table(w.LOG(lang), columns, rows)
