"""Faults lose nothing: bad sources beside good ones, a sync killed mid-write, two syncs
at once, a master that cannot be replaced, text that looks like a formula."""

from __future__ import annotations

import codecs
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import sync.engine
import sync.master_xlsx  # noqa: F401
from sync.cli import main
from sync.crash import FailedOn, report_bug
from sync.lock import sync_lock
from sync.reader import read_file
from sync.run import SyncFailed, XlsxMaster, sync_into
from sync.sources import file_sources
from tests.conftest import SALESFLOW
from tests.core.test_bounded import ods_with_last_cell

from .conftest import run
from .teams import AS_OF, Team, build_team, salesflow, sync_json

NOBODY = 65534


def as_nobody(job: Callable[[], Any]) -> Any:
    """Run `job` in a forked child whose effective user is `nobody` when we are root:
    root reads a chmod-000 file anyway, `nobody` gets the PermissionError a locked
    file gives. A child, so the switch of user cannot leak into other tests."""
    if os.geteuid() != 0:
        return job()
    with ProcessPoolExecutor(1) as warm:  # import the pool's modules while still root
        warm.submit(int).result()
    codecs.lookup("cp437")  # and zipfile's codec: `nobody` may not read the stdlib's files
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            os.seteuid(NOBODY)
            outcome: Any = job()
        except BaseException as exc:  # report it to the parent, whatever it is
            outcome = RuntimeError(f"{type(exc).__name__}: {exc}")
        with os.fdopen(write, "wb") as out:
            pickle.dump(outcome, out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as inp:
        outcome = pickle.load(inp)
    os.waitpid(pid, 0)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder every user may read and write (pytest's own tmp is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="sf-faults-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_corrupt_empty_and_locked_sources_are_reported_and_the_rest_sync(
    open_dir: Path,
) -> None:
    team = build_team(open_dir / "team")
    good = team.path("甲").read_bytes()
    (open_dir / "team" / "损坏.xlsx").write_bytes(good[: len(good) // 3])
    (open_dir / "team" / "空文件.xlsx").write_bytes(b"")
    locked = open_dir / "team" / "被锁.xlsx"
    locked.write_bytes(good)
    locked.chmod(0o000)
    for path in open_dir.rglob("*"):
        if path != locked:
            path.chmod(0o777)

    def job() -> tuple[list[tuple[str, str, str | None]], dict[str, int], int]:
        result = run(team.folder, open_dir / "master.xlsx")
        statuses = [(s.path, s.status, s.error) for s in result.sources]
        return statuses, result.records, result.exit_code()

    statuses, records, code = as_nobody(job)
    reasons = {path: error for path, status, error in statuses if status == "unreadable"}
    assert set(reasons) == {"team/损坏.xlsx", "team/空文件.xlsx", "team/被锁.xlsx"}
    assert "损坏" in reasons["team/损坏.xlsx"]
    assert "0 字节" in reasons["team/空文件.xlsx"]
    assert "占用" in reasons["team/被锁.xlsx"] or "权限" in reasons["team/被锁.xlsx"]
    assert {status for path, status, _e in statuses if path.startswith("team/甲")} == {"synced"}
    assert records["calls"] == sum(len(r["calls"]) for r in team.rows.values())
    assert code == 1
    problems = openpyxl.load_workbook(open_dir / "master.xlsx")["数据问题"]
    files = {problems.cell(row=r, column=1).value for r in range(3, problems.max_row + 1)}
    assert {"team/损坏.xlsx", "team/空文件.xlsx", "team/被锁.xlsx"} <= files


def test_a_source_that_turns_unreadable_keeps_its_records(team: Team, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    first = run(team.folder, master)
    team.path("乙").write_bytes(b"PK\x03\x04 damaged while the rep was saving")
    result = run(team.folder, master)
    assert result.records == first.records  # nothing lost while the file is broken
    assert vars(result.changes) == {"added": 0, "updated": 0, "removed": 0}
    status = next(s for s in result.sources if s.path == "team/乙/登记表.xlsx")
    assert status.status == "unreadable" and status.records > 0


def test_a_reader_that_dies_on_one_source_costs_only_that_source(
    team: Team, tmp_path: Path
) -> None:
    """calamine aborts the worker reading `崩溃.ods` (it asks for 2.6 GB, over the
    worker's memory cap): that source is unreadable with a plain reason, the team's
    files around it are synced, and the master is written."""
    dying = ods_with_last_cell(tmp_path / "崩溃.ods", 1048576, 52)
    master = tmp_path / "master.xlsx"
    sources = file_sources([team.folder, dying], AS_OF)
    result = sync_into(sources, [XlsxMaster(master)], tmp_path / "s.sqlite", AS_OF, lock=master)
    crashed = [s for s in result.sources if s.status == "unreadable"]
    assert [(s.path.rsplit("/", 1)[-1], s.error) for s in crashed] == [
        ("崩溃.ods", "读取时程序崩溃")
    ]
    assert {s.status for s in result.sources if s.path.startswith("team/")} == {"synced"}
    assert result.records["calls"] == sum(len(r["calls"]) for r in team.rows.values())
    assert result.exit_code() == 1
    assert master.exists()


def big_team(folder: Path, reps: int = 8, calls: int = 1500) -> None:
    """A team big enough that writing its master takes a moment (12,000 calls)."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    try:
        from bench_sync import make_big_team
    finally:
        sys.path.pop(0)
    make_big_team(folder, reps, calls)


def test_killed_while_writing_the_master_leaves_the_old_one_intact(tmp_path: Path) -> None:
    big_team(tmp_path / "team")
    master = tmp_path / "master.xlsx"
    assert (
        salesflow("sync", "--from", "team", "--as-of", AS_OF.isoformat(), cwd=tmp_path).returncode
        == 0
    )
    before = master.read_bytes()
    killed = False
    for _attempt in range(5):
        child = subprocess.Popen(
            [str(SALESFLOW), "sync", "--from", "team"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while child.poll() is None and not list(tmp_path.glob("master.xlsx.*.tmp")):
            time.sleep(0.002)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            killed = True
            break
    assert killed, "the sync always finished before it could be killed mid-write"
    assert list(tmp_path.glob("master.xlsx.*.tmp"))  # the half-written file, never renamed
    assert master.read_bytes() == before
    assert (
        openpyxl.load_workbook(master, read_only=True).sheetnames[0] == "夕会"
    )  # a past day alone: its end
    code, doc = sync_json("--from", "team", cwd=tmp_path)  # and the next sync just works
    assert code == 0 and doc["records"]["calls"] == 12000
    assert not list(tmp_path.glob("master.xlsx.*.tmp"))  # and removes the dead one's file


def test_two_syncs_started_together_do_not_corrupt_anything(team: Team, tmp_path: Path) -> None:
    args = [str(SALESFLOW), "sync", "--from", "team"]
    args += ["--as-of", AS_OF.isoformat(), "--json"]
    shutil.move(team.folder, tmp_path / "team")
    children = [
        subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outcomes = [(c.wait(timeout=120), c.stdout.read(), c.stderr.read()) for c in children]
    assert [code for code, _out, _err in outcomes] == [0, 0], outcomes
    db = sqlite3.connect(tmp_path / "master.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT COUNT(*) FROM syncs WHERE finished_at IS NOT NULL").fetchone() == (2,)
    db.close()
    assert openpyxl.load_workbook(tmp_path / "master.xlsx", read_only=True).sheetnames


def test_a_sync_that_cannot_get_the_lock_refuses_clearly(team: Team, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    with sync_lock(master):
        out = salesflow(
            "sync",
            "--from",
            str(team.folder),
            "--master",
            str(master),
            "--wait",
            "0.3",
            cwd=tmp_path,
        )
    assert out.returncode == 2
    assert "另一个同步正在进行" in out.stderr and "Traceback" not in out.stderr
    assert not master.exists()


def test_a_master_that_cannot_be_replaced_gets_a_message_not_a_traceback(
    open_dir: Path,
) -> None:
    # On Windows a master open in Excel refuses to be replaced (PermissionError); here
    # the master's folder refuses a user the same way, so the write fails with the real
    # error and the message must say what to do.
    team = build_team(open_dir / "team")
    for path in open_dir.rglob("*"):
        path.chmod(0o777)
    folder = open_dir / "office"
    folder.mkdir()
    master = folder / "master.xlsx"
    master.write_bytes(b"the manager's open master")
    lock = folder / "master.xlsx.lock"
    lock.touch()
    lock.chmod(0o666)
    folder.chmod(0o555)
    args = ["sync", "--from", str(team.folder), "--master", str(master), "--lang", "en"]
    args += ["--store", str(open_dir / "store.sqlite"), "--as-of", AS_OF.isoformat()]

    def job() -> tuple[int, str, bool]:
        out = CliRunner().invoke(main, args)
        return out.exit_code, out.stderr, isinstance(out.exception, SystemExit)

    try:
        code, stderr, clean_exit = as_nobody(job)
    finally:
        folder.chmod(0o777)
    assert (code, clean_exit) == (2, True), stderr
    assert "may be open in Excel" in stderr and "Traceback" not in stderr
    assert master.read_bytes() == b"the manager's open master"
    assert sorted(p.name for p in folder.iterdir()) == ["master.xlsx", "master.xlsx.lock"]


def test_text_that_looks_like_a_formula_stays_text(team: Team, tmp_path: Path) -> None:
    injected = {
        "customer": '=HYPERLINK("http://evil.example","点我")',
        "notes": "+86 138 0013 8000",
        "objection": "-5% 还要再降",
        "open_question": "@SUM(A1:A9)",
    }
    today = [c for c in team.rows["甲"]["calls"] if c["date"] == AS_OF]
    today[0].update(injected)
    team.write("甲")
    master = tmp_path / "master.xlsx"
    run(team.folder, master)
    wb = openpyxl.load_workbook(master)
    found = {}
    for title in ("电话记录", "客户异议"):
        for row in wb[title].iter_rows():
            for cell in row:
                if cell.value in injected.values():
                    assert cell.data_type == "s", (title, cell.coordinate, cell.value)
                    found[(title, cell.value)] = True
    assert {v for _t, v in found} == set(injected.values())
    assert {t for t, _v in found} == {"电话记录", "客户异议"}


def test_backups_keep_the_last_five_masters(team: Team, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    for n in range(7):
        team.rows["甲"]["calls"][0]["notes"] = f"第 {n} 次保存"  # each sync has news
        team.write("甲")
        run(team.folder, master)
    backups = sorted(tmp_path.glob("master.backup-*.xlsx"))
    assert len(backups) == 5
    # master n holds n sync-log rows; the backups are the masters of syncs 2 to 6
    logs = sorted(openpyxl.load_workbook(b)["同步记录"].max_row - 2 for b in backups)
    assert logs == [2, 3, 4, 5, 6]


def test_a_bug_exits_3_naming_the_file_with_the_traceback_in_the_log(
    team: Team, tmp_path: Path
) -> None:
    # A file copied from a Chinese Windows zip keeps its GBK-encoded name, which is no
    # UTF-8 text: the store cannot take it, and nothing in salesflow expects that.
    shutil.move(team.folder, tmp_path / "team")
    gbk_name = os.fsencode(tmp_path / "team") + b"/" + "李四电话".encode("gbk") + b".xlsx"
    shutil.copy(tmp_path / "team" / "甲" / "登记表.xlsx", gbk_name)
    out = salesflow("sync", "--from", "team", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert out.returncode == 3
    (line,) = out.stderr.splitlines()
    assert "master.xlsx" in line and "salesflow.log" in line and "UnicodeEncodeError" in line
    log = (tmp_path / "salesflow.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "working on: master.xlsx" in log
    assert not (tmp_path / "master.xlsx").exists()


def test_a_bug_while_reading_a_source_names_that_source(team: Team, tmp_path: Path) -> None:
    # A source whose reader was handed a text where the as-of date belongs: a real bug
    # in a caller, met inside a worker process (four sources or more read in parallel).
    for name in ("丁", "戊"):
        (team.folder / name).mkdir()
        shutil.copy(team.path("甲"), team.folder / name / "登记表.xlsx")
    sources = file_sources([team.folder], AS_OF)
    assert len(sources) == 5
    faulty = next(s for s in sources if s.path == "team/乙/登记表.xlsx")
    faulty.read = partial(read_file, team.path("乙"), team.folder, AS_OF.isoformat())
    master = tmp_path / "master.xlsx"
    with pytest.raises(FailedOn) as failed:
        sync_into(sources, [XlsxMaster(master)], tmp_path / "s.sqlite", AS_OF, lock=master)
    assert failed.value.path == "team/乙/登记表.xlsx"
    assert "AttributeError: 'str' object has no attribute 'year'" in failed.value.detail
    assert not master.exists()
    report_bug(failed.value, tmp_path, str(master), "en")
    log = (tmp_path / "salesflow.log").read_text(encoding="utf-8")
    assert "working on: team/乙/登记表.xlsx" in log and "AttributeError" in log


def test_a_master_that_cannot_be_written_does_not_stop_the_others(
    team: Team, tmp_path: Path
) -> None:
    (tmp_path / "blocker").write_text("a file where the master's folder should be")
    unreachable = XlsxMaster(tmp_path / "blocker" / "master.xlsx")
    written = XlsxMaster(tmp_path / "master.xlsx")
    sources = file_sources([team.folder], AS_OF)
    with pytest.raises(SyncFailed) as failed:
        sync_into(
            sources, [unreachable, written], tmp_path / "s.sqlite", AS_OF, "en", lock=written.path
        )
    assert failed.value.en.startswith(f"cannot create a file in {tmp_path / 'blocker'}")
    assert failed.value.zh.startswith(f"无法在 {tmp_path / 'blocker'} 创建文件")
    assert openpyxl.load_workbook(written.path, read_only=True).sheetnames[0] == "Evening meeting"
