"""Which files are sources (DESIGN "Which files", issue 10): every format an office saves,
read by content; what is found but not read is listed by its own path with a plain
reason; owner files and salesflow's own outputs are never sources; each file once.

Real files throughout: workbooks converted by LibreOffice, a real FIFO, socket and
device link, real symlink loops, a folder that cannot be listed (checked as a user
who may not list it: the tests run as root, who may list anything).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import FrameType

import openpyxl
import pytest
from openpyxl.packaging.custom import StringProperty

from sheets_templates.roster import Roster
from sync.check import CheckReport, run_check
from sync.sources import (
    OUTPUT_MARKED,
    OUTPUT_MASTER,
    OUTPUT_PROPERTY,
    SOURCE_SUFFIXES,
    file_sources,
    find_sources,
)

from ..sheets.libreoffice import convert
from .helpers import AS_OF, write_xlsx

HEADERS = ["日期", "时间", "客户名称", "电话", "有效通话", "添加微信"]
ROWS = [
    ["2026-11-03", "09:35", "华信科技有限公司", "13800138000", "是", "否"],
    ["2026-11-04", "14:02", "恒通物流", "13900139000", "否", ""],
]


def _calls(path: Path) -> Path:
    return write_xlsx(path, [HEADERS, *ROWS], sheet="电话记录")


def _by_name(report: CheckReport) -> dict[str, tuple[str, str | None]]:
    return {Path(f.path).name: (f.status, f.error) for f in report.files}


@pytest.fixture(scope="module")
def office_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same register saved as .ods and as BIFF .xls by LibreOffice (one run each)."""
    work = tmp_path_factory.mktemp("office")
    source = _calls(work / "src" / "calls.xlsx")
    ods = convert([source], work / "ods", "ods")[source]
    xls = convert([source], work / "xls", "xls")[source]
    return {"xlsx": source, "ods": ods, "xls": xls}


def test_every_format_an_office_saves_is_read_by_content(
    tmp_path: Path, office_files: dict[str, Path]
) -> None:
    """WPS saves `.et`/`.ett` as BIFF (like .xls) or, newer, as xlsx inside: both read."""
    team = tmp_path / "team"
    copies = {
        "张三/calls.ods": "ods",
        "李四/calls.et": "xls",
        "王五/calls.ett": "xls",
        "赵六/calls.et": "xlsx",
        "钱七/calls.xls": "xls",
        "孙八/calls.xlsx": "xlsx",
    }
    for name, kind in copies.items():
        (team / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(office_files[kind], team / name)
    report = run_check([team], AS_OF, keep_records=True)
    assert [Path(f.path).relative_to(Path(f.path).parents[1]).as_posix() for f in report.files] == [
        "孙八/calls.xlsx",
        "张三/calls.ods",
        "李四/calls.et",
        "王五/calls.ett",
        "赵六/calls.et",
        "钱七/calls.xls",
    ]
    for f in report.files:
        assert f.error is None, (f.path, f.error)
        (sheet,) = f.sheets
        assert (sheet.kind, sheet.rows, sheet.valid) == ("calls", 2, 2), f.path
        assert [r.phone for r in sheet.records] == ["13800138000", "13900139000"]
        assert [r.date for r in sheet.records] == [date(2026, 11, 3), date(2026, 11, 4)]
        assert sheet.records[0].rep == Path(f.path).parent.name
    assert report.exit_code() == 0


def test_the_source_formats() -> None:
    assert {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et", ".ett", ".csv"} == SOURCE_SUFFIXES


def test_other_spreadsheet_formats_are_listed_as_not_supported(tmp_path: Path) -> None:
    team = tmp_path / "team"
    _calls(team / "张三.xlsx")
    for name in ("李四.numbers", "模板.xltx", "王五.fods", "旧表.wps", "客户.dbf", "报价.XLT"):
        (team / name).write_bytes(b"\x00 some bytes")
    (team / "导出.xml").write_text(
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>\n',
        encoding="utf-8",
    )
    (team / "配置.xml").write_text('<?xml version="1.0"?><config/>', encoding="utf-8")
    (team / "说明.txt").write_text("每人一个表", encoding="utf-8")
    report = run_check([team], AS_OF)
    found = _by_name(report)
    assert found.pop("张三.xlsx") == ("ok", None)
    assert found == {
        "李四.numbers": ("unreadable", "格式不支持（.numbers），未读取：请另存为 .xlsx"),
        "模板.xltx": ("unreadable", "格式不支持（.xltx），未读取：请另存为 .xlsx"),
        "王五.fods": ("unreadable", "格式不支持（.fods），未读取：请另存为 .xlsx"),
        "旧表.wps": ("unreadable", "格式不支持（.wps），未读取：请另存为 .xlsx"),
        "客户.dbf": ("unreadable", "格式不支持（.dbf），未读取：请另存为 .xlsx"),
        "报价.XLT": ("unreadable", "格式不支持（.xlt），未读取：请另存为 .xlsx"),
        "导出.xml": ("unreadable", "格式不支持（.xml），未读取：请另存为 .xlsx"),
    }
    english = {Path(f.path).name: f.reason("en") for f in report.files if f.error}
    assert english["李四.numbers"] == "format not supported (.numbers), not read: save it as .xlsx"
    assert report.exit_code() == 1  # listed, and the rest was read


class _Hung(Exception):
    pass


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail, not hang, if anything opens a FIFO (opening one waits for a writer)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Hung("a FIFO was opened")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _bad_entries(team: Path) -> None:
    """A team folder with a good register and every kind of bad directory entry."""
    _calls(team / "张三" / "calls.xlsx")
    os.mkfifo(team / "管道.csv")
    (team / "王磊").mkdir()
    os.mkfifo(team / "王磊" / "calls.xlsx")
    (team / "设备.csv").symlink_to("/dev/null")
    (team / "丢了.xlsx").symlink_to(team / "不存在.xlsx")
    (team / "自己.csv").symlink_to(team / "自己.csv")
    (team / "张三" / "上级").symlink_to(team)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(team / "套接字.csv"))
    listener.close()


def test_bad_directory_entries_are_listed_each_by_its_path_and_the_rest_is_read(
    tmp_path: Path, no_hang: None
) -> None:
    team = tmp_path / "team"
    _bad_entries(team)
    report = run_check([team], AS_OF)
    paths = {Path(f.path).relative_to(team.resolve()).as_posix(): f for f in report.files}
    assert {name: (f.status, f.error) for name, f in paths.items()} == {
        "丢了.xlsx": ("unreadable", "链接指向的文件不存在，已跳过"),
        "套接字.csv": ("unreadable", "不是普通文件（套接字），未读取"),
        "张三/calls.xlsx": ("ok", None),
        "张三/上级": ("unreadable", "链接形成循环（指向自己或上级文件夹），已跳过"),
        "王磊/calls.xlsx": ("unreadable", "不是普通文件（管道），未读取"),
        "管道.csv": ("unreadable", "不是普通文件（管道），未读取"),
        "自己.csv": ("unreadable", "链接形成循环（指向自己或上级文件夹），已跳过"),
        "设备.csv": ("unreadable", "不是普通文件（设备），未读取"),
    }
    assert paths["管道.csv"].reason("en") == "not a regular file (a pipe), not read"
    assert paths["张三/calls.xlsx"].sheets[0].valid == 2
    # a FIFO named on the command line is listed too, never opened
    named = run_check([team / "管道.csv"], AS_OF)
    assert _by_name(named) == {"管道.csv": ("unreadable", "不是普通文件（管道），未读取")}


def test_a_sync_lists_bad_entries_as_sources_that_never_open(tmp_path: Path, no_hang: None) -> None:
    team = tmp_path / "team"
    _bad_entries(team)
    sources = {s.path: s for s in file_sources([team], AS_OF)}
    assert sorted(sources) == [
        "team/丢了.xlsx",
        "team/套接字.csv",
        "team/张三/calls.xlsx",
        "team/张三/上级",
        "team/王磊/calls.xlsx",
        "team/管道.csv",
        "team/自己.csv",
        "team/设备.csv",
    ]
    fifo = sources["team/管道.csv"]
    again = {s.path: s for s in file_sources([team], AS_OF)}
    assert again["team/管道.csv"].content_hash == fifo.content_hash  # stable: not re-read
    result = fifo.read()
    assert (result.status, result.error) == ("unreadable", "不是普通文件（管道），未读取")
    assert sources["team/张三/calls.xlsx"].owned_by(Roster()).owner == "张三"
    good = sources["team/张三/calls.xlsx"].read()
    assert good.error is None and good.sheets[0].valid == 2


def test_a_folder_that_cannot_be_listed_is_named(tmp_path: Path) -> None:
    """Checked by root without the capabilities that let root list any folder (the tests
    run as root), so a folder of mode 000 cannot be listed, as for anyone else."""
    team = tmp_path / "team"
    _calls(team / "张三" / "calls.xlsx")
    _calls(team / "李四" / "calls.xlsx")
    (team / "李四").chmod(0o000)
    script = (
        "import sys; from pathlib import Path; from sync.check import run_check\n"
        "from datetime import date\n"
        "r = run_check([Path(sys.argv[1])], date(2026, 11, 26))\n"
        "for f in r.files: print(Path(f.path).name, f.status, f.error, sep='|')\n"
    )
    without = "-dac_override,-dac_read_search"
    try:
        done = subprocess.run(
            [
                "setpriv",
                f"--bounding-set={without}",
                f"--inh-caps={without}",
                sys.executable,
                "-c",
                script,
                str(team),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).parents[2],
        )
    finally:
        (team / "李四").chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "calls.xlsx|ok|None",
        "李四|unreadable|文件夹无法打开（没有权限？），其中的文件这次没有读取",
    ]


def test_each_file_is_read_once_however_the_roots_overlap(tmp_path: Path) -> None:
    team = tmp_path / "team"
    _calls(team / "王磊" / "calls.xlsx")
    _calls(team / "张三.xlsx")
    (team / "王磊" / "也是张三.xlsx").symlink_to(team / "张三.xlsx")
    for roots in ([team, team / "王磊"], [team / "王磊", team], [team, team]):
        found = find_sources(roots)
        assert sorted((f.path.relative_to(team).as_posix(), f.root) for f in found) == [
            ("张三.xlsx", team),
            ("王磊/calls.xlsx", team),  # the outermost root: the folder names the rep
        ], roots
        report = run_check(roots, AS_OF)
        assert report.rows == 4
    named_twice = run_check([team / "张三.xlsx", team / "张三.xlsx"], AS_OF)
    assert len(named_twice.files) == 1


def test_an_owner_file_named_on_the_command_line_is_skipped(tmp_path: Path) -> None:
    """`salesflow check team/*` picks up `~$张三.xlsx` while 张三.xlsx is open in Excel."""
    team = tmp_path / "team"
    _calls(team / "张三.xlsx")
    (team / "~$张三.xlsx").write_bytes(b"\x08owner\x00" + b"\x00" * 154)
    report = run_check(sorted(team.iterdir()), AS_OF)
    assert _by_name(report) == {"张三.xlsx": ("ok", None)}
    assert report.unreadable == 0  # not "a damaged workbook"


def _marked_as_output(path: Path, kind: str) -> Path:
    book = openpyxl.load_workbook(path)
    book.custom_doc_props.append(StringProperty(name=OUTPUT_PROPERTY, value=kind))
    book.save(path)
    return path


def test_salesflow_outputs_are_never_sources_however_named(tmp_path: Path) -> None:
    """A master renamed `calls.xlsx`, its backups, a marked copy: each holds register
    rows, and reading one would count every call twice."""
    team = tmp_path / "team"
    _calls(team / "张三.xlsx")
    _marked_as_output(_calls(team / "calls.xlsx"), OUTPUT_MASTER)
    _marked_as_output(_calls(team / "王磊" / "检查过.xlsx"), OUTPUT_MARKED)
    _calls(team / "总表.backup-20261126-093000.xlsx")
    _calls(team / "张三.marked.xlsx")
    _calls(team / "李四.MARKED.xlsm")
    report = run_check([team], AS_OF)
    assert _by_name(report) == {"张三.xlsx": ("ok", None)}
    named = run_check([team / "calls.xlsx", team / "张三.marked.xlsx"], AS_OF)
    assert named.files == [] and named.exit_code() == 2
    # a workbook with other custom properties is a register like any other
    other = openpyxl.load_workbook(team / "张三.xlsx")
    other.custom_doc_props.append(StringProperty(name="部门", value="华东"))
    other.save(team / "张三.xlsx")
    assert _by_name(run_check([team], AS_OF)) == {"张三.xlsx": ("ok", None)}
