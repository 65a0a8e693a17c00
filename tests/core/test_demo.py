"""The demo team end to end: every mistake `make_team` plants is reported exactly where it
was planted, and nothing else is — an honest check of the generator and the reader."""

from __future__ import annotations

from pathlib import Path

from sync.demo import make_team

from .helpers import AS_OF, check_json, salesflow


def test_every_planted_mistake_is_found_and_nothing_else(tmp_path: Path) -> None:
    team = make_team(tmp_path / "team", AS_OF)
    code, doc = check_json("team", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert code == 1
    found = {
        (f["path"].removeprefix("team/"), s["name"], i["row"], i["column"] or "", i["code"])
        for f in doc["files"]
        for s in f["sheets"]
        for i in s["issues"]
    }
    planted = {(p.file, p.sheet, p.row, p.column, p.code) for p in team.planted}
    assert found == planted
    unreadable = [f["path"].removeprefix("team/") for f in doc["files"] if f["status"] != "ok"]
    assert unreadable == team.unreadable
    paths = [f["path"] for f in doc["files"]]
    assert not any("~$" in p for p in paths)
    every = [s for f in doc["files"] for s in f["sheets"]]
    assert all(s["kind"] for s in every), "every demo sheet is a register"
    assert all(s["rows"] > 0 for s in every)


def test_the_demo_command(tmp_path: Path) -> None:
    done = salesflow("demo", "out", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "team" / "张三.xlsx").exists()
    assert "示例团队已写入" in done.stdout
    assert "[phone.invalid]" in done.stdout and "无法读取" in done.stdout


def test_the_demo_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    """`salesflow demo .` in a manager's folder writes nothing there; the demo's own
    folder (marked when made) can be made again."""
    real = tmp_path / "office"
    (real / "team").mkdir(parents=True)
    (real / "team" / "王磊.csv").write_text("日期,电话\n", encoding="utf-8")
    refused = salesflow("demo", ".", "--as-of", AS_OF.isoformat(), cwd=real)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr and "不是空文件夹" in refused.stderr
    assert sorted(p.name for p in real.rglob("*")) == ["team", "王磊.csv"]

    for _ in range(2):
        again = salesflow("demo", "demo", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
        assert again.returncode == 0, again.stderr
    assert (tmp_path / "demo" / "master.xlsx").exists()
