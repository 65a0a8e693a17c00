"""Several offices in one store (issue 12), against SQLite and PostgreSQL (`store_at`):
an office's sync replaces only its own sources, a rep belongs to one office, a store
from before offices is migrated, and the head office's master holds every office.

The offices' folders are written here by hand — a rep's calls as a CSV, every call
effective on `AS_OF` — so every count below is counted from this fixture:

    华东  张三 3, 李四 2   (5 calls)
    华南  王五 4           (4)
    华北  孙七 1, 周八 2   (3)
    西南  吴九 6           (6)        18 in all
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import psycopg
import pytest

from sync.engine import SyncResult
from sync.master_model import MasterSheet, Table
from sync.offices import Scope
from sync.postgres_store import MIGRATIONS
from sync.run import XlsxMaster, sync_into
from sync.schema import SCHEMA
from sync.sources import file_sources
from sync.store import Location, current_records, open_store
from tests.conftest import AS_OF, SALESFLOW

CALLS = {
    "华东": {"张三": 3, "李四": 2},
    "华南": {"王五": 4},
    "华北": {"孙七": 1, "周八": 2},
    "西南": {"吴九": 6},
}
PHONE_OF = {rep: n for n, rep in enumerate(["张三", "李四", "王五", "孙七", "周八", "吴九"])}


def write_calls(folder: Path, rep: str, calls: int) -> Path:
    """`folder/rep/电话记录.csv`: `calls` effective calls on `AS_OF`, a minute apart."""
    path = folder / rep / "电话记录.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["日期,时间,客户名称,电话,有效通话"]
    for i in range(calls):
        phone = f"1380013{PHONE_OF.get(rep, 9)}{i:03d}"
        lines.append(f"{AS_OF.isoformat()},09:{i:02d},{rep}的客户{i},{phone},是")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_office(root: Path, office: str) -> Path:
    """An office's folder, `root/office`, its reps' calls as `CALLS` says."""
    for rep, calls in CALLS[office].items():
        write_calls(root / office, rep, calls)
    return root / office


def sync(
    folder: Path | None, master: Path, store: Location, scope: Scope, as_of: date = AS_OF
) -> SyncResult:
    """One sync as `salesflow sync` runs it: an office's folder, or the head office's."""
    sources = file_sources([folder], as_of) if folder else []
    return sync_into(
        sources, [XlsxMaster(master)], store, as_of, "zh", lock=master, wait=5.0, scope=scope
    )


def open_calls(store: Location) -> dict[str, int]:
    """Open calls per rep folder (`华东/张三/电话记录.csv` → 张三) in the store."""
    with open_store(store) as db:
        reps = [r.path.split("/")[1] for r in current_records(db)]
    return {rep: reps.count(rep) for rep in sorted(set(reps))}


def test_two_offices_keep_each_others_records_and_a_gone_file_is_only_its_own(
    tmp_path: Path, store_at: Location
) -> None:
    east, south = write_office(tmp_path, "华东"), write_office(tmp_path, "华南")
    sync(east, tmp_path / "east.xlsx", store_at, Scope("华东"))
    sync(south, tmp_path / "south.xlsx", store_at, Scope("华南"))
    assert open_calls(store_at) == {"张三": 3, "李四": 2, "王五": 4}

    (east / "李四" / "电话记录.csv").unlink()
    result = sync(east, tmp_path / "east.xlsx", store_at, Scope("华东"))
    assert result.office == "华东"
    assert [(s.path, s.status) for s in result.sources if s.status == "gone"] == [
        ("华东/李四/电话记录.csv", "gone")
    ]
    assert open_calls(store_at) == {"张三": 3, "王五": 4}
    again = sync(south, tmp_path / "south.xlsx", store_at, Scope("华南"))
    assert [s.status for s in again.sources] == ["unchanged"]  # nothing of 华东's is gone
    with open_store(store_at) as db:
        assert {p: s.office for p, s in db.sources().items()} == {
            "华东/张三/电话记录.csv": "华东",
            "华东/李四/电话记录.csv": "华东",
            "华南/王五/电话记录.csv": "华南",
        }
        assert list(db.sources("华南")) == ["华南/王五/电话记录.csv"]


def test_a_rep_in_a_second_office_is_a_problem_never_merged(
    tmp_path: Path, store_at: Location
) -> None:
    east, south = write_office(tmp_path, "华东"), write_office(tmp_path, "华南")
    write_calls(south, "张三", 2)  # 张三 is 华东's
    sync(east, tmp_path / "east.xlsx", store_at, Scope("华东"))
    result = sync(south, tmp_path / "south.xlsx", store_at, Scope("华南"))
    (problem,) = [p for p in result.problems if p.code == "rep.other_office"]
    assert (problem.file, problem.sheet, problem.row, problem.value) == (
        "华南/张三/电话记录.csv",
        "电话记录",
        2,
        "张三",
    )
    assert problem.message_zh.startswith("销售员 张三 属于 华东，这里是 华南：这些记录未计入")
    assert open_calls(store_at) == {"张三": 3, "李四": 2, "王五": 4}  # 华东's 3, not 5
    assert result.records["calls"] == 4  # 华南's master shows 华南's: 王五's 4
    counted = {
        (k.rep, k.actual)
        for k in result.figures.kpis
        if k.metric == "effective_calls" and k.period == "day"
    }
    assert counted == {("王五", 4)}  # nor do 张三's refused calls count in 华南's figures
    assert result.exit_code() == 1


def test_a_sync_naming_no_office_is_the_team_sheets_office(tmp_path: Path) -> None:
    east = write_office(tmp_path, "华东")
    master, store = tmp_path / "east.xlsx", tmp_path / "store.sqlite"
    first = sync(east, master, store, Scope())
    assert first.office == ""  # no team sheet yet: one office, as before offices
    book = openpyxl.load_workbook(master)
    team = book["团队"]
    top = next(r for r in range(1, team.max_row + 1) if team.cell(r, 1).value == "姓名")
    header = [c.value for c in team[top]]
    column = header.index("办公室/区域") + 1
    for row in range(top + 1, team.max_row + 1):
        if team.cell(row, 1).value:
            team.cell(row, column, "华东")
    book.save(master)
    second = sync(east, master, store, Scope())
    assert second.office == "华东"
    assert [s.status for s in second.sources] == ["unchanged", "unchanged"]
    with open_store(store) as db:
        assert {s.office for s in db.sources().values()} == {""}  # taken over as they are
    assert open_calls(store) == {"张三": 3, "李四": 2}


def old_store(store_at: Location) -> None:
    """A store as salesflow made it before offices (schema version 1), holding one
    source with one call."""
    rows = [
        "INSERT INTO syncs (id, started_at, as_of) VALUES (1, '2026-11-25T08:00', '2026-11-25')",
        "INSERT INTO sources (path, kind, content_hash, parsed_as_of, as_of_dependent, state,"
        " first_sync, last_sync) VALUES ('team/张三/calls.csv', 'file', 'h', '2026-11-25', 0,"
        " 'present', 1, 1)",
        "INSERT INTO versions (id, register, natural_key, rep, customer, data, data_hash,"
        " source_path, sheet, row_no, first_sync) VALUES (1, 'calls', 'k', '张三', '',"
        ' \'{"rep": "张三"}\','
        " 'x', 'team/张三/calls.csv', 'calls', 2, 1)",
    ]
    if isinstance(store_at, Path):
        with sqlite3.connect(store_at) as db:
            db.executescript(SCHEMA)  # the SQLite store before it kept schema versions
            for statement in rows:
                db.execute(statement)
        return
    with psycopg.connect(store_at, autocommit=True) as conn:
        conn.execute(MIGRATIONS[1])
        conn.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        conn.execute("INSERT INTO schema_version VALUES (1, '2026-11-25T08:00:00')")
        for statement in rows:
            conn.execute(statement)


def test_a_store_from_before_offices_is_migrated_to_the_office_of_none(
    store_at: Location,
) -> None:
    old_store(store_at)
    with open_store(store_at) as store:
        assert list(store.schema_versions()) == [1, 2, 3, 4]
        assert {p: (s.office, s.state) for p, s in store.sources().items()} == {
            "team/张三/calls.csv": ("", "present")
        }
        assert [r.key for r in current_records(store)] == ["k"]
        assert list(store.sources("华东")) == []


def start_office(folder: Path, office: str, store: Location) -> subprocess.Popen[str]:
    """`salesflow sync --office` in its own process, the store named by `SALESFLOW_STORE`."""
    master = folder.parent / f"{office}.xlsx"
    args = ["--from", str(folder), "--master", str(master), "--as-of", AS_OF.isoformat()]
    return subprocess.Popen(
        [str(SALESFLOW), "sync", *args, "--office", office, "--json"],
        cwd=folder.parent,
        env={**os.environ, "SALESFLOW_STORE": str(store)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sheet(sheets: list[MasterSheet], key: str) -> MasterSheet:
    return next(s for s in sheets if s.key == key)


def titled(sheet: MasterSheet, title: str) -> Table:
    return next(t for t in sheet.tables if t.title == title)


RANKING = "办公室排名（团队合计，按有效通话）"


def column(table: Table, header: str) -> list[object]:
    at = table.header.index(header)
    return [row[at] for row in table.rows]


def test_four_offices_at_once_then_the_head_office_holds_every_office(
    tmp_path: Path, store_at: Location
) -> None:
    syncs = [start_office(write_office(tmp_path, o), o, store_at) for o in CALLS]
    for process in syncs:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert json.loads(out)["office"] in CALLS
    hq = tmp_path / "hq" / "hq.xlsx"
    hq.parent.mkdir()
    result = sync(None, hq, store_at, Scope(head_office=True))
    assert (result.office, result.offices) == (None, ["华东", "华北", "华南", "西南"])
    assert result.records["calls"] == 18
    assert result.exit_code() == 0
    calls = sheet(result.sheets, "calls").tables[0]
    offices = column(calls, "办公室/区域")
    assert {o: offices.count(o) for o in CALLS} == {"华东": 5, "华南": 4, "华北": 3, "西南": 6}
    kpis = sheet(result.sheets, "kpis").tables[0]
    assert dict(zip(column(kpis, "销售员"), column(kpis, "办公室/区域"), strict=True)) == {
        "张三": "华东",
        "李四": "华东",
        "王五": "华南",
        "孙七": "华北",
        "周八": "华北",
        "吴九": "西南",
    }
    evening = titled(sheet(result.sheets, "evening"), RANKING)  # the day's: every call today
    assert [row[:5] for row in evening.rows] == [
        [1, "西南", 1, 6, 100],  # 100 effective calls a rep a day
        [2, "华东", 2, 5, 200],
        [3, "华南", 1, 4, 100],
        [4, "华北", 2, 3, 200],
    ]
    morning = titled(sheet(result.sheets, "morning"), RANKING)  # the day before: no calls
    assert [row[:4] for row in morning.rows] == [
        [1, "华东", 2, 0],
        [1, "华北", 2, 0],
        [1, "华南", 1, 0],
        [1, "西南", 1, 0],
    ]
    book = openpyxl.load_workbook(hq, read_only=True)
    title, header, *written = [row[0] for row in book["电话记录"].iter_rows(values_only=True)]
    assert str(title).startswith("本月 2026-11-01 至 2026-11-30，共 18 行")  # the window's
    assert header == "办公室/区域" and sorted(written) == sorted(
        ["华东"] * 5 + ["华南"] * 4 + ["华北"] * 3 + ["西南"] * 6
    )


def test_an_offices_own_master_has_no_office_column(tmp_path: Path, store_at: Location) -> None:
    result = sync(write_office(tmp_path, "华北"), tmp_path / "n.xlsx", store_at, Scope("华北"))
    assert "办公室/区域" not in sheet(result.sheets, "calls").tables[0].header
    assert RANKING not in [t.title for t in sheet(result.sheets, "evening").tables]
    assert result.offices == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "team"], "leave out --from"),
        (["--office", "华东"], "leave out --office"),
        ([], "name it with --store"),
    ],
)
def test_all_offices_stands_alone(tmp_path: Path, args: list[str], says: str) -> None:
    (tmp_path / "team").mkdir()
    done = subprocess.run(
        [str(SALESFLOW), "sync", "--all-offices", "--master", "hq.xlsx", *args],
        cwd=tmp_path,
        env={
            k: v for k, v in os.environ.items() if k not in ("SALESFLOW_STORE", "SALESFLOW_OFFICE")
        },
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert says in done.stderr


def test_the_head_office_command_prints_every_office(tmp_path: Path, store_at: Location) -> None:
    for office in ("华东", "西南"):
        sync(write_office(tmp_path, office), tmp_path / f"{office}.xlsx", store_at, Scope(office))
    args = ["--master", "hq.xlsx", "--json", "--store", str(store_at), "--as-of", AS_OF.isoformat()]
    done = subprocess.run(
        [str(SALESFLOW), "sync", "--all-offices", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert (document["office"], document["offices"]) == (None, ["华东", "西南"])
    assert document["records"]["calls"] == 11
    assert document["sources"] == []


def test_a_path_another_office_holds_is_left_to_it_and_said(
    tmp_path: Path, store_at: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two offices each syncing `team/` from their own machine: 华南's `team/张三/…`
    has the path of 华东's file, so 华南's sync leaves it alone, says so, and takes
    nothing of 华东's; 华南's other files are read."""
    east, south = tmp_path / "east", tmp_path / "south"
    write_calls(east / "team", "张三", 3)
    write_calls(south / "team", "张三", 2)  # another 张三, or the same folder layout
    write_calls(south / "team", "王五", 4)
    monkeypatch.chdir(east)
    sync(Path("team"), east / "master.xlsx", store_at, Scope("华东"))
    monkeypatch.chdir(south)
    result = sync(Path("team"), south / "master.xlsx", store_at, Scope("华南"))
    (refused,) = [s for s in result.sources if s.status == "unreadable"]
    assert refused.path == "team/张三/电话记录.csv" and refused.records == 0
    assert "华东 已有一个路径相同的文件" in (refused.error or "")
    assert result.records["calls"] == 4 and result.exit_code() == 1  # 王五's, said
    with open_store(store_at) as db:
        assert {p: s.office for p, s in db.sources().items()} == {
            "team/张三/电话记录.csv": "华东",
            "team/王五/电话记录.csv": "华南",
        }
    monkeypatch.chdir(east)
    again = sync(Path("team"), east / "master.xlsx", store_at, Scope("华东"))
    assert [s.status for s in again.sources] == ["unchanged"] and again.records["calls"] == 3


def test_the_head_office_finds_the_copies_an_office_made_since_it_last_looked(
    tmp_path: Path, store_at: Location
) -> None:
    """A sync looks again only at the data copied at the sync before and the data it
    changed, when it made that sync itself (`current.found_copies`); the head office,
    which reads nothing, finds every copy an office's sync made in between."""
    east, hq = write_office(tmp_path, "华东"), tmp_path / "hq.xlsx"
    sync(east, tmp_path / "east.xlsx", store_at, Scope("华东"))
    assert sync(None, hq, store_at, Scope(head_office=True)).duplicates == []
    lines = (east / "张三" / "电话记录.csv").read_text(encoding="utf-8").splitlines()
    copied = [f"{line},{'销售员' if n == 0 else '张三'}" for n, line in enumerate(lines)]
    (east / "张三" / "电话记录 副本.csv").write_text("\n".join(copied), encoding="utf-8")
    assert len(sync(east, tmp_path / "east.xlsx", store_at, Scope("华东")).duplicates) == 3
    found = sync(None, hq, store_at, Scope(head_office=True)).duplicates
    # the first by path wins: "电话记录 副本.csv" sorts before "电话记录.csv"
    assert sorted((d.file, d.row) for d in found) == [
        ("华东/张三/电话记录.csv", r) for r in (2, 3, 4)
    ]
