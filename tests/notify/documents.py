"""Meeting documents as `sync --json`'s `meeting` lays them out, written by hand: a
small evening meeting, and a team big enough that no platform takes it in one message."""

from __future__ import annotations

from typing import Any

EVENING: dict[str, Any] = {
    "kind": "evening",
    "day": "2026-11-26",
    "at": "18:00",
    "ranking": [
        {
            "rep": "丙",
            "metric": "effective_calls",
            "actual": 100,
            "target": 100,
            "rank": 1,
            "change": "=",
        },
        {
            "rep": "乙",
            "metric": "effective_calls",
            "actual": 80,
            "target": 100,
            "rank": 2,
            "change": "↑",
        },
        {
            "rep": "甲",
            "metric": "effective_calls",
            "actual": 20,
            "target": 100,
            "rank": 3,
            "change": "↓",
        },
    ],
    "praise": [{"rep": "丙", "metric": "effective_calls", "actual": 100, "target": 100}],
    "shortfalls": [
        {"rep": "甲", "metric": "effective_calls", "actual": 20, "expected": 100, "gap": 80},
        {"rep": "乙", "metric": "effective_calls", "actual": 80, "expected": 100, "gap": 20},
    ],
    "health": {"unreadable": 0, "problems": 2, "reps_without_data": ["丁"], "unknown_reps": []},
    "follow_ups": 1,
}
"""丙 met the 100 effective calls; 甲 is 80 and 乙 20 short; 丁 typed nothing today."""

EVENING_ZH = """夕会 · 2026-11-26（周四）截至 18:00
**PK · 有效通话**
🥇 丙 100/100 =
🥈 乙 80/100 ↑
🥉 甲 20/100 ↓
**表扬**
- 丙：有效通话 100（目标 100）
**未达标**
- 甲：有效通话 差 80（应完成 100，实际 20）
- 乙：有效通话 差 20（应完成 100，实际 80）
**数据健康**
- 无法读取的文件 0 · 数据问题 2 · 今天先联系谁 1
- 当天无数据: 丁"""

EVENING_EN_TITLE = "Evening meeting · 2026-11-26 (Thu) up to 18:00"


def big_team(reps: int) -> dict[str, Any]:
    """`reps` reps ranked on effective calls (rep i made 500 − i), every one of them
    short of the 600 due: one ranking line and one shortfall line each."""
    names = [f"销售员{i:04d}" for i in range(reps)]
    return {
        "kind": "evening",
        "day": "2026-11-26",
        "at": "18:00",
        "ranking": [
            {
                "rep": n,
                "metric": "effective_calls",
                "actual": 500 - i,
                "target": 600,
                "rank": i + 1,
                "change": None,
            }
            for i, n in enumerate(names)
        ],
        "praise": [],
        "shortfalls": [
            {
                "rep": n,
                "metric": "effective_calls",
                "actual": 500 - i,
                "expected": 600,
                "gap": 100 + i,
            }
            for i, n in enumerate(names)
        ],
        "health": {"unreadable": 0, "problems": 0, "reps_without_data": [], "unknown_reps": []},
        "follow_ups": 0,
    }
