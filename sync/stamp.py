"""What the master shows, as a stamp: a sync that would write the same master again
leaves the file as it is (`engine.run_sync`'s `shown`, `master_xlsx.STAMP_PROPERTY`).

A refresh with nothing new must cost next to nothing (issue 12): the stamp names what
the registers are as of (the last sync that changed a source), everything else the
sheets are made of, and the salesflow that made them.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

from sheets_templates import targets as target_sheet

from .errors import Bilingual
from .master_model import MasterInput


def code_stamp() -> str:
    """The salesflow that makes the master, as a hash of its source (the domain and the
    sync): after an upgrade, or any change to how it is made, the master is written
    again though the registers did not change (`stamp_of`)."""
    made = hashlib.sha256()
    for package in (Path(target_sheet.__file__).parent, Path(__file__).parent):
        for path in sorted(package.rglob("*.py")):
            made.update(path.read_bytes())
    return made.hexdigest()


CODE_STAMP = code_stamp()
"""`code_stamp`, once: read when salesflow is loaded, before any sync."""
LAST_CHANGE_SETTING = "last_change"
"""The id of the last sync that read a source or found one gone or unreachable, of
any office: what the registers are as of (`stamp_of`)."""


def stamp_of(changed: Any, master: MasterInput, notices: list[Bilingual]) -> str:
    """A stamp of what the master shows: the last sync that changed any source (read
    one, found one gone or unreachable: `LAST_CHANGE_SETTING`), and everything else
    the sheets are made of but the registers — the day, the language, the window, the
    targets, the team, the figures, the meeting (not its clock time: the evening's pace
    is in its standings) and the problems — with the salesflow that made them
    (`CODE_STAMP`).

    The same stamp twice means a sync would write the same master again (but its
    synced-at time and sync log), so a refresh with nothing new leaves it alone."""
    meeting = replace(master.meeting, at=time(0)) if master.meeting else None
    # the targets as shown (the targets rows, the KPIs), not as typed (an empty rep row)
    figures = replace(master.figures, targets=target_sheet.DEFAULT_TARGETS)
    said = [(n.zh, n.en) for n in notices]
    parts = (
        CODE_STAMP,
        changed,
        master.as_of,
        master.lang,
        master.window,
        master.targets_header,
        master.targets_rows,
        master.team_rows,
        figures,
        meeting,
        master.problems,
        master.duplicates,
        master.unreadable,
        master.offices,
        said,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()
