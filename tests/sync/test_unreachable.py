"""Unreachable is not gone: a folder that cannot be listed this time, or a file that
cannot be opened, keeps its records in the registers, named in the summary; only a
file that is really gone leaves them."""

from __future__ import annotations

from pathlib import Path

from sync.summary import summary_lines

from .conftest import run
from .teams import build_team
from .test_faults import as_nobody, open_dir

__all__ = ["open_dir"]  # the fixture, used by name below


def _open_to_all(folder: Path) -> None:
    folder.chmod(0o777)
    for path in folder.rglob("*"):
        path.chmod(0o777)


def test_a_folder_that_cannot_be_listed_keeps_its_records(open_dir: Path) -> None:
    team = build_team(open_dir / "team")
    _open_to_all(open_dir)
    master = open_dir / "master.xlsx"
    first = as_nobody(lambda: run(team.folder, master).records)
    (team.folder / "乙").chmod(0o000)

    def second() -> tuple[dict[str, int], dict[str, int], list[tuple[str, str, int, str]], int]:
        result = run(team.folder, master)
        statuses = [
            (s.path, s.status, s.records, s.error or "")
            for s in result.sources
            if s.path.startswith("team/乙")
        ]
        return result.records, vars(result.changes), statuses, result.exit_code()

    records, changes, statuses, code = as_nobody(second)
    assert records == first
    assert changes == {"added": 0, "updated": 0, "removed": 0}
    by_path = {path: (status, n, error) for path, status, n, error in statuses}
    assert by_path["team/乙"][:2] == ("unreadable", 0)
    assert "无法打开" in by_path["team/乙"][2]
    status, kept, error = by_path["team/乙/登记表.xlsx"]
    assert status == "unreadable"
    assert kept == sum(len(rows) for rows in team.rows["乙"].values())
    assert "team/乙" in error and "保留" in error
    assert code == 1

    (team.folder / "乙").chmod(0o777)
    again = as_nobody(lambda: run(team.folder, master))
    assert again.records == first
    statuses_again = {s.path: s.status for s in again.sources if s.path.startswith("team/乙")}
    assert statuses_again == {"team/乙/登记表.xlsx": "synced", "team/乙": "gone"}


def test_a_file_really_deleted_is_gone(tmp_path: Path) -> None:
    team = build_team(tmp_path / "team")
    master = tmp_path / "master.xlsx"
    first = run(team.folder, master)
    team.path("乙").unlink()
    result = run(team.folder, master)
    gone = [(s.path, s.status) for s in result.sources if s.status == "gone"]
    assert gone == [("team/乙/登记表.xlsx", "gone")]
    assert result.records["calls"] == first.records["calls"] - len(team.rows["乙"]["calls"])


def test_the_summary_says_an_unreadable_source_keeps_its_records(tmp_path: Path) -> None:
    team = build_team(tmp_path / "team")
    master = tmp_path / "master.xlsx"
    run(team.folder, master)
    team.path("丙").write_bytes(b"PK\x03\x04 half saved")
    kept = sum(len(rows) for rows in team.rows["丙"].values())
    zh = [line for line, _style in summary_lines(run(team.folder, master))]
    en = [line for line, _style in summary_lines(run(team.folder, master, lang="en"))]
    assert any(
        line.startswith("  team/丙/登记表.xlsx: 无法读取")
        and line.endswith(f"（上次的 {kept} 条记录保留在总表中）")
        for line in zh
    )
    assert any(
        line.endswith(f" (its {kept} records from the last sync stay in the master)") for line in en
    )
