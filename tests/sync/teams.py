"""Team folders for the sync tests: real workbooks on disk, with the rows kept in memory
so a test can recompute what the master must say straight from what was typed."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sync.demo import (
    _workdays,
    call_rows,
    lead_rows,
    shipment_rows,
    visit_rows,
    write_workbook,
)
from tests.conftest import AS_OF, salesflow

REPS = ("甲", "乙", "丙")


@dataclass
class Team:
    """A folder per rep, one workbook each; `rows[rep][register]` as written."""

    folder: Path
    rows: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)

    def path(self, rep: str) -> Path:
        return self.folder / rep / "登记表.xlsx"

    def write(self, rep: str) -> Path:
        """(Re)write a rep's workbook from `rows` (as the rep saves it in Excel)."""
        sheets = [
            (name, register, rows, "zh")
            for name, register in (
                ("电话记录", "calls"),
                ("拜访记录", "visits"),
                ("意向客户", "leads"),
                ("发货", "shipments"),
            )
            if (rows := self.rows[rep].get(register))
        ]
        write_workbook(self.path(rep), sheets)
        return self.path(rep)


def build_team(folder: Path, as_of: date = AS_OF, seed: int = 11) -> Team:
    """Three reps over 20 working days; 甲 has a strong day on `as_of` (targets met)."""
    rng = random.Random(seed)
    days = _workdays(as_of, 20)
    team = Team(folder)
    for n, rep in enumerate(REPS):
        calls = call_rows(rng, rep, days[:-1], 12)
        today = call_rows(rng, rep, [as_of], 110 if n == 0 else 20)
        if n == 0:
            for i, row in enumerate(today):
                row["effective"] = "是"
                row["wechat_added"] = "是" if i < 35 else "否"
        for row in calls + today:
            row.pop("rep")  # the folder names the rep
        leads = lead_rows(rng, rep, days, 8)
        for row in leads:
            row.pop("rep")
        visits = visit_rows(rng, rep, days[-6:])
        for row in visits:
            row.pop("rep")
        team.rows[rep] = {
            "calls": calls + today,
            "visits": visits,
            "leads": leads,
            "shipments": shipment_rows(rng, rep, days, 6),
        }
        team.write(rep)
    return team


def sync_json(*args: str, cwd: Path) -> tuple[int, dict[str, Any]]:
    out = salesflow("sync", "--json", "--as-of", AS_OF.isoformat(), *args, cwd=cwd)
    assert out.stdout, out.stderr
    return out.returncode, json.loads(out.stdout)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
