"""`salesflow check` through the installed console script: the `--json` contract of
DESIGN.md field by field, the exit codes, the languages, the terminal text."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sheets_templates.registers import REGISTERS
from tests.conftest import SALESFLOW

from .helpers import AS_OF, check_json, salesflow, template_headers, write_xlsx

CALLS = ["销售员", "日期", "时间", "客户名称", "电话", "有效通话", "添加微信", "意向等级"]


def make_team(folder: Path) -> None:
    """张三: calls (one bad phone) and leads; 赵六: shipments; a damaged file; a plan sheet."""
    write_xlsx(
        folder / "张三.xlsx",
        [
            ["电话记录表 2026年11月"],
            CALLS,
            ["张三", "11月3日", "09:30", "华信科技", "13800138000", "是", "是", "b类"],
            ["张三", "2026-11-03", "09:42", "东方建材", "1380013", "否", "否", None],
        ],
        merges=("A1:H1",),
        extra_sheets={
            "意向客户": [
                ["客户名称", "负责人", "商务谈判中", "已递交方案", "等级", "登记日期", "签约日期"],
                ["华信科技", "张三", "是", None, None, "2026-11-02", "2026-11-20"],
            ],
            "周计划": [["周一", "周二"], ["拜访", "培训"]],
        },
    )
    headers = template_headers("shipments")
    line = {
        "合同号": "HT001",
        "申请日期": date(2026, 11, 3),
        "销售员": "赵六",
        "客户名称": "恒通物流",
        "产品": "标签打印机 P2",
        "数量": 3,
        "单价": 899.5,
        "金额": None,
        "回款金额": "¥1,000.10",
    }
    write_xlsx(
        folder / "赵六" / "发货.xlsx", [headers, [line.get(h) for h in headers]], sheet="发货"
    )
    (folder / "坏的.xlsx").write_bytes(b"PK\x03\x04 truncated")


def by_path(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in document["files"]}


def test_the_json_contract_field_by_field(tmp_path: Path) -> None:
    make_team(tmp_path / "team")
    code, doc = check_json("team", "--records", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert code == 1
    assert set(doc) == {"files", "totals"}
    files = by_path(doc)
    assert list(files) == ["team/坏的.xlsx", "team/张三.xlsx", "team/赵六/发货.xlsx"]

    damaged = files["team/坏的.xlsx"]
    assert set(damaged) == {"path", "status", "error", "sheets"}
    assert damaged["status"] == "unreadable" and damaged["sheets"] == []
    assert "损坏" in damaged["error"]

    zhang = files["team/张三.xlsx"]
    assert set(zhang) == {"path", "status", "sheets"} and zhang["status"] == "ok"
    calls, leads, plan = zhang["sheets"]
    accounting = {"error_rows", "duplicates", "skipped"}
    contract = {"name", "kind", "header_row", "rows", "valid", "issues", "records"}
    for sheet in zhang["sheets"]:
        assert set(sheet) == contract | accounting
    assert (calls["name"], calls["kind"], calls["header_row"]) == ("电话记录", "calls", 2)
    assert (calls["rows"], calls["valid"]) == (2, 1)
    assert (calls["error_rows"], calls["duplicates"], calls["skipped"]) == (
        1,
        0,
        {"totals": 0, "notes": 0},
    )
    assert (plan["name"], plan["kind"], plan["rows"], plan["issues"], plan["records"]) == (
        "周计划",
        None,
        0,
        [],
        [],
    )

    (issue,) = calls["issues"]
    assert issue == {
        "severity": "error",
        "row": 4,
        "column": "E",
        "header": "电话",
        "field": "phone",
        "value": "1380013",
        "code": "phone.invalid",
        "message": issue["message"],
    }
    assert issue["message"].startswith("电话号码位数不对: 1380013（手机号应为11位")

    (record,) = calls["records"]
    assert set(record) == {f.name for f in REGISTERS["calls"].fields} | {"source", "extra"}
    assert record["source"] == {"file": "team/张三.xlsx", "sheet": "电话记录", "row": 3}
    assert (record["date"], record["time"]) == ("2026-11-03", "09:30")
    assert (record["effective"], record["wechat_added"]) == (True, True)
    assert (record["intent_grade"], record["phone"], record["rep"]) == ("B", "13800138000", "张三")
    assert record["follow_up"] is None and record["extra"] == {}

    (lead,) = leads["records"]
    assert (lead["grade"], lead["grade_typed"], lead["negotiating"]) == ("A", None, True)
    assert (lead["registered"], lead["signed_date"]) == ("2026-11-02", "2026-11-20")
    assert lead["solution_submitted"] is False

    (ship_sheet,) = files["team/赵六/发货.xlsx"]["sheets"]
    (ship,) = ship_sheet["records"]
    assert ship["date"] == "2026-11-03"
    assert (ship["quantity"], ship["unit_price"], ship["amount"], ship["received"]) == (
        "3.00",
        "899.50",
        "2698.50",
        "1000.10",
    )
    assert ship["source"] == {"file": "team/赵六/发货.xlsx", "sheet": "发货", "row": 2}

    sheets = [s for f in doc["files"] for s in f["sheets"]]
    issues = [i for s in sheets for i in s["issues"]]
    assert doc["totals"] == {
        "rows": sum(s["rows"] for s in sheets),
        "valid": sum(s["valid"] for s in sheets),
        "errors": sum(1 for i in issues if i["severity"] == "error"),
        "warnings": sum(1 for i in issues if i["severity"] == "warning"),
    }
    assert doc["totals"] == {"rows": 4, "valid": 3, "errors": 1, "warnings": 0}


def test_records_only_on_request(tmp_path: Path) -> None:
    make_team(tmp_path / "team")
    _code, doc = check_json("team", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    for sheet in (s for f in doc["files"] for s in f["sheets"]):
        assert "records" not in sheet


def test_english_messages(tmp_path: Path) -> None:
    make_team(tmp_path / "team")
    code, doc = check_json("team", "--lang", "en", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert code == 1
    files = by_path(doc)
    assert files["team/坏的.xlsx"]["error"].startswith("not a valid Excel workbook")
    (issue,) = files["team/张三.xlsx"]["sheets"][0]["issues"]
    assert issue["message"].startswith("Phone number has the wrong length: 1380013")
    text = salesflow("check", "team", "--lang", "en", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert "team/张三.xlsx [电话记录] calls: 2 rows, 1 valid, 1 error, 0 warnings" in text.stdout
    assert "Phone number has the wrong length: 1380013" in text.stdout
    assert "电话号码" not in text.stdout and "无法读取" not in text.stdout
    total = "total: 3 files, 4 rows, 3 valid, 1 error, 0 warnings, 1 unreadable"
    assert text.stdout.splitlines()[-1] == total


def test_the_terminal_report(tmp_path: Path) -> None:
    make_team(tmp_path / "team")
    done = salesflow("check", "team", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "team/张三.xlsx [电话记录] 电话记录: 2 行, 1 有效, 1 错误, 0 提醒" in lines
    assert "team/张三.xlsx [周计划]: 跳过（不是登记表）" in lines
    assert any(line.startswith("team/坏的.xlsx: 无法读取") for line in lines)
    assert any("E4" in line and "1380013" in line and "[phone.invalid]" in line for line in lines)
    assert lines[-1].startswith("合计: 3 个文件, 4 行, 3 有效, 1 错误, 0 提醒, 1 无法读取")


def test_exit_0_when_clean(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "张三.xlsx",
        [CALLS, ["张三", "2026-11-03", "09:30", "华信科技", "13800138000", "是", "否", None]],
    )
    done = salesflow("check", "张三.xlsx", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "全部正确" in done.stdout
    code, doc = check_json("张三.xlsx", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert code == 0 and doc["totals"] == {"rows": 1, "valid": 1, "errors": 0, "warnings": 0}


def test_exit_1_still_checks_every_file(tmp_path: Path) -> None:
    make_team(tmp_path / "team")
    code, doc = check_json("team/坏的.xlsx", "team/张三.xlsx", "team/赵六", cwd=tmp_path)
    assert code == 1
    assert [f["status"] for f in doc["files"]] == ["unreadable", "ok", "ok"]


def test_exit_2_when_nothing_could_be_read(tmp_path: Path) -> None:
    (tmp_path / "坏的.xlsx").write_bytes(b"")
    code, doc = check_json("坏的.xlsx", cwd=tmp_path)
    assert code == 2
    assert doc["files"][0]["status"] == "unreadable" and "0 字节" in doc["files"][0]["error"]
    (tmp_path / "empty").mkdir()
    assert salesflow("check", "empty", cwd=tmp_path).returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        ["check", "no-such-folder"],
        ["check", ".", "--as-of", "someday"],
        ["check", ".", "--lang", "fr"],
        ["check", ".", "--no-such-option"],
        ["no-such-command"],
    ],
)
def test_exit_2_on_bad_usage_without_a_traceback(tmp_path: Path, args: list[str]) -> None:
    done = salesflow(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_a_damaged_file_is_explained_in_words_and_its_technical_cause_logged(
    tmp_path: Path,
) -> None:
    """The rep reads what to do; the reading library's own words ("ZipError …") go to
    `salesflow.log` for whoever maintains salesflow, never to the screen or the JSON."""
    (tmp_path / "坏的.xlsx").write_bytes(b"PK\x03\x04 truncated")
    for lang, words in (("zh", "请用 Excel 打开看看"), ("en", "open it in Excel")):
        done = salesflow("check", "坏的.xlsx", "--lang", lang, cwd=tmp_path)
        assert words in done.stdout
        assert "ZipError" not in done.stdout + done.stderr
        code, doc = check_json("坏的.xlsx", "--lang", lang, cwd=tmp_path)
        assert code == 2  # nothing could be read
        assert words in doc["files"][0]["error"] and "Zip" not in doc["files"][0]["error"]
    log = (tmp_path / "salesflow.log").read_text(encoding="utf-8")
    assert "坏的.xlsx: ZipError" in log


def test_output_cut_short_by_its_reader_is_no_bug(tmp_path: Path) -> None:
    """Output into a pipe whose reader has gone (`salesflow check … | head`, head done):
    the command stops quietly with 141, as `yes | head` does: no "salesflow hit a bug"
    and no traceback in the log."""
    make_team(tmp_path / "team")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [str(SALESFLOW), "check", "team", "--as-of", AS_OF.isoformat()],
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141, done.stderr
    assert done.stderr == ""
    log = tmp_path / "salesflow.log"
    assert not log.exists() or "Traceback" not in log.read_text(encoding="utf-8")
