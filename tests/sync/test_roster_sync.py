"""Who the rep is, through the console script on real folders (issue 10, "the wrong rep,
silently"): office and month folders are never reps, a file named after a rep is
theirs, the master's 团队 sheet merges other names and is read back, and a name off the
roster is a warning that still counts."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import python_calamine

CALL_HEADER = "日期,时间,客户名称,联系人,电话,有效通话,添加微信,意向等级,备注"
Cli = Callable[..., subprocess.CompletedProcess[str]]


def write_calls(path: Path, rows: list[str], header: str = CALL_HEADER) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def call(day: str, phone: str, customer: str) -> str:
    return f"{day},10:30,{customer},王经理,{phone},是,否,,"


def sync(cli: Cli, folder: Path, as_of: date) -> tuple[int, dict[str, Any]]:
    args = ("sync", "--json", "--as-of", as_of.isoformat(), "--from", "team")
    done = cli(*args, "--master", "m.xlsx", cwd=folder)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def month_calls(doc: dict[str, Any]) -> dict[str, int]:
    return {
        e["rep"]: e["actual"]
        for e in doc["kpi"]
        if e["period"] == "month" and e["metric"] == "calls"
    }


def master_sheet(folder: Path, title: str) -> list[list[Any]]:
    book = python_calamine.CalamineWorkbook.from_path(str(folder / "m.xlsx"))
    rows: list[list[Any]] = book.get_sheet_by_name(title).to_python()
    return rows


def team_folder(tmp_path: Path) -> None:
    """王磊's calls in three places, none with a rep column: under an office folder,
    under a month folder, and in a file named after him."""
    team = tmp_path / "team"
    write_calls(
        team / "华东区" / "王磊" / "calls.csv",
        [call("2026-11-26", "13800000001", "华信科技"), call("2026-11-25", "13800000002", "明德")],
    )
    write_calls(team / "2026-11" / "王磊.csv", [call("2026-11-24", "13800000003", "远大物流")])
    write_calls(team / "王磊.csv", [call("2026-11-23", "13800000004", "海天食品")])


def test_office_and_month_folders_are_not_reps(tmp_path: Path, as_of: date, cli: Cli) -> None:
    team_folder(tmp_path)
    code, doc = sync(cli, tmp_path, as_of)
    assert code == 0 and doc["issues"] == 0  # every row valid, as 王磊
    assert {(s["path"], s["records"], s["errors"]) for s in doc["sources"]} == {
        ("team/2026-11/王磊.csv", 1, 0),
        ("team/华东区/王磊/calls.csv", 2, 0),
        ("team/王磊.csv", 1, 0),
    }
    assert month_calls(doc) == {"王磊": 4}
    assert doc["team"] == [{"name": "王磊", "other_names": [], "office": "华东区", "new": False}]
    assert master_sheet(tmp_path, "团队")[1:] == [
        ["姓名", "其他叫法", "办公室/区域", "状态"],
        ["王磊", "", "华东区", ""],
    ]


def test_the_team_sheet_round_trips_and_merges_other_names(
    tmp_path: Path, as_of: date, cli: Cli
) -> None:
    team_folder(tmp_path)
    sync(cli, tmp_path, as_of)
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")  # the manager edits the 团队 sheet
    sheet = book["团队"]
    assert [c.value for c in sheet[3]][:3] == ["王磊", None, "华东区"]
    sheet["B3"], sheet["C3"] = "小王、wang lei", "华南区"
    book.save(tmp_path / "m.xlsx")
    header = "销售员," + CALL_HEADER
    write_calls(
        tmp_path / "team" / "共享" / "calls.csv",
        [
            "小王," + call("2026-11-26", "13800000005", "星光"),
            "Wang Lei," + call("2026-11-26", "13800000006", "长江"),
        ],
        header,
    )
    code, doc = sync(cli, tmp_path, as_of)
    assert code == 0 and doc["issues"] == 0
    assert month_calls(doc) == {"王磊": 6}  # 小王 and Wang Lei are 王磊
    assert doc["team"] == [
        {"name": "王磊", "other_names": ["小王", "wang lei"], "office": "华南区", "new": False}
    ]
    assert master_sheet(tmp_path, "团队")[2] == ["王磊", "小王、wang lei", "华南区", ""]
    registered = master_sheet(tmp_path, "电话记录")
    rep = registered[1].index("销售员")  # under the window's title line
    assert [row[rep] for row in registered[2:]] == ["王磊"] * 6


def test_a_name_off_the_roster_is_a_warning_once_and_still_counts(
    tmp_path: Path, as_of: date, cli: Cli
) -> None:
    team_folder(tmp_path)
    sync(cli, tmp_path, as_of)
    header = "销售员," + CALL_HEADER
    write_calls(
        tmp_path / "team" / "共享" / "calls.csv",
        [
            "赵六," + call("2026-11-26", "13800000007", "星光"),
            "赵六," + call("2026-11-25", "13800000008", "长江"),
            "孙七," + call("2026-11-25", "13800000009", "南方"),
        ],
        header,
    )
    code, doc = sync(cli, tmp_path, as_of)
    assert code == 1 and doc["issues"] == 2  # one warning per name, not per row
    assert month_calls(doc) == {"王磊": 4, "赵六": 2, "孙七": 1}
    problems = master_sheet(tmp_path, "数据问题")
    unknown = [row for row in problems if "rep.unknown" in row]
    assert [(row[0], row[2], row[-1]) for row in unknown] == [
        (
            "team/共享/calls.csv",
            2.0,
            "未知销售员: 赵六（不在团队表上）：已计入；如是新人请在“团队”表确认，"
            "如是别人的其他叫法请并入",
        ),
        (
            "team/共享/calls.csv",
            4.0,
            "未知销售员: 孙七（不在团队表上）：已计入；如是新人请在“团队”表确认，"
            "如是别人的其他叫法请并入",
        ),
    ]
    assert master_sheet(tmp_path, "团队")[3:] == [
        ["赵六", "", "", "新，待确认"],
        ["孙七", "", "", "新，待确认"],
    ]
    code, again = sync(cli, tmp_path, as_of)  # not confirmed yet: still said
    assert again["issues"] == 2
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")  # 赵六 confirmed, 孙七 is 王磊
    sheet = book["团队"]
    sheet["D4"] = None
    sheet["B3"] = "孙七"
    sheet.delete_rows(5)
    book.save(tmp_path / "m.xlsx")
    code, confirmed = sync(cli, tmp_path, as_of)
    assert code == 0 and confirmed["issues"] == 0
    assert month_calls(confirmed) == {"王磊": 5, "赵六": 2}


def test_a_roster_edit_that_names_a_files_rep_has_it_read_again(
    tmp_path: Path, as_of: date, cli: Cli
) -> None:
    team_folder(tmp_path)
    write_calls(
        tmp_path / "team" / "报表" / "Wang Lei - calls.csv",
        [call("2026-11-26", "13800000010", "星光")],
    )
    code, doc = sync(cli, tmp_path, as_of)  # a Latin word in a file name: only the roster says
    latin = [s for s in doc["sources"] if s["path"] == "team/报表/Wang Lei - calls.csv"]
    assert code == 1 and [(s["records"], s["errors"]) for s in latin] == [(0, 1)]
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    book["团队"]["B3"] = "Wang Lei"
    book.save(tmp_path / "m.xlsx")
    code, doc = sync(cli, tmp_path, as_of)
    assert code == 0 and doc["issues"] == 0
    read = {s["path"]: (s["status"], s["records"], s["errors"]) for s in doc["sources"]}
    assert read["team/报表/Wang Lei - calls.csv"] == ("synced", 1, 0)
    assert read["team/王磊.csv"] == ("unchanged", 1, 0)
    assert month_calls(doc) == {"王磊": 5}
