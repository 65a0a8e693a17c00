"""The master is replaced safely: never under a user who has it open in Excel, never
with a wider file mode, and never read back as a source (its content marker)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from .teams import AS_OF, build_team, salesflow

DAY = ("--as-of", AS_OF.isoformat())


def test_a_master_open_in_excel_is_not_replaced(tmp_path: Path) -> None:
    team = build_team(tmp_path / "team")
    assert salesflow("sync", "--from", "team", *DAY, cwd=tmp_path).returncode == 0
    master = tmp_path / "master.xlsx"
    before = master.read_bytes()
    (tmp_path / "~$master.xlsx").write_bytes(b"\x06Manager" + b" " * 155)
    kept = salesflow("sync", "--from", "team", *DAY, cwd=tmp_path)
    assert kept.returncode == 0  # nothing new: the open master needs no writing
    assert "总表: 没有新变化" in kept.stdout
    team.rows["甲"]["calls"][0]["notes"] = "改过"  # a rep saves: news the master lacks
    team.write("甲")
    out = salesflow("sync", "--from", "team", *DAY, cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "正在 Excel 中打开" in out.stderr and "~$master.xlsx" in out.stderr
    assert "删除" in out.stderr  # a stale owner file: the way out is said
    assert master.read_bytes() == before
    assert not list(tmp_path.glob("master.backup-*"))


def test_the_master_keeps_its_file_mode(tmp_path: Path) -> None:
    team = build_team(tmp_path / "team")
    assert salesflow("sync", "--from", "team", *DAY, cwd=tmp_path).returncode == 0
    master = tmp_path / "master.xlsx"
    master.chmod(0o440)
    team.rows["甲"]["calls"][0]["notes"] = "改过"  # each sync has news to write
    team.write("甲")
    assert salesflow("sync", "--from", "team", *DAY, cwd=tmp_path).returncode == 0
    assert stat.S_IMODE(master.stat().st_mode) == 0o440
    master.chmod(0o664)
    team.rows["甲"]["calls"][0]["notes"] = "又改过"
    team.write("甲")
    assert salesflow("sync", "--from", "team", *DAY, cwd=tmp_path).returncode == 0
    assert stat.S_IMODE(master.stat().st_mode) == 0o664


def test_a_master_kept_in_the_team_folder_is_never_a_source(tmp_path: Path) -> None:
    """Moved and renamed, the master is still known by its marker: check passes it
    over, and a sync of the folder reads only the reps' files."""
    build_team(tmp_path / "team")
    assert salesflow("sync", "--from", "team", *DAY, cwd=tmp_path).returncode == 0
    (tmp_path / "master.xlsx").rename(tmp_path / "team" / "11月汇总.xlsx")
    out = salesflow("check", "team", "--json", *DAY, cwd=tmp_path)
    files = [f["path"] for f in json.loads(out.stdout)["files"]]
    assert sorted(files) == ["team/丙/登记表.xlsx", "team/乙/登记表.xlsx", "team/甲/登记表.xlsx"]
