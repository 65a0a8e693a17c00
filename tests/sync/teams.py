"""Team folders for the sync tests: real workbooks on disk, with the rows kept in memory
so a test can recompute what the master must say straight from what was typed."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
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


def write_effective_calls(
    folder: Path, typed: Mapping[str, Sequence[int]], days: Sequence[date]
) -> None:
    """A hand-worked meeting's team: `folder/REP/登记表.xlsx` per rep, holding for each
    of `days` the number of effective calls `typed[rep]` gives (no WeChat adds), from
    09:00 a minute apart, each to its own customer and phone."""
    for n, (rep, counts) in enumerate(typed.items(), start=3):
        rows = [
            {
                "date": day,
                "time": time(9 + i // 60, i % 60),
                "customer": f"客户{i}",
                "phone": f"13{n}{day.day:02d}{i:06d}",
                "effective": "是",
                "wechat_added": "否",
            }
            for day, count in zip(days, counts, strict=True)
            for i in range(count)
        ]
        write_workbook(folder / rep / "登记表.xlsx", [("电话记录", "calls", rows, "zh")])
