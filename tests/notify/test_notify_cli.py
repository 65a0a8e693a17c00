"""`salesflow notify` end to end, as a user runs it: a hand-worked team synced with
`salesflow sync`, then its meeting posted to a loopback robot.

Effective calls typed (DESIGN's default target: 100 a day):
            Wed 11-25   Thu 11-26
    甲         120          20
    乙          70          80
    丙         100         100
    丁          30           —

18:00 Thursday, the evening meeting ranks Thursday: 丙 100 (1st, was 2nd on Wednesday:
↑), 乙 80 (2nd, was 3rd: ↑), 甲 20 (3rd, was 1st: ↓); 丙 is praised; 甲 is 80 and 乙 20
short of the 100 due; 丁 has no data. The morning meeting reviews Wednesday in full:
甲 120, 丙 100, 乙 70, 丁 30, with no change shown (nobody typed anything on Tuesday).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from sync.last_meeting import last_meetings
from sync.store import open_store
from tests.conftest import salesflow
from tests.sync.teams import write_effective_calls

from .receiver import receiver

WED, THU = date(2026, 11, 25), date(2026, 11, 26)
TYPED = {"甲": (120, 20), "乙": (70, 80), "丙": (100, 100), "丁": (30, 0)}
KEY = "0b5c7e2d-real-looking-key"
Cli = Callable[..., CompletedProcess[str]]


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The team's folder, synced at 18:00 on Thursday into master.xlsx."""
    root = tmp_path_factory.mktemp("notify")
    write_effective_calls(root / "team", TYPED, (WED, THU))
    done = salesflow(
        "sync",
        "--from",
        "team",
        "--master",
        "master.xlsx",
        "--as-of",
        "2026-11-26T18:00",
        "--json",
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    (root / "sync.json").write_text(done.stdout, encoding="utf-8")
    return root


def test_the_sync_keeps_both_meetings_in_its_store(synced: Path) -> None:
    with open_store(synced / "master.sqlite") as store:
        kept = last_meetings(store)
    assert kept is not None
    assert (kept["kind"], kept["as_of"]) == ("evening", "2026-11-26")
    assert date.fromisoformat(kept["synced_at"][:10]) == date.today()  # when it ran
    printed = json.loads((synced / "sync.json").read_text(encoding="utf-8"))["meeting"]
    assert kept["evening"] == printed
    assert (kept["morning"]["kind"], kept["morning"]["day"]) == ("morning", "2026-11-25")


def test_notify_posts_the_evening_meeting(synced: Path, cli: Cli) -> None:
    with receiver({"errcode": 0, "errmsg": "ok"}) as robot:
        done = cli("notify", "--webhook", robot.url(f"/cgi-bin/webhook/send?key={KEY}"), cwd=synced)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "夕会已发到企业微信群（1 条消息）"
    [got] = robot.received
    lines = got.body["markdown"]["content"].split("\n")
    assert lines[:5] == [
        "夕会 · 2026-11-26（周四）截至 18:00",
        "**PK · 有效通话**",
        "🥇 丙 100/100 ↑",
        "🥈 乙 80/100 ↑",
        "🥉 甲 20/100 ↓",
    ]
    assert "- 丙：有效通话 100（目标 100）" in lines
    assert "- 甲：有效通话 差 80（应完成 100，实际 20）" in lines
    assert "- 乙：有效通话 差 20（应完成 100，实际 80）" in lines
    assert "- 当天无数据: 丁" in lines
    assert KEY not in done.stdout + done.stderr


def test_notify_posts_the_other_meeting_in_english_signed(synced: Path, cli: Cli) -> None:
    with receiver({"code": 0, "msg": "success", "data": {}}) as robot:
        robot.script = [(500, {})]  # the first try fails; notify tries again
        done = cli(
            "notify",
            "--webhook",
            robot.url("/open-apis/bot/v2/hook/abc-hook-id"),
            "--secret",
            "s3cret",
            "--meeting",
            "morning",
            "--lang",
            "en",
            "--top",
            "2",
            cwd=synced,
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Morning meeting posted to the Feishu group (1 message)"
    assert len(robot.received) == 2
    body = robot.received[1].body
    assert body["sign"] and body["timestamp"]
    lines = body["card"]["elements"][0]["content"].split("\n")
    assert lines[:4] == [
        "Morning meeting · 2026-11-25 (Wed), the full day",
        "**PK · Effective calls**",
        "🥇 甲 120/100",
        "🥈 丙 100/100",
    ]  # --top 2: 乙 and 丁 are not ranked aloud
    assert "🥉 乙 70/100" not in lines


def test_a_refused_post_exits_2_in_plain_words_without_the_key(synced: Path, cli: Cli) -> None:
    with receiver({"errcode": 93000, "errmsg": "invalid webhook url, hint: [x]"}) as robot:
        done = cli("notify", "--webhook", robot.url(f"/cgi-bin/webhook/send?key={KEY}"), cwd=synced)
    assert done.returncode == 2
    assert "企业微信机器人地址无效" in done.stderr
    assert KEY not in done.stdout + done.stderr


def test_an_unknown_platform_exits_2_and_names_kind(synced: Path, cli: Cli) -> None:
    done = cli("notify", "--webhook", f"https://gw.corp.local/hook?access_token={KEY}", cwd=synced)
    assert done.returncode == 2
    assert "--kind" in done.stderr and KEY not in done.stderr


def test_before_any_sync_notify_says_to_sync_first(tmp_path: Path, cli: Cli) -> None:
    done = cli(
        "notify",
        "--webhook",
        f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}",
        "--lang",
        "en",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "holds no sync yet: run salesflow sync --master master.xlsx first" in done.stderr
    assert not (tmp_path / "master.sqlite").exists()  # notify never makes a store


def test_notify_reads_the_store_named_by_store(synced: Path, cli: Cli, tmp_path: Path) -> None:
    elsewhere = tmp_path / "kept.sqlite"
    elsewhere.write_bytes((synced / "master.sqlite").read_bytes())
    with receiver({"errcode": 0, "errmsg": "ok"}) as robot:
        done = cli(
            "notify",
            "--master",
            "nowhere.xlsx",
            "--store",
            str(elsewhere),
            "--webhook",
            robot.url(f"/robot/send?access_token={KEY}"),
            cwd=tmp_path,
        )
    assert done.returncode == 0, done.stderr
    assert robot.received[0].body["markdown"]["title"] == "夕会 · 2026-11-26（周四）截至 18:00"
