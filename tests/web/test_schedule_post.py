"""`salesflow serve --notify-at`: the board posts the meeting to the group chat at the
times given, from a sync run for that moment, through the same robot code as
`salesflow notify` — here to a loopback WeCom robot.

The team is `serving`'s hand-worked one (Thursday 16:00: 丁 100, 乙 85, 甲 60, 丙 30), so
the post's ranking is known by hand. The time asked for is a whole minute 20–80 s away, so
the test waits 20–80 s for it: the schedule runs on the real clock.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from tests.conftest import salesflow
from tests.notify.receiver import receiver

from .serving import serve, write_team

KEY = "9f1c4e7a-scheduled-key"


def test_the_board_posts_the_meeting_at_the_time_asked(tmp_path: Path) -> None:
    folder = write_team(tmp_path)
    # a whole minute 20–80 s away: time enough for the board to start and sync first
    due = (datetime.now() + timedelta(seconds=80)).strftime("%H:%M")
    with receiver({"errcode": 0, "errmsg": "ok"}) as robot:
        hook = robot.url(f"/cgi-bin/webhook/send?key={KEY}")
        with serve(folder, "--notify-at", due, "--webhook", hook) as served:
            deadline = time.monotonic() + 150
            while not robot.received and time.monotonic() < deadline:
                time.sleep(0.5)
            assert robot.received, "".join(served.output)
            time.sleep(0.5)  # the console line follows the post
        [post] = robot.received
    lines = post.body["markdown"]["content"].split("\n")
    assert lines[1:6] == [
        "**PK · 有效通话**",
        "🥇 丁 100/100",
        "🥈 乙 85/100",
        "🥉 甲 60/100",
        "4. 丙 30/100",
    ]
    assert post.query == {"key": KEY}


def test_a_schedule_needs_a_robot_and_clock_times(tmp_path: Path) -> None:
    write_team(tmp_path)
    base = ["serve", "--from", "team", "--master", "master.xlsx"]
    no_robot = salesflow(*base, "--notify-at", "08:45", cwd=tmp_path)
    assert no_robot.returncode == 2 and "--webhook" in no_robot.stderr
    hook = "http://127.0.0.1:9/cgi-bin/webhook/send?key=K"
    bad = salesflow(*base, "--notify-at", "8點45", "--webhook", hook, cwd=tmp_path)
    assert bad.returncode == 2 and "8點45" in bad.stderr
    assert not (tmp_path / "master.xlsx").exists()  # refused before anything was made
