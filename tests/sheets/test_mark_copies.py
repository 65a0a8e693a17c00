"""`salesflow mark` never leaves its copy where a sync would read it: the copy is named
and marked as salesflow's own, and a CSV gets a marked `.xlsx` copy."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from tests.conftest import AS_OF, salesflow

CSV = (
    "日期,销售员,客户名称,电话,有效通话,通话结果\n"
    "2026-11-24,王磊,华信科技有限公司,13800138000,是,有意向\n"
    "2026-11-25,王磊,=cmd|' /C calc'!A0,1380013,是,无人接听\n"
)


def _checked_paths(folder: Path) -> list[str]:
    out = salesflow("check", folder.name, "--json", "--as-of", AS_OF.isoformat(), cwd=folder.parent)
    return sorted(f["path"] for f in json.loads(out.stdout)["files"])


def test_mark_on_a_csv_writes_a_marked_xlsx_copy_that_check_never_reads(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "王磊.csv").write_text(CSV, encoding="utf-8")
    done = salesflow("mark", "team/王磊.csv", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    copy = team / "王磊.marked.xlsx"
    book = openpyxl.load_workbook(copy)
    sheet = book["王磊"]
    assert sheet["B2"].value == "王磊" and sheet["D3"].value == "1380013"
    assert sheet["C3"].value == "=cmd|' /C calc'!A0" and sheet["C3"].data_type == "s"
    assert sheet["D3"].fill.fgColor.rgb.endswith("FFC7CE")
    listed = list(book["问题"].iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in listed[1:]] == [("王磊", "D3")]
    assert (team / "王磊.csv").read_text(encoding="utf-8") == CSV

    assert _checked_paths(team) == ["team/王磊.csv"]
    copy.rename(team / "王磊 已检查.xlsx")  # renamed by a person: the marker still tells
    assert _checked_paths(team) == ["team/王磊.csv"]
