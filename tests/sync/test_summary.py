"""The terminal summary of `salesflow sync`: one line per fact, English that reads as
English ("1 sheet", "2 sheets")."""

from __future__ import annotations

from pathlib import Path

from .teams import AS_OF, salesflow

HEADER = "日期,销售员,客户名称,电话,有效通话,通话结果\n"
CALL = "2026-11-26,张三,华信科技,13800138000,是,有意向\n"


def _summary(tmp_path: Path, files: int) -> list[str]:
    (tmp_path / "team").mkdir()
    for n in range(files):
        (tmp_path / "team" / f"张三{n}.csv").write_text(HEADER + CALL, encoding="utf-8")
    out = salesflow(
        "sync", "--from", "team", "--lang", "en", "--as-of", AS_OF.isoformat(), cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no progress bar off a terminal
    return out.stdout.splitlines()


def test_one_sheet_reads_as_one(tmp_path: Path) -> None:
    lines = _summary(tmp_path, 1)
    assert lines[0] == ("Sources: 1 sheet — synced 1, unchanged 0, skipped 0, unreadable 0, gone 0")
    assert "Changes: added 1, updated 0, removed 0" in lines
    assert lines[-1] == "Master: master.xlsx"


def test_two_sheets_read_as_many(tmp_path: Path) -> None:
    lines = _summary(tmp_path, 2)
    assert lines[0] == (
        "Sources: 2 sheets — synced 2, unchanged 0, skipped 0, unreadable 0, gone 0"
    )
    # the same call in two files is one record, the second copy a duplicate
    assert "Changes: added 1, updated 0, removed 0" in lines
