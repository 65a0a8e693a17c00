"""The master workbook's CONTENT, as plain tables: what each sheet says, not how a file
stores it.

Three writers put the same `MasterSheet` list somewhere: `master_xlsx` (a file, for the
CLI), the add-in's Refresh (the open workbook, through xlwings) and the Google master
(spreadsheet tabs). Values are plain (str, int, float, Decimal, date, time, bool,
None); a column's `kind` tells a writer its number format. Text that came from a rep
is text: every writer must write a value of type `str` as text, never as a formula.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sheets_templates import rules
from sheets_templates.flags import AGING_BUCKETS, SHIPMENT_STATUS, aging
from sheets_templates.kpi import (
    PERIODS,
    PK_METRICS,
    Figures,
    Kpi,
    praise,
    ranking,
    under_target,
)
from sheets_templates.problems import Problem
from sheets_templates.registers import REGISTERS, Kind

TEXT, INT, NUMBER, MONEY, DATE, TIME, PERCENT, RANK = (
    "text",
    "int",
    "number",
    "money",
    "date",
    "time",
    "percent",
    "rank",
)
"""Column kinds: how a writer formats a column (`number` as it comes, `rank` a centred
whole number)."""
NUMBER_FORMATS = {
    DATE: "yyyy-mm-dd",
    TIME: "hh:mm",
    MONEY: "#,##0.00",
    INT: "0",
    PERCENT: "0%",
    RANK: "0",
}
"""The number format of each column kind (Excel's codes; `text` and `number` have none),
for every writer of the master."""
GOOD, BAD, WARN = "good", "bad", "warn"
"""Tones a writer may colour a cell with (`Table.tones`)."""


@dataclass
class Table:
    """A block of a sheet: an optional title line, a header row and data rows.

    `kinds` gives each column's kind (missing: text); `tones` maps a column to the cell
    texts to colour (`{7: {"落后": "bad"}}`); `autofilter` asks for a filter on the
    header; `empty` is shown when there are no rows.
    """

    title: str | None
    header: list[str]
    rows: list[list[Any]]
    kinds: list[str] = field(default_factory=list)
    tones: dict[int, dict[str, str]] = field(default_factory=dict)
    autofilter: bool = False
    empty: str | None = None

    def kind(self, column: int) -> str:
        return self.kinds[column] if column < len(self.kinds) else TEXT


@dataclass
class Chart:
    """A column chart of one table's column per row, with another column as a line
    (effective calls per rep against the target)."""

    title: str
    table: int
    categories: int
    values: int
    line: int | None = None


@dataclass
class MasterSheet:
    """One sheet: a stable key, a title in the team's language, its tables.

    `freeze` keeps the first table's header in view (sheets that are one long table).
    """

    key: str
    title: str
    tables: list[Table]
    chart: Chart | None = None
    freeze: bool = False


SHEET_KEYS = (
    "meeting",
    "kpis",
    "pipeline",
    "flags",
    "receivables",
    "problems",
    "calls",
    "visits",
    "leads",
    "shipments",
    "targets",
    "sync_log",
)
"""The sheets in workbook order: the meeting first, the raw registers after."""

TITLES = {
    "zh": {
        "meeting": "晨会·夕会",
        "kpis": "指标完成情况",
        "calls": "电话记录",
        "visits": "拜访记录",
        "leads": "意向客户",
        "shipments": "发货",
        "pipeline": "客户分级",
        "flags": "预警",
        "receivables": "应收款",
        "problems": "数据问题",
        "targets": "指标",
        "sync_log": "同步记录",
    },
    "en": {
        "meeting": "Meeting",
        "kpis": "KPIs",
        "calls": "Calls",
        "visits": "Visits",
        "leads": "Leads",
        "shipments": "Shipments",
        "pipeline": "Pipeline",
        "flags": "Flags",
        "receivables": "Receivables",
        "problems": "Data problems",
        "targets": "Targets",
        "sync_log": "Sync log",
    },
}
"""Sheet titles (Excel forbids `/` in a sheet name, hence 晨会·夕会)."""

WORDS = {
    "zh": {
        "stalled_detail": "连续 {n} 次拜访未突破（{first} 至 {last}），无新计划：不再批准出差",
        "collision": "撞单",
        "collision_detail": "{owner} 于 {owner_registered} 先登记（按{by}），本人登记于 {registered}",
        "duplicate": "重复记录",
        "overdue_detail": "合同 {order} {product}：逾期 {days} 天，未回款 {amount}（账龄 {bucket} 天）",
        "flags": "预警（需要经理处理的事项，可按类型、销售员筛选）",
        "flag": "类型",
        "detail": "详情",
        "date": "日期",
        "aging": "应收账款账龄（每位销售员先列合计，再按客户）",
        "period_column": "{period}{word}",
        "rep": "销售员",
        "customer": "客户",
        "period": "周期",
        "day": "日",
        "week": "周",
        "month": "月",
        "metric": "指标",
        "actual": "实际",
        "target": "目标",
        "ratio": "完成率",
        "status": "状态",
        "met": "达标",
        "on_pace": "进度正常",
        "behind": "落后",
        "rank": "名次",
        "count": "数量",
        "yes": "是",
        "no": "否",
        "none": "（无）",
        "weekdays": "一二三四五六日",
        "weekday": "周{d}",
        "as_of": "数据日期 {day}（{weekday}），同步于 {synced}",
        "pk": "今日 PK 排名",
        "day_calls": "今日有效通话",
        "chart": "今日有效通话与目标",
        "praise": "表扬（今日前三）",
        "under": "未达标差额（截至今日应完成 − 实际；空白 = 已达标或进度正常）",
        "objections": "今日客户异议与待解决问题",
        "all_kpis": "各项指标（日 / 周 / 月，截至数据日期）",
        "time": "时间",
        "contact": "联系人",
        "phone": "电话",
        "objection": "客户异议",
        "question": "待解决问题",
        "file": "来源文件",
        "sheet": "工作表",
        "row": "行",
        "column": "列",
        "header": "表头",
        "value": "值",
        "severity": "严重程度",
        "code": "代码",
        "message": "说明",
        "error": "错误",
        "warning": "提醒",
        "unreadable": "无法读取",
        "extra": "其他列",
        "outstanding": "未回款",
        "overdue_days": "逾期天数",
        "bucket": "账龄（天）",
        "grades": "A–D 分级统计",
        "total": "合计",
        "new_this_week": "本周新增意向客户",
        "pipeline_detail": "客户明细",
        "grade": "等级",
        "graded_on": "最近分级日期",
        "first_graded_on": "首次分级日期",
        "stalled": "停滞客户",
        "by_name": "客户名称",
        "by_phone": "电话",
        "overdue": "逾期未回款",
        "chain": "订单进度（需货申请 → 发货 → 客户确认 → 回款）",
        "not_due": "未到期",
        "targets_note": (
            "指标可直接在此修改，下次同步生效。“全部”行是全队的默认指标（留空表示不设指标）；"
            "销售员行只填要单独设置的指标，留空表示沿用“全部”。"
        ),
        "log": "同步记录（每次同步一行）",
        "log_header": [
            "序号",
            "开始时间",
            "结束时间",
            "数据日期",
            "已同步",
            "未变",
            "跳过",
            "无法读取",
            "已消失",
            "记录数",
            "新增",
            "修改",
            "删除",
            "问题数",
        ],
        "dup_other": "与 {file} [{sheet}] 第{row}行重复（{key}），本行不计",
        "problems": "数据问题（每个问题一行，可筛选排序）",
    },
    "en": {
        "stalled_detail": "{n} visits without breakthrough ({first} to {last}), no new plan: no more trips",
        "collision": "Collision",
        "collision_detail": "{owner} registered it first on {owner_registered} (same {by}); this rep on {registered}",
        "duplicate": "Duplicate",
        "overdue_detail": "Order {order} {product}: {days} days overdue, {amount} outstanding (aging {bucket} days)",
        "flags": "Flags (what needs the manager; filter by type and rep)",
        "flag": "Type",
        "detail": "Details",
        "date": "Date",
        "aging": "Receivables aging (each rep's total, then by customer)",
        "period_column": "{period}: {word}",
        "rep": "Rep",
        "customer": "Customer",
        "period": "Period",
        "day": "Day",
        "week": "Week",
        "month": "Month",
        "metric": "Metric",
        "actual": "Actual",
        "target": "Target",
        "ratio": "Done",
        "status": "Status",
        "met": "Met",
        "on_pace": "On pace",
        "behind": "Behind",
        "rank": "Rank",
        "count": "Count",
        "yes": "Yes",
        "no": "No",
        "none": "(none)",
        "weekdays": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        "weekday": "{d}",
        "as_of": "Figures for {day} ({weekday}), synced {synced}",
        "pk": "Today's PK ranking",
        "day_calls": "Effective calls today",
        "chart": "Effective calls today against the target",
        "praise": "Praise (today's top 3)",
        "under": "Shortfall against what is due by today (blank: met or on pace)",
        "objections": "Today's objections and open questions",
        "all_kpis": "Every KPI (day / week / month, to the as-of date)",
        "time": "Time",
        "contact": "Contact",
        "phone": "Phone",
        "objection": "Objection",
        "question": "Open question",
        "file": "Source file",
        "sheet": "Sheet",
        "row": "Row",
        "column": "Column",
        "header": "Header",
        "value": "Value",
        "severity": "Severity",
        "code": "Code",
        "message": "Message",
        "error": "Error",
        "warning": "Warning",
        "unreadable": "Unreadable",
        "extra": "Other columns",
        "outstanding": "Outstanding",
        "overdue_days": "Days overdue",
        "bucket": "Aging (days)",
        "grades": "Leads by grade (A–D)",
        "total": "Total",
        "new_this_week": "New intent leads this week",
        "pipeline_detail": "Customers",
        "grade": "Grade",
        "graded_on": "Last graded",
        "first_graded_on": "First graded",
        "stalled": "Stalled customer",
        "by_name": "name",
        "by_phone": "phone",
        "overdue": "Overdue payment",
        "chain": "Orders (requisition → shipped → confirmed → collected)",
        "not_due": "Not yet due",
        "targets_note": (
            "Edit the targets here; the next sync uses them. The All row is the team's "
            "default (blank: no target); in a rep's row fill only what differs (blank: as All)."
        ),
        "log": "Sync log (one row per sync)",
        "log_header": [
            "No",
            "Started",
            "Finished",
            "As of",
            "Synced",
            "Unchanged",
            "Skipped",
            "Unreadable",
            "Gone",
            "Records",
            "Added",
            "Updated",
            "Removed",
            "Issues",
        ],
        "dup_other": "Same as {file} [{sheet}] row {row} ({key}); this row is not counted",
        "problems": "Data problems (one per row; filter and sort them)",
    },
}

_KINDS = {
    Kind.DATE: DATE,
    Kind.TIME: TIME,
    Kind.MONEY: MONEY,
    Kind.QUANTITY: NUMBER,
}

_YES_NO = {
    name: {f.name for f in register.fields if f.kind is Kind.YES_NO}
    for name, register in REGISTERS.items()
}

Row = Mapping[str, Any]
"""A current record: its typed field values plus `source` = (file, sheet, row)."""


@dataclass
class Duplicate:
    """A record seen twice: within a sheet (the reader's `row.duplicate`) or in two
    sources (the second is not counted)."""

    register: str
    rep: str | None
    customer: str | None
    file: str
    sheet: str
    row: int | None
    message_zh: str
    message_en: str
    key: str | None = None
    first: tuple[str, str, int] | None = None

    def message(self, lang: str) -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass
class MasterInput:
    """Everything the master shows, gathered by the sync."""

    as_of: date
    synced_at: datetime
    lang: str
    registers: Mapping[str, Sequence[Row]]
    figures: Figures
    duplicates: list[Duplicate]
    problems: list[Problem]
    unreadable: list[tuple[str, str, str]]
    targets_header: list[str]
    targets_rows: list[list[Any]]
    sync_log: list[tuple[Any, ...]]


def build_sheets(data: MasterInput) -> list[MasterSheet]:
    """Every sheet of the master, in workbook order (`SHEET_KEYS`)."""
    w = WORDS[data.lang]
    titles = TITLES[data.lang]
    builders = {
        "meeting": lambda: meeting_tables(data),
        "kpis": lambda: [kpi_table(data.figures.kpis, data.lang)],
        "pipeline": lambda: pipeline_tables(data),
        "flags": lambda: flag_tables(data),
        "receivables": lambda: receivable_tables(data),
        "problems": lambda: [problem_table(data)],
        "targets": lambda: [
            Table(
                w["targets_note"],
                data.targets_header,
                data.targets_rows,
                [TEXT] + [NUMBER] * (len(data.targets_header) - 1),
            )
        ],
        "sync_log": lambda: [log_table(data)],
    }
    sheets = []
    for key in SHEET_KEYS:
        tables = [register_table(data, key)] if key in REGISTERS else builders[key]()
        single = len(tables) == 1
        chart = (
            Chart(w["chart"], MEETING_CHART_TABLE, categories=0, values=1, line=2)
            if key == "meeting"
            else None
        )
        sheets.append(MasterSheet(key, titles[key], tables, chart, freeze=single))
    return sheets


# --- meeting -----------------------------------------------------------------------


def _weekday(day: date, lang: str) -> str:
    w = WORDS[lang]
    return w["weekday"].format(d=w["weekdays"][day.weekday()])


def _status_tones(lang: str) -> dict[str, str]:
    w = WORDS[lang]
    return {w["met"]: GOOD, w["on_pace"]: GOOD, w["behind"]: BAD}


def _status(k: Kpi, lang: str) -> str | None:
    return WORDS[lang][k.status] if k.status else None


def _metric(name: str, lang: str) -> str:
    return rules.METRICS_BY_NAME[name].label(lang)


MEETING_CHART_TABLE = 1
"""The meeting's chart plots its second table (the day's effective calls per rep, with
the target as a line), right under the heading."""


def meeting_tables(data: MasterInput) -> list[Table]:
    lang, w, fig = data.lang, WORDS[data.lang], data.figures
    day = [k for k in fig.kpis if k.period == "day"]
    heading = Table(
        w["as_of"].format(
            day=data.as_of.isoformat(),
            weekday=_weekday(data.as_of, lang),
            synced=data.synced_at.strftime("%Y-%m-%d %H:%M"),
        ),
        [],
        [],
    )
    calls = [k for k in day if k.metric == "effective_calls"]
    day_calls = Table(
        w["day_calls"],
        [w["rep"], _metric("effective_calls", lang), w["target"], w["ratio"], w["status"]],
        [[k.rep, k.actual, k.target, k.ratio, _status(k, lang)] for k in calls],
        [TEXT, INT, NUMBER, PERCENT, TEXT],
        tones={4: _status_tones(lang)},
    )
    return [
        heading,
        day_calls,
        pk_table(day, lang),
        praise_table(day, lang),
        under_table(fig.kpis, lang),
        objection_table(fig.objections, lang),
    ]


def pk_table(day: list[Kpi], lang: str) -> Table:
    """Reps in the order of effective calls, each PK metric with its rank."""
    w = WORDS[lang]
    ranks = {m: {k.rep: (rank, k.actual) for rank, k in ranking(day, "day", m)} for m in PK_METRICS}
    order = [k.rep for _rank, k in ranking(day, "day", PK_METRICS[0])]
    header = [w["rep"]]
    kinds = [TEXT]
    for m in PK_METRICS:
        header += [_metric(m, lang), w["rank"]]
        kinds += [INT, RANK]
    rows = [
        [rep] + [x for m in PK_METRICS for x in (ranks[m][rep][1], ranks[m][rep][0])]
        for rep in order
    ]
    return Table(w["pk"], header, rows, kinds)


def praise_table(day: list[Kpi], lang: str) -> Table:
    w = WORDS[lang]
    rows = [
        [_metric(m, lang), rank, k.rep, k.actual]
        for m in PK_METRICS
        for rank, k in praise(day, "day", m)
    ]
    return Table(
        w["praise"],
        [w["metric"], w["rank"], w["rep"], w["count"]],
        rows,
        [TEXT, RANK, TEXT, INT],
        empty=w["none"],
    )


def under_table(entries: list[Kpi], lang: str) -> Table:
    """Per rep and period, each targeted metric's shortfall against what is due by the
    as-of date (blank: met or on pace)."""
    w = WORDS[lang]
    targeted = [
        m.name for m in rules.METRICS if any(k.metric == m.name and k.target for k in entries)
    ]
    short = {(k.rep, k.period, k.metric): k.shortfall for k in under_target(entries)}
    rows = []
    for rep in dict.fromkeys(k.rep for k in entries):
        for period in PERIODS:
            cells = [short.get((rep, period, m)) for m in targeted]
            if any(c is not None for c in cells):
                rows.append([rep, w[period], *cells])
    return Table(
        w["under"],
        [w["rep"], w["period"], *(_metric(m, lang) for m in targeted)],
        rows,
        [TEXT, TEXT, *([NUMBER] * len(targeted))],
        empty=w["none"],
    )


def objection_table(calls: list[Row], lang: str) -> Table:
    w = WORDS[lang]
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
    return Table(
        w["objections"],
        [
            w["rep"],
            w["time"],
            w["customer"],
            w["contact"],
            w["phone"],
            w["objection"],
            w["question"],
            w["file"],
            w["sheet"],
            w["row"],
        ],
        rows,
        [TEXT, TIME, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INT],
        empty=w["none"],
    )


def kpi_table(entries: list[Kpi], lang: str) -> Table:
    """Every metric of every rep, with day, week and month side by side."""
    w = WORDS[lang]
    by_key = {(k.rep, k.metric, k.period): k for k in entries}
    columns = ("actual", "target", "ratio", "status")
    header = [w["rep"], w["metric"]]
    header += [w["period_column"].format(period=w[p], word=w[c]) for p in PERIODS for c in columns]
    rows = []
    for rep, metric in dict.fromkeys((k.rep, k.metric) for k in entries):
        row: list[Any] = [rep, _metric(metric, lang)]
        for period in PERIODS:
            k = by_key[(rep, metric, period)]
            row += [k.actual, k.target, k.ratio, _status(k, lang)]
        rows.append(row)
    status_columns = [2 + i * len(columns) + 3 for i in range(len(PERIODS))]
    return Table(
        w["all_kpis"],
        header,
        rows,
        [TEXT, TEXT, *([NUMBER, NUMBER, PERCENT, TEXT] * len(PERIODS))],
        tones={c: _status_tones(lang) for c in status_columns},
        autofilter=True,
    )


# --- pipeline ----------------------------------------------------------------------


def pipeline_tables(data: MasterInput) -> list[Table]:
    w, fig = WORDS[data.lang], data.figures
    counts: dict[str, Counter[str]] = {rep: Counter() for rep in fig.reps}
    for e in fig.pipeline:
        counts.setdefault(e.rep, Counter())[e.grade] += 1
    new = {
        k.rep: k.actual for k in fig.kpis if k.period == "week" and k.metric == "new_intent_leads"
    }
    summary = Table(
        w["grades"],
        [w["rep"], "A", "B", "C", "D", w["total"], w["new_this_week"]],
        [
            [rep, *(c[g] for g in "ABCD"), sum(c.values()), new.get(rep, 0)]
            for rep, c in sorted(counts.items())
        ],
        [TEXT, INT, INT, INT, INT, INT, INT],
    )
    detail = Table(
        w["pipeline_detail"],
        [w["rep"], w["customer"], w["grade"], w["graded_on"], w["first_graded_on"]],
        [[e.rep, e.customer, e.grade, e.graded_on, e.first_graded_on] for e in fig.pipeline],
        [TEXT, TEXT, TEXT, DATE, DATE],
        empty=w["none"],
    )
    return [summary, detail]


# --- flags -------------------------------------------------------------------------


def flag_tables(data: MasterInput) -> list[Table]:
    """One table of everything to act on, a row per flag, filterable by type and rep."""
    w, fig = WORDS[data.lang], data.figures
    rows: list[list[Any]] = []
    for st in fig.stalled:
        detail = w["stalled_detail"].format(n=st.visits, first=st.first, last=st.last)
        rows.append([w["stalled"], st.rep, st.customer, detail, st.last, *st.record["source"]])
    for c in fig.collisions:
        detail = w["collision_detail"].format(
            owner=c.owner,
            owner_registered=c.owner_registered or "?",
            registered=c.registered or "?",
            by=w["by_name"] if c.by == "name" else w["by_phone"],
        )
        rows.append([w["collision"], c.rep, c.customer, detail, c.registered, *c.record["source"]])
    for d in data.duplicates:
        rows.append(
            [w["duplicate"], d.rep, d.customer, d.message(data.lang), None, d.file, d.sheet, d.row]
        )
    for r in sorted(fig.overdue, key=lambda r: -r.overdue_days):
        detail = w["overdue_detail"].format(
            order=r.record.get("order_no"),
            product=r.record.get("product"),
            days=r.overdue_days,
            amount=f"{r.outstanding:,.2f}",
            bucket=r.bucket,
        )
        rows.append(
            [
                w["overdue"],
                r.record["rep"],
                r.record.get("customer"),
                detail,
                r.record.get("due_date"),
                *r.record["source"],
            ]
        )
    return [
        Table(
            w["flags"],
            [
                w["flag"],
                w["rep"],
                w["customer"],
                w["detail"],
                w["date"],
                w["file"],
                w["sheet"],
                w["row"],
            ],
            rows,
            [TEXT, TEXT, TEXT, TEXT, DATE, TEXT, TEXT, INT],
            tones={
                0: {
                    w["stalled"]: WARN,
                    w["collision"]: BAD,
                    w["duplicate"]: WARN,
                    w["overdue"]: BAD,
                }
            },
            autofilter=True,
            empty=w["none"],
        )
    ]


# --- receivables -------------------------------------------------------------------


def receivable_tables(data: MasterInput) -> list[Table]:
    """Aging per rep (a total row) and customer, then every order line's progress."""
    w, fig = WORDS[data.lang], data.figures
    labels = [label for *_r, label in AGING_BUCKETS]
    by_rep, by_customer = aging(fig.receivables)
    rows = []
    for total in by_rep:
        for a in [total, *(a for a in by_customer if a.rep == total.rep)]:
            name = a.customer if a.customer is not None else w["total"]
            amounts = [a.outstanding, a.not_due, *(a.buckets[x] for x in labels)]
            rows.append([a.rep, name, *(x or None for x in amounts)])
    aging_table = Table(
        w["aging"],
        [w["rep"], w["customer"], w["outstanding"], w["not_due"], *labels],
        rows,
        [TEXT, TEXT, *([MONEY] * (2 + len(labels)))],
        tones={1: {w["total"]: GOOD}},
        empty=w["none"],
    )
    fields = REGISTERS["shipments"].by_name
    chain = Table(
        w["chain"],
        [
            *(fields[n].header(data.lang) for n in CHAIN_FIELDS),
            w["outstanding"],
            w["status"],
            fields["due_date"].header(data.lang),
            w["overdue_days"],
            w["bucket"],
            w["file"],
            w["sheet"],
            w["row"],
        ],
        [
            [
                *(r.record.get(n) for n in CHAIN_FIELDS),
                r.outstanding,
                _shipment_status(r.status, data.lang),
                r.record.get("due_date"),
                r.overdue_days or None,
                r.bucket,
                *r.record["source"],
            ]
            for r in fig.receivables
        ],
        [
            *(_KINDS.get(fields[n].kind, TEXT) for n in CHAIN_FIELDS),
            MONEY,
            TEXT,
            DATE,
            INT,
            TEXT,
            TEXT,
            TEXT,
            INT,
        ],
        tones={len(CHAIN_FIELDS) + 1: {_shipment_status("settled", data.lang): GOOD}},
        empty=w["none"],
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


def _shipment_status(status: str, lang: str) -> str:
    return SHIPMENT_STATUS[status](lang)


# --- problems, registers, log ------------------------------------------------------


def problem_table(data: MasterInput) -> Table:
    w = WORDS[data.lang]
    rows: list[list[Any]] = [
        [
            path,
            None,
            None,
            None,
            None,
            None,
            w["error"],
            "file.unreadable",
            w["unreadable"] + ": " + (zh if data.lang == "zh" else en),
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
            w[str(p.severity)],
            p.code,
            p.message(data.lang),
        ]
        for p in data.problems
    ]
    return Table(
        w["problems"],
        [
            w["file"],
            w["sheet"],
            w["row"],
            w["column"],
            w["header"],
            w["value"],
            w["severity"],
            w["code"],
            w["message"],
        ],
        rows,
        [TEXT, TEXT, INT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT],
        tones={6: {w["error"]: BAD, w["warning"]: WARN}},
        autofilter=True,
        empty=w["none"],
    )


def register_columns(register: str, lang: str) -> tuple[list[str], list[str], list[str]]:
    """(field names, header, kinds) of a register sheet, before the derived columns."""
    reg = REGISTERS[register]
    names = [f.name for f in reg.record_fields]
    header = [f.header(lang) for f in reg.record_fields]
    kinds = [_KINDS.get(f.kind, TEXT) for f in reg.record_fields]
    return names, header, kinds


def _get_or(name: str, blank: Any) -> Callable[[Row], Any]:
    return lambda r: r.get(name) or blank


_SORT_KEYS: dict[str, tuple[Callable[[Row], Any], ...]] = {
    "calls": (itemgetter("date"), _get_or("time", datetime.min.time()), itemgetter("rep")),
    "visits": (itemgetter("date"), itemgetter("rep")),
    "leads": (itemgetter("rep"), _get_or("registered", date.min)),
    "shipments": (itemgetter("date"), itemgetter("order_no")),
}
"""The order of each register sheet, most significant key first."""


def sorted_by(records: Iterable[Row], keys: Sequence[Callable[[Row], Any]]) -> list[Row]:
    """`records` ordered by `keys`: one stable sort per key, least significant first,
    since one value compares much faster than a tuple of them (a third less time on a
    100k-row register)."""
    out = list(records)
    for key in reversed(keys):
        out.sort(key=key)
    return out


def register_table(data: MasterInput, register: str) -> Table:
    """A register's current records, oldest first, with where each was typed.

    Shipments add the derived outstanding, status and days overdue; yes/no fields
    read 是/否 (Yes/No), so a manager filters on words.
    """
    w = WORDS[data.lang]
    names, header, kinds = register_columns(register, data.lang)
    yes, no = w["yes"], w["no"]
    yes_no = [i for i, name in enumerate(names) if name in _YES_NO[register]]
    derived: dict[int, Any] = {}
    if register == "shipments":
        derived = {id(r.record): r for r in data.figures.receivables}
        header += [w["outstanding"], w["status"], w["overdue_days"]]
        kinds += [MONEY, TEXT, INT]
    header += [w["extra"], w["file"], w["sheet"], w["row"]]
    kinds += [TEXT, TEXT, TEXT, INT]
    rows = []
    for r in sorted_by(data.registers.get(register, ()), _SORT_KEYS[register]):
        row = list(map(r.get, names))
        for i in yes_no:
            if row[i] is not None:
                row[i] = yes if row[i] else no
        if derived:
            line = derived[id(r)]
            row += [
                line.outstanding,
                _shipment_status(line.status, data.lang),
                line.overdue_days or None,
            ]
        extra = r.get("extra")
        row.append("; ".join(f"{k}: {v}" for k, v in extra.items()) if extra else None)
        row.extend(r["source"])
        rows.append(row)
    return Table(None, header, rows, kinds, autofilter=True)


def log_table(data: MasterInput) -> Table:
    w = WORDS[data.lang]
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
    return Table(
        w["log"],
        list(w["log_header"]),
        rows,
        [INT, TEXT, TEXT, DATE] + [INT] * 10,
    )
