"""The targets a manager typed into the master are read back on the next sync; a master
whose targets sheet cannot be read is said to be so, never silently replaced."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sync.master_file import TargetsUnreadable, read_targets_xlsx

from .conftest import run
from .teams import AS_OF, Team, salesflow


def set_team_target(master: Path, header: str, value: int) -> None:
    """The manager's edit: the 全部 row's target under `header`, saved in the master."""
    wb = openpyxl.load_workbook(master)
    ws = wb["指标"]
    column = [c.value for c in ws[2]].index(header) + 1
    assert ws.cell(row=3, column=1).value == "全部"
    ws.cell(row=3, column=column).value = value
    wb.save(master)


def damage_sheet(master: Path, title: str) -> None:
    """Cut the XML of the sheet named `title` in half, the rest of the file intact (a
    master half-written by another program, or a bad copy)."""
    with zipfile.ZipFile(master) as book:
        parts = {item.filename: book.read(item) for item in book.infolist()}
    names = openpyxl.load_workbook(master, read_only=True).sheetnames
    part = f"xl/worksheets/sheet{names.index(title) + 1}.xml"
    parts[part] = parts[part][: len(parts[part]) // 2]
    with zipfile.ZipFile(master, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)


def test_targets_of_a_master_without_the_sheet_or_without_a_master_are_none(
    tmp_path: Path,
) -> None:
    assert read_targets_xlsx(tmp_path / "nowhere.xlsx") is None
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.save(other)
    assert read_targets_xlsx(other) is None


def test_a_master_that_is_not_a_workbook_is_reported(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    master.write_bytes(b"not a workbook at all")
    with pytest.raises(TargetsUnreadable) as caught:
        read_targets_xlsx(master)
    assert caught.value.zh.startswith(f"总表 {master} 的指标表无法读取（")
    assert "cannot be read" in caught.value.en and str(master) in caught.value.en


def test_a_damaged_targets_sheet_is_reported_and_the_last_targets_are_kept(
    team: Team, tmp_path: Path
) -> None:
    master = tmp_path / "master.xlsx"
    run(team.folder, master)
    set_team_target(master, "有效通话（每天）", 80)
    run(team.folder, master)  # the edit is read, used and kept in the store
    set_team_target(master, "有效通话（每天）", 70)  # an edit the damage then loses
    damage_sheet(master, "指标")
    damaged = master.read_bytes()

    with pytest.raises(TargetsUnreadable):
        read_targets_xlsx(master)
    args = ["--json", "--as-of", AS_OF.isoformat(), "--from", str(team.folder)]
    out = salesflow("sync", *args, "--master", str(master), cwd=tmp_path)
    assert out.returncode in (0, 1), out.stderr
    assert f"总表 {master} 的指标表无法读取" in out.stderr
    assert "本次沿用上次同步的指标" in out.stderr and "Traceback" not in out.stderr
    kpis = json.loads(out.stdout)["kpi"]
    used = {e["target"] for e in kpis if e["period"] == "day" and e["metric"] == "effective_calls"}
    assert used == {80}  # the last sync's targets: neither the lost 70 nor the default 100
    targets = openpyxl.load_workbook(master)["指标"]
    column = [c.value for c in targets[2]].index("有效通话（每天）") + 1
    assert targets.cell(row=3, column=column).value == 80  # the last good targets, not 100
    backups = sorted(tmp_path.glob("master.backup-*.xlsx"))
    assert any(b.read_bytes() == damaged for b in backups)  # the damaged one is kept
