"""Every kind of file salesflow writes, written once per session by the real commands
(`salesflow sync`, `salesflow export`, `salesflow templates`, `salesflow mark`), and the npm readers
installed when missing. A missing tool fails these tests: nothing is skipped."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from sheets_templates.templates import rep_template
from sync.templates_xlsx import write_rep_workbook
from tests.sync.teams import AS_OF, build_team, salesflow

HERE = Path(__file__).parent

FORMULA_LIKE = ("=SUM(A1:A3)", "+86 138 0000 0000", "-5% 折扣", "@张三")
"""Notes a rep typed that a spreadsheet would take for formulas: they must stay text."""


@dataclass(frozen=True)
class Written:
    """The files of each kind; `folder` holds them (and the team they came from)."""

    folder: Path
    files: dict[str, Path]


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """SheetJS and ExcelJS as pinned in package-lock.json (`npm ci` when missing)."""
    modules = HERE / "node_modules"
    if not (modules / "xlsx").is_dir() or not (modules / "exceljs").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=600)
    return modules


@pytest.fixture(scope="session")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    folder = tmp_path_factory.mktemp("written")
    team = build_team(folder / "team")
    # on the last calls, so that the master's window (this month) shows them too
    for row, note in zip(reversed(team.rows["甲"]["calls"]), FORMULA_LIKE, strict=False):
        row["notes"] = note
    team.write("甲")
    done = salesflow("sync", "--from", "team", "--as-of", AS_OF.isoformat(), cwd=folder)
    assert done.returncode == 0, done.stderr
    done = salesflow("export", "--as-of", AS_OF.isoformat(), "export.xlsx", cwd=folder)
    assert done.returncode == 0, done.stderr
    done = salesflow("templates", "templates", cwd=folder)
    assert done.returncode == 0, done.stderr
    # a rep's filled template (formulas, a table, validations) with two problems in it:
    # a phone that is no phone, typed like a formula, and a call without its customer
    calls = [dict(row) for row in team.rows["甲"]["calls"][:6]]
    calls[1]["phone"] = "+86 abc"
    calls[2]["customer"] = ""
    rep = write_rep_workbook(
        folder / "rep" / "甲.xlsx", rep_template("zh"), {"calls": calls}, {"rep": "甲"}
    )
    done = salesflow("mark", str(rep), "--as-of", AS_OF.isoformat(), cwd=folder)
    assert done.returncode == 1, done.stderr  # 1: problems were found and marked
    return Written(
        folder,
        {
            "master": folder / "master.xlsx",
            "export": folder / "export.xlsx",
            "rep template": folder / "templates" / "销售登记模板.xlsx",
            "master template": folder / "templates" / "salesflow_master.xlsm",
            "marked copy": folder / "rep" / "甲.marked.xlsx",
        },
    )
