"""Which files are sources: CSV in every encoding Excel saves, .xlsm, .xls; files that are
not sources are ignored silently; files that cannot be read say why and stop nothing."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import msoffcrypto.format.ooxml
import pytest
import xlsxwriter
import xlwings

from sync.check import run_check
from sync.sources import find_sources

from .helpers import AS_OF, only_sheet, read_one, write_xlsx

HEADERS = ["日期", "时间", "客户名称", "电话", "有效通话", "添加微信"]
ROWS = [
    ["11月3日", "09:35", "华信科技有限公司", "13800138000", "是", "否"],
    ["11月3日", "09:41", "东方建材", "010-6552 1234", "否", ""],
    ["2026/11/4", "14:02", "恒通物流", "1.3900139000E+10", "是", "是"],
]


def write_csv(path: Path, encoding: str, rows: list[list[str]], delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("gb18030", ","), ("gbk", ","), ("utf-8", ","), ("utf-8-sig", ","), ("utf-16", "\t")],
)
def test_csv_in_every_encoding_excel_saves(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = write_csv(tmp_path / "王五" / "电话记录2026.csv", encoding, [HEADERS, *ROWS], delimiter)
    result = read_one(path, root=tmp_path)
    sheet = only_sheet(result)
    assert (sheet.sheet, sheet.kind, sheet.header_row) == ("电话记录2026", "calls", 1)
    assert sheet.problems == []
    assert [r.rep for r in sheet.records] == ["王五"] * 3
    assert [r.date for r in sheet.records] == [
        date(2026, 11, 3),
        date(2026, 11, 3),
        date(2026, 11, 4),
    ]
    assert [r.phone for r in sheet.records] == ["13800138000", "01065521234", "13900139000"]
    assert sheet.records[0].customer == "华信科技有限公司"
    assert [r.wechat_added for r in sheet.records] == [False, False, True]


def test_a_csv_bad_cell_is_located(tmp_path: Path) -> None:
    rows = [
        ["销售员：王五"],
        HEADERS,
        *ROWS,
        ["11月5日", "10:00", "金桥贸易", "1380013", "是", "否"],
    ]
    sheet = only_sheet(read_one(write_csv(tmp_path / "calls_2026.csv", "gb18030", rows)))
    (problem,) = sheet.problems
    assert (problem.row, problem.column, problem.code, problem.value) == (
        6,
        "D",
        "phone.invalid",
        "1380013",
    )


def _vba_project() -> bytes:
    """The VBA project of the workbook xlwings ships, as a macro workbook carries one."""
    quickstart = Path(xlwings.__file__).parent / "quickstart.xlsm"
    with zipfile.ZipFile(quickstart) as archive:
        return archive.read("xl/vbaProject.bin")


def test_a_macro_workbook(tmp_path: Path) -> None:
    (tmp_path / "vbaProject.bin").write_bytes(_vba_project())
    path = tmp_path / "张三.xlsm"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("电话记录")
    ws.write_row(0, 0, ["销售员", *HEADERS])
    ws.write_row(1, 0, ["张三", "2026-11-03", "09:35", "华信科技", "13800138000", "是", "否"])
    wb.add_vba_project(str(tmp_path / "vbaProject.bin"))
    wb.close()
    sheet = only_sheet(read_one(path))
    assert sheet.valid == 1 and sheet.records[0].phone == "13800138000"


def test_an_old_xls_workbook(tmp_path: Path) -> None:
    """An .xls as WPS and old Excel save it (converted by LibreOffice, for real)."""
    source = write_xlsx(
        tmp_path / "src" / "李四.xlsx",
        [["销售员：李四"], HEADERS, *ROWS],
        sheet="电话记录 2026年11月",
    )
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path / "team"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    path = tmp_path / "team" / "李四.xls"
    assert [f.path for f in find_sources([tmp_path / "team"])] == [path]
    sheet = only_sheet(read_one(path))
    assert sheet.problems == []
    assert [r.phone for r in sheet.records] == ["13800138000", "01065521234", "13900139000"]
    # the same bytes under an .xlsx name: said plainly, not read as garbage
    renamed = tmp_path / "李四的表.xlsx"
    shutil.copy(path, renamed)
    result = read_one(renamed)
    assert result.status == "unreadable" and ".xls" in result.error and "另存为" in result.error


def _team_with_clutter(folder: Path) -> None:
    write_xlsx(folder / "张三.xlsx", [["销售员：张三"], HEADERS, ROWS[0]])
    (folder / "~$张三.xlsx").write_bytes(b"\x00owner file")
    (folder / ".~lock.张三.xlsx#").write_text("lock")
    (folder / ".hidden.xlsx").write_bytes(b"not even a workbook")
    (folder / "~WRL0001.tmp").write_bytes(b"\x00")
    (folder / "张三.xlsx.tmp").write_bytes(b"\x00")
    (folder / "Thumbs.db").write_bytes(b"\x00")
    (folder / "说明.txt").write_text("这里放每个人的表")
    (folder / ".git").mkdir()
    (folder / ".git" / "old.xlsx").write_bytes(b"\x00")


def test_owner_hidden_and_temporary_files_are_ignored_silently(tmp_path: Path) -> None:
    _team_with_clutter(tmp_path / "team")
    assert [f.path.name for f in find_sources([tmp_path / "team"])] == ["张三.xlsx"]
    report = run_check([tmp_path / "team"], AS_OF)
    assert [(f.path.endswith("张三.xlsx"), f.status) for f in report.files] == [(True, "ok")]
    assert report.exit_code() == 0


def _encrypted(path: Path, source: Path) -> Path:
    with source.open("rb") as plain, path.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("1234", out)
    return path


def _unreadable_team(folder: Path) -> dict[str, str]:
    """A folder with one good workbook and every way a file can fail to be read, each
    with the words its reason must contain (zh)."""
    good = write_xlsx(folder / "好的.xlsx", [["销售员：张三"], HEADERS, *ROWS[:1]])
    (folder / "空文件.xlsx").write_bytes(b"")
    (folder / "不是表格.xlsx").write_text("hello, this is not a workbook")
    _encrypted(folder / "有密码.xlsx", good)
    (folder / "截断.xlsx").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    (folder / "乱码.csv").write_bytes(b"\x00\x01\x02" * 50)
    return {
        "空文件.xlsx": "空",
        "不是表格.xlsx": "损坏",
        "有密码.xlsx": "密码",
        "截断.xlsx": "损坏",
        "乱码.csv": "CSV",
    }


def test_unreadable_files_are_reported_with_a_reason_and_the_rest_is_checked(
    tmp_path: Path,
) -> None:
    reasons = _unreadable_team(tmp_path)
    report = run_check([tmp_path], AS_OF)
    by_name = {Path(f.path).name: f for f in report.files}
    assert set(by_name) == {"好的.xlsx", *reasons}
    assert by_name["好的.xlsx"].status == "ok" and by_name["好的.xlsx"].sheets[0].valid == 1
    for name, words in reasons.items():
        result = by_name[name]
        assert result.status == "unreadable", name
        assert words in result.reason("zh"), (name, result.error)
        assert result.reason("en") and result.reason("en") != result.reason("zh")
        assert result.sheets == []
    assert "password" in by_name["有密码.xlsx"].reason("en")
    assert "empty" in by_name["空文件.xlsx"].reason("en")
    assert report.exit_code() == 1


def test_nothing_readable_exits_2(tmp_path: Path) -> None:
    (tmp_path / "空文件.xlsx").write_bytes(b"")
    assert run_check([tmp_path], AS_OF).exit_code() == 2
    assert run_check([tmp_path / "empty-folder-does-not-exist"], AS_OF).exit_code() == 2


def test_a_sheet_that_matches_no_register_is_listed_as_skipped(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "张三.xlsx",
        [["销售员：张三"], HEADERS, ROWS[0]],
        extra_sheets={"周计划": [["周一", "周二", "周三"], ["拜访华信", "", "培训"]], "空白": []},
    )
    result = read_one(path)
    assert [(s.sheet, s.kind) for s in result.sheets] == [
        ("电话记录", "calls"),
        ("周计划", None),
        ("空白", None),
    ]
    skipped = result.sheets[1]
    assert (skipped.rows, skipped.valid, skipped.problems, skipped.header_row) == (0, 0, [], None)
    report = run_check([path], AS_OF)
    assert report.exit_code() == 0
