"""`sync --json`'s `meeting`, from real workbooks through the console script, for a
hand-worked team at 08:30 and at 18:00 on Thursday 2026-11-26 (DESIGN's default
targets: 100 effective calls, 30 WeChat adds, 2 new intent leads, 3 cold and 2 C+
visits a day, 3 signings a month).

Effective calls typed (no WeChat adds, visits, grades or signings anywhere):
            Tue 11-24   Wed 11-25   Thu 11-26
    甲          50         120          20
    乙          90          70          80
    丙         100         100         100
    丁          30           —           —

08:30, the morning meeting reviews Wednesday in full: 甲 (120) and 丙 (100) met the 100
and are praised; 乙 is 30 short. Every rep with Wednesday data is short of the other
targets by all of them (30, 2, 3, 2) and of the month's signings by the 18 of 22
working days due: 3 × 18 / 22 = 2.45, said in whole signings as 3 more (a gap is
counted in whole ones, as the Today sheet says it). 丁 has no data and is in none of
the lists.
18:00, the evening meeting reviews Thursday, the whole day due: 丙 is praised, 甲 is 80
and 乙 20 short; signings due by Thursday are 3 × 19 / 22 = 2.59: 3 more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import openpyxl
import pytest

from .teams import write_effective_calls

TUE, WED, THU = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)
TYPED = {"甲": (50, 120, 20), "乙": (90, 70, 80), "丙": (100, 100, 100), "丁": (30, 0, 0)}
OTHERS = (("wechat_adds", 30), ("new_intent_leads", 2), ("cold_visits", 3), ("c_plus_visits", 2))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("meeting")
    write_effective_calls(root / "team", TYPED, (TUE, WED, THU))
    return root


def meeting(
    folder: Path, cli: Callable[..., CompletedProcess[str]], at: str, *more: str
) -> dict[str, Any]:
    master = "master-" + "".join(c for c in at + "-".join(more) if c.isalnum()) + ".xlsx"
    done = cli(
        "sync", "--from", "team", "--master", master, "--json", "--as-of", at, *more, cwd=folder
    )
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)["meeting"]
    return document


def shortfalls(document: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {(s["rep"], s["metric"]): s["gap"] for s in document["shortfalls"]}


def others(reps: tuple[str, ...], signings: int) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {(r, m): gap for r in reps for m, gap in OTHERS}
    return out | {(r, "signed_customers"): signings for r in reps}


def test_at_half_past_eight_the_meeting_reviews_yesterday_in_full(
    folder: Path, cli: Callable[..., CompletedProcess[str]]
) -> None:
    m = meeting(folder, cli, "2026-11-26T08:30")
    assert (m["kind"], m["day"], m["at"]) == ("morning", "2026-11-25", "08:30")
    assert m["praise"] == [
        {"rep": "甲", "metric": "effective_calls", "actual": 120, "target": 100},
        {"rep": "丙", "metric": "effective_calls", "actual": 100, "target": 100},
    ]
    assert shortfalls(m) == {("乙", "effective_calls"): 30} | others(("甲", "乙", "丙"), 3)
    calls = [s for s in m["shortfalls"] if s["metric"] == "effective_calls"]
    assert calls == [
        {"rep": "乙", "metric": "effective_calls", "actual": 70, "expected": 100, "gap": 30}
    ]
    ranked = [
        (s["rep"], s["actual"], s["rank"], s["change"])
        for s in m["ranking"]
        if s["metric"] == "effective_calls"
    ]
    assert ranked == [("甲", 120, 1, "↑"), ("丙", 100, 2, "↓"), ("乙", 70, 3, "↓")]
    assert m["health"] == {
        "unreadable": 0,
        "problems": 0,
        "reps_without_data": ["丁"],
        "unknown_reps": [],
    }
    assert m["follow_ups"] == 0


def test_at_six_the_meeting_reviews_today_and_praises_only_who_met_it(
    folder: Path, cli: Callable[..., CompletedProcess[str]]
) -> None:
    m = meeting(folder, cli, "2026-11-26T18:00")
    assert (m["kind"], m["day"], m["at"]) == ("evening", "2026-11-26", "18:00")
    assert [(p["rep"], p["metric"]) for p in m["praise"]] == [("丙", "effective_calls")]
    assert shortfalls(m) == {
        ("甲", "effective_calls"): 80,
        ("乙", "effective_calls"): 20,
    } | others(("甲", "乙", "丙"), 3)
    for p in m["praise"]:
        assert p["actual"] >= p["target"]


def test_a_pinned_evening_at_half_past_eight_expects_no_calls_yet(
    folder: Path, cli: Callable[..., CompletedProcess[str]]
) -> None:
    m = meeting(folder, cli, "2026-11-26 08:30", "--meeting", "evening")
    assert (m["kind"], m["day"]) == ("evening", "2026-11-26")
    assert shortfalls(m) == {(r, "signed_customers"): 3 for r in ("甲", "乙", "丙")}


def below(rows: list[list[Any]], *header: str) -> int:
    """The 0-based index of the row under the header that starts with `header`."""
    return next(i for i, row in enumerate(rows) if tuple(row[: len(header)]) == header) + 1


def test_the_master_opens_on_the_pinned_meeting_with_links_to_the_lists(
    folder: Path, cli: Callable[..., CompletedProcess[str]]
) -> None:
    meeting(folder, cli, "2026-11-26T18:00", "--meeting", "morning")
    wb = openpyxl.load_workbook(folder / "master-20261126T1800meetingmorning.xlsx")
    assert wb.sheetnames[:2] == ["晨会", "夕会"]
    sheet = wb["晨会"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith("晨会：回顾 2026-11-25（周三）全天结果")
    banner = below(rows, "无法读取的文件", "数据问题", "当天无数据的销售员", "未登记的销售员")
    assert rows[banner][:5] == [0, 0, "丁", "（无）", 0]
    links = {
        c.coordinate: c.hyperlink.location for row in sheet.iter_rows() for c in row if c.hyperlink
    }
    assert links == {
        f"{col}{banner + 1}": f"'{title}'!A1"
        for col, title in zip(
            "ABCDE",
            ("数据问题", "数据问题", "指标完成情况", "数据问题", "今天先联系谁"),
            strict=True,
        )
    }
    ranking = below(rows, "名次", "销售员", "有效通话", "目标", "应完成（全天）", "完成率")
    assert [r[:8] for r in rows[ranking : ranking + 5]] == [
        ["🥇 1", "甲", 120, 100, 100, 1.2, "达标", "↑"],
        ["🥈 2", "丙", 100, 100, 100, 1, "达标", "↓"],
        ["🥉 3", "乙", 70, 100, 100, 0.7, "落后", "↓"],
        [None, "丁", None, None, None, None, "无数据", None],
        [None, "合计", 290, 300, 300, 0.9667, None, None],
    ]
    big = [sheet.cell(ranking + 1, c).font for c in (1, 2, 3, 4)]  # place, rep, calls, target
    assert [(f.sz, f.b) for f in big] == [(14, True), (14, True), (14, True), (11, False)]
    # the trend: the week so far (Mon-Wed, 3 × 100 due), the sparkline's cell, today's
    # follow-ups (none: no grades, promises, visits or shipments), the 7 working days
    header = rows[ranking - 1]
    assert header[14:] == [
        "本周 完成 / 应完成",
        "近 7 个工作日",
        "今日跟进",
        *("11-17", "11-18", "11-19", "11-20", "11-23", "11-24", "11-25"),
    ]
    assert [r[1:2] + r[14:] for r in rows[ranking : ranking + 5]] == [
        ["甲", "170 / 300", None, 0, 0, 0, 0, 0, 0, 50, 120],
        ["丙", "200 / 300", None, 0, 0, 0, 0, 0, 0, 100, 100],
        ["乙", "160 / 300", None, 0, 0, 0, 0, 0, 0, 90, 70],
        ["丁", "30 / 300", None, 0, 0, 0, 0, 0, 0, 30, 0],
        ["合计", "560 / 1,200", None, 0, 0, 0, 0, 0, 0, 270, 290],
    ]
    praise = next(r for r in rows if r[0] == "有效通话" and isinstance(r[1], str))
    assert praise[1] == "🥇 甲 120 · 🥈 丙 100"
    short = below(rows, "销售员", "有效通话", "添加微信", "新增意向客户", "陌生拜访")
    assert [r[:7] for r in rows[short : short + 4]] == [
        ["甲", None, 30, 2, 3, 2, 3],
        ["丙", None, 30, 2, 3, 2, 3],
        ["乙", 30, 30, 2, 3, 2, 3],
        ["合计", 30, 90, 6, 9, 6, 9],
    ]
    for title in ("晨会", "夕会"):
        texts = [str(c.value) for row in wb[title].iter_rows() for c in row if c.value is not None]
        assert not [t for t in texts if re.search(r"1[3-9]\d{9}", t)]  # no phone numbers
