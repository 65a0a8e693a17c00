"""A realistic sample team folder, in the shapes real registers grow into.

Used by `salesflow demo`, by the tests (which know exactly which mistakes were
planted where) and by the benchmarks (many large files). Deterministic for a seed.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from sheets_templates.excel import day_fraction
from sheets_templates.registers import REGISTERS
from sheets_templates.rules import is_working_day
from sheets_templates.words import Lang, Text

from .errors import Bilingual

DEMO_MARKER = ".salesflow-demo"
"""The file `salesflow demo` leaves in the folder it makes: a folder with anything else
in it and no such file is someone's real work, and the demo never writes into it."""
NOT_A_DEMO_FOLDER = Text(
    "{folder} 不是空文件夹，也不是 salesflow demo 建的：示例数据不会写进去。"
    "请换一个新的文件夹名，例如 salesflow demo salesflow-demo",
    "{folder} is not empty and was not made by salesflow demo, so the sample team is not "
    "written into it; name a new folder instead, e.g. salesflow demo salesflow-demo",
)


class NotADemoFolder(Bilingual):
    """The folder named for the demo holds someone's files: refused, nothing written."""


def claim_demo_folder(folder: Path) -> None:
    """Make `folder` the demo's (new, empty, or made by an earlier demo) and mark it, or
    refuse: the demo's reps must never land in a real team, master or history."""
    ours = folder.is_dir() and ((folder / DEMO_MARKER).exists() or not any(folder.iterdir()))
    if folder.exists() and not ours:
        raise NotADemoFolder(*NOT_A_DEMO_FOLDER.both(folder=folder))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DEMO_MARKER).write_text("made by salesflow demo\n", encoding="utf-8")


REPS = ("张三", "李四", "王五", "赵六")
COMPANIES = (
    "华信科技",
    "东方建材",
    "恒通物流",
    "金桥贸易",
    "新华印务",
    "宏达机械",
    "远大电气",
    "蓝天环保",
    "中联食品",
    "博雅教育",
    "安康医疗",
    "顺达快运",
    "星河传媒",
    "鼎盛地产",
    "汇丰五金",
    "天成化工",
    "永安保险代理",
    "海川水产",
    "瑞丰农业",
    "明德软件",
)
SUFFIXES = ("有限公司", "股份有限公司", "", "集团")
INDUSTRIES = ("制造", "物流", "贸易", "教育", "医疗", "建材", "软件", "食品")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
OBJECTIONS = ("价格太高", "已有供应商", "需要请示领导", "预算不够", "", "", "", "")
QUESTIONS = ("能否提供试用", "售后响应时间多久", "是否支持分期付款", "", "", "", "", "")
OUTCOMES = ("有意向，约下周面谈", "无人接听", "客户在开会，稍后回电", "已加微信发资料", "暂无需求")
PRODUCTS = (
    ("智能终端 X1", Decimal("1280")),
    ("标签打印机 P2", Decimal("899.5")),
    ("扫码枪 S3", Decimal("268")),
    ("收银系统 年费", Decimal("3600")),
)


@dataclass
class Planted:
    """A mistake put into the sample on purpose, so tests know where it must be found."""

    file: str
    sheet: str
    row: int
    column: str
    code: str


@dataclass
class Team:
    folder: Path
    as_of: date
    planted: list[Planted] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def _phone(rng: random.Random) -> int:
    return int(f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}")


def _customer(rng: random.Random) -> str:
    return rng.choice(COMPANIES) + rng.choice(SUFFIXES)


def _workdays(as_of: date, days: int) -> list[date]:
    out: list[date] = []
    day = as_of
    while len(out) < days:
        if is_working_day(day):
            out.append(day)
        day -= timedelta(days=1)
    return sorted(out)


def call_rows(rng: random.Random, rep: str, days: list[date], per_day: int) -> list[dict[str, Any]]:
    """Calls as typed values by canonical field (dates as dates, phones as numbers)."""
    rows = []
    for day in days:
        minute = 9 * 60 + 30
        for _ in range(per_day):
            minute += rng.randint(1, 4)
            if 12 * 60 <= minute < 13 * 60 + 50:
                minute = 13 * 60 + 50
            effective = rng.random() < 0.7
            grade = rng.choice("ABCD") if effective and rng.random() < 0.06 else ""
            rows.append(
                {
                    "date": day,
                    "time": time(min(minute // 60, 23), minute % 60),
                    "rep": rep,
                    "customer": _customer(rng),
                    "contact": rng.choice(SURNAMES) + rng.choice(("先生", "女士", "经理", "总")),
                    "phone": _phone(rng),
                    "industry": rng.choice(INDUSTRIES),
                    "outcome": rng.choice(OUTCOMES),
                    "effective": "是" if effective else "否",
                    "wechat_added": "是" if effective and rng.random() < 0.35 else "否",
                    "intent_grade": grade,
                    "objection": rng.choice(OBJECTIONS) if effective else "",
                    "open_question": rng.choice(QUESTIONS) if effective else "",
                    "follow_up": day + timedelta(days=7) if grade else None,
                    "notes": "",
                }
            )
    return rows


def visit_rows(rng: random.Random, rep: str, days: list[date]) -> list[dict[str, Any]]:
    rows = []
    for day in days:
        for company in rng.sample(COMPANIES, rng.randint(2, 5)):
            kind = rng.choice(("陌生拜访", "陌生拜访", "计划拜访", "回访"))
            rows.append(
                {
                    "date": day,
                    "rep": rep,
                    "customer": company + rng.choice(SUFFIXES),
                    "contact": rng.choice(SURNAMES) + "经理",
                    "visit_type": kind,
                    "purpose": "介绍产品" if kind == "陌生拜访" else "跟进方案",
                    "result": rng.choice(("客户有兴趣", "需再跟进", "未见到负责人")),
                    "breakthrough": rng.choice(("是", "否", "否")),
                    "customer_grade": rng.choice(("A", "B", "C", "D", "", "")),
                    "next_step": "发送报价",
                    "next_visit": day + timedelta(days=7),
                    "trip": "否",
                    "new_plan": "",
                    "notes": "",
                }
            )
    return rows


def lead_rows(
    rng: random.Random,
    rep: str,
    days: list[date],
    count: int,
    pool: tuple[str, ...] = COMPANIES,
) -> list[dict[str, Any]]:
    """Leads on `count` customers drawn from `pool` (give reps separate pools to keep
    collisions to the ones planted)."""
    rows = []
    for n, company in enumerate(rng.sample(pool, min(count, len(pool)))):
        name = f"{company}有限公司" if n < len(COMPANIES) else f"{company}{n}号店"
        facts = [rng.random() < q for q in (0.1, 0.15, 0.25, 0.15, 0.4)]
        registered = rng.choice(days)
        signed = (
            registered + timedelta(days=rng.randint(1, 10))
            if facts[0] and rng.random() < 0.5
            else None
        )
        rows.append(
            {
                "customer": name,
                "contact": rng.choice(SURNAMES) + "总",
                "phone": str(_phone(rng)),
                "industry": rng.choice(INDUSTRIES),
                "lead_source": rng.choice(("电话", "转介绍", "陌生拜访", "网络", "展会")),
                "rep": rep,
                "negotiating": "是" if facts[0] else "否",
                "solution_submitted": "是" if facts[1] else "否",
                "met_with_interest": "是" if facts[2] else "否",
                "bought_before": "是" if facts[3] else "否",
                "accepts_meeting": "是" if facts[4] else "否",
                "grade": "",
                "registered": registered,
                "last_contact": registered,
                "signed_date": signed if signed and signed <= days[-1] else None,
                "notes": "",
            }
        )
    return rows


def shipment_rows(
    rng: random.Random, rep: str, days: list[date], count: int
) -> list[dict[str, Any]]:
    rows = []
    for n in range(count):
        day = rng.choice(days)
        product, price = rng.choice(PRODUCTS)
        qty = rng.randint(1, 20)
        shipped = day + timedelta(days=2) if rng.random() < 0.8 else None
        confirmed = shipped + timedelta(days=3) if shipped and rng.random() < 0.7 else None
        amount = qty * price
        received = (
            amount
            if confirmed and rng.random() < 0.5
            else (amount / 2 if confirmed else Decimal(0))
        )
        # nothing ships or is confirmed after the last day (a later date is `date.future`)
        shipped, confirmed = (d if d and d <= days[-1] else None for d in (shipped, confirmed))
        rows.append(
            {
                "order_no": f"HT{day:%Y%m}{n + 1:03d}-{rep}",
                "date": day,
                "rep": rep,
                "customer": _customer(rng),
                "product": product,
                "quantity": qty,
                "unit_price": float(price),
                "amount": float(amount),
                "approved_by": "周经理",
                "ship_date": shipped,
                "outbound_no": f"CK{n + 1:04d}" if shipped else "",
                "confirmed_date": confirmed,
                "received": float(received),
                "due_date": (confirmed or day) + timedelta(days=30),
                "notes": "",
            }
        )
    return rows


OVERDUE_DAYS = (12, 45, 75, 120)
"""How overdue the sample's aged order lines are: one in each receivables aging bucket."""


def age_shipment(row: dict[str, Any], as_of: date, days_overdue: int) -> None:
    """Move an order line back in time so its payment is `days_overdue` days late, with
    half of it still owed (the receivables sheet then has something to age). Only goods
    that left age, so a line not yet shipped is shipped two days after its order."""
    row["ship_date"] = row["ship_date"] or row["date"] + timedelta(days=2)
    shift = as_of - timedelta(days=days_overdue) - row["due_date"]
    for name in ("date", "ship_date", "confirmed_date", "due_date"):
        if row.get(name):
            row[name] += shift
    row["received"] = row["amount"] / 2


def write_workbook(
    path: Path,
    sheets: list[tuple[str, str, list[dict[str, Any]], Lang]],
    title: str | None = None,
    rep_label: str | None = None,
    settings: dict[str, Any] | None = None,
) -> dict[str, int]:
    """Write registers as a rep keeps them: optional merged title and `销售员:` line above
    the header, dates formatted as dates. `sheets` are (sheet name, register, rows,
    header language); returns each sheet's header row (1-based)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    time_fmt = wb.add_format({"num_format": "hh:mm"})
    bold = wb.add_format({"bold": True, "font_size": 14})
    header_rows = {}
    for name, register_name, rows, lang in sheets:
        register = REGISTERS[register_name]
        ws = wb.add_worksheet(name)
        r = 0
        if title:
            ws.merge_range(0, 0, 0, 5, f"{register.title_zh}表 {title}", bold)
            r = 1
        if rep_label:
            ws.write(r, 0, rep_label)
            r += 1
        fields = [f for f in register.fields if any(f.name in row for row in rows[:1])] or list(
            register.fields
        )
        ws.write_row(r, 0, [f.header(lang) for f in fields])
        header_rows[name] = r + 1
        for row in rows:
            r += 1
            for c, f in enumerate(fields):
                _write_cell(ws, r, c, row.get(f.name), date_fmt, time_fmt)
    if settings:
        ws = wb.add_worksheet("设置")
        for r, (k, v) in enumerate(settings.items()):
            ws.write(r, 0, k)
            ws.write(r, 1, v)
    wb.close()
    return header_rows


def _write_cell(ws: Any, r: int, c: int, value: Any, date_fmt: Any, time_fmt: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, datetime | date):
        ws.write_datetime(
            r, c, datetime.combine(value, time()) if type(value) is date else value, date_fmt
        )
    elif isinstance(value, time):
        ws.write_number(r, c, day_fraction(value), time_fmt)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(r, c, float(value))
    else:
        ws.write_string(r, c, str(value))


def write_calls_csv(path: Path, rows: list[dict[str, Any]], encoding: str = "gb18030") -> None:
    """Calls as Excel in China saves a CSV: GBK, Chinese headers, dates as `11月3日` text."""
    register = REGISTERS["calls"]
    fields = [f for f in register.fields if f.name != "rep"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow([f.header_zh for f in fields])
        for row in rows:
            cells = []
            for f in fields:
                v = row.get(f.name)
                if isinstance(v, date):
                    v = f"{v.month}月{v.day}日"
                elif isinstance(v, time):
                    v = v.strftime("%H:%M")
                cells.append("" if v is None else v)
            out.writerow(cells)


def make_team(
    folder: Path, as_of: date, seed: int = 7, calls_per_day: int | None = None, days: int = 10
) -> Team:
    """The demo team: four reps, each register shape the brief describes, planted mistakes
    and one damaged file.

    By default the reps work at different paces (张三 ahead of target, 王五 behind), so
    the meeting pack has praise and shortfalls to show; `calls_per_day` evens them out.
    """
    pace = {"张三": 150, "李四": 140, "王五": 100}
    if calls_per_day is not None:
        pace = dict.fromkeys(pace, calls_per_day)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    team = Team(folder, as_of)
    workdays = _workdays(as_of, days)
    month = f"{as_of.year}年{as_of.month}月"

    # 张三: the template shape — title row, 销售员 line, Chinese headers, all four registers.
    calls = call_rows(rng, "张三", workdays, pace["张三"])
    for row in calls:
        row.pop("rep")
    calls[3]["phone"] = 1380013
    calls[8]["effective"] = "可能"
    calls.append(dict(calls[10]))  # the same call typed twice
    visits = visit_rows(rng, "张三", workdays)
    for row in visits:
        row.pop("rep")
    stalled = "鼎盛地产有限公司"
    visits = [v for v in visits if not v["customer"].startswith("鼎盛地产")]
    for n, day in enumerate(workdays[-3:]):
        visits.append(
            {
                "date": day,
                "customer": stalled,
                "contact": "刘经理",
                "visit_type": "回访",
                "purpose": "推进签约",
                "result": "客户仍在比较",
                "breakthrough": "否",
                "customer_grade": "C",
                "next_step": "再约",
                "trip": "是" if n else "否",
                "new_plan": "",
                "notes": "",
            }
        )
    contested = "明德软件有限公司"
    leads = [
        x
        for x in lead_rows(rng, "张三", workdays, 12, COMPANIES[:11])
        if x["customer"] != contested
    ]
    leads[2].update(negotiating="否", solution_submitted="是", grade="A")
    leads[4]["customer"] = contested
    path = folder / "张三.xlsx"
    hr = write_workbook(
        path,
        [
            ("电话记录", "calls", calls, "zh"),
            ("拜访记录", "visits", visits, "zh"),
            ("意向客户", "leads", leads, "zh"),
        ],
        title=month,
        rep_label="销售员：张三",
    )
    base = hr["电话记录"]
    team.planted += [
        Planted(path.name, "电话记录", base + 4, "E", "phone.invalid"),
        Planted(path.name, "电话记录", base + 9, "H", "yes_no.invalid"),
        Planted(path.name, "电话记录", base + len(calls), "", "row.duplicate"),
        Planted(path.name, "意向客户", hr["意向客户"] + 3, "L", "grade.disagrees"),
    ]

    # 李四: English headers, text dates `2026/11/3`, phones stored as numbers, settings sheet.
    calls = call_rows(rng, "李四", workdays, pace["李四"])
    for row in calls:
        row["date"] = f"{row['date'].year}/{row['date'].month}/{row['date'].day}"
        row["time"] = row["time"].strftime("%H:%M")
    calls[5]["date"] = "2026/13/45"
    leads = [
        x
        for x in lead_rows(rng, "李四", workdays, 10, COMPANIES[11:])
        if x["customer"] != contested
    ]
    leads[0]["customer"] = contested  # also claimed by 张三: a collision (撞单)
    path = folder / "李四.xlsx"
    hr = write_workbook(
        path,
        [("Calls", "calls", calls, "en"), ("Leads", "leads", leads, "en")],
        settings={"销售员": "李四", "月份": as_of.strftime("%Y-%m")},
    )
    team.planted.append(Planted(path.name, "Calls", hr["Calls"] + 6, "A", "date.invalid"))

    # 王五: a folder per rep, calls as a GBK CSV with `11月3日` dates.
    calls = call_rows(rng, "王五", workdays, pace["王五"])
    calls[2]["phone"] = "010-6552 1234"
    write_calls_csv(folder / "王五" / f"电话记录{as_of.year}.csv", calls)

    # 赵六: shipments with a totals row and an amount that does not add up.
    ships = shipment_rows(rng, "赵六", workdays, 15)
    ships[1]["amount"] = ships[1]["amount"] + 100
    for row, days in zip(ships[4::2], OVERDUE_DAYS, strict=False):
        age_shipment(row, as_of, days)
    ships.append(
        {"order_no": "合计", "amount": float(sum(Decimal(str(s["amount"])) for s in ships))}
    )
    visits = visit_rows(rng, "赵六", workdays)
    path = folder / "赵六" / "发货与拜访.xlsx"
    hr = write_workbook(
        path, [("发货", "shipments", ships, "zh"), ("拜访", "visits", visits, "zh")]
    )
    team.planted.append(
        Planted(f"赵六/{path.name}", "发货", hr["发货"] + 2, "H", "amount.mismatch")
    )

    # A damaged file and Excel's owner file next to the good ones.
    damaged = folder / "损坏的文件.xlsx"
    damaged.write_bytes((folder / "张三.xlsx").read_bytes()[:1500])
    team.unreadable.append(damaged.name)
    (folder / "~$张三.xlsx").write_bytes(b"\x00owner")
    return team
