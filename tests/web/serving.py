"""The board as a user runs it: `salesflow serve` in a child process on a free loopback
port, over a hand-worked team written as real workbooks.

The team, Thursday 2026-11-26 at 16:00 (the evening meeting; DESIGN's 100 effective
calls a day, 40 by 12:00 and 60 more over 13:50–17:30, so 40 + 60 × 130/220 = 75.5 are
due by 16:00). Effective calls typed today:

    甲 60   乙 85   丙 30   丁 100

The ranking is therefore 丁 🥇, 乙 🥈, 甲 🥉, 丙 4th; 丁 alone met the 100.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from datetime import time as clock
from pathlib import Path

from sync.demo import write_workbook
from tests.conftest import SALESFLOW

THU = date(2026, 11, 26)
AT = "2026-11-26T16:00"
TYPED = {"甲": 60, "乙": 85, "丙": 30, "丁": 100}
CODE_LINE = re.compile(r":\s+([a-z0-9]{10})\s*$")


def write_calls(folder: Path, rep: str, effective: int, phones: str) -> Path:
    """`rep`'s workbook with `effective` effective calls on Thursday, as saved by Excel;
    `phones` is the first five digits of every call's phone number."""
    rows = [
        {
            "date": THU,
            "time": clock(9 + i // 60, i % 60),
            "customer": f"客户{i}",
            "phone": f"{phones}{i:06d}",
            "effective": "是",
            "wechat_added": "否",
        }
        for i in range(effective)
    ]
    path = folder / "team" / rep / "登记表.xlsx"
    write_workbook(path, [("电话记录", "calls", rows, "zh")])
    return path


def write_rep(folder: Path, rep: str, effective: int) -> Path:
    """One of the hand-worked team's workbooks (`TYPED`)."""
    return write_calls(folder, rep, effective, f"13{list(TYPED).index(rep) + 3}26")


def write_team(folder: Path) -> Path:
    for rep, effective in TYPED.items():
        write_rep(folder, rep, effective)
    return folder


BIG_TEAM = [surname + given for surname in "赵钱孙李周吴郑王冯陈" for given in "一二三四五"]
"""A team of 50, 赵一 赵二 … 陈五."""


def write_big_team(folder: Path) -> Path:
    """The 50 reps of `BIG_TEAM` on the same Thursday at 16:00: the k-th (from 0) typed
    100 − k effective calls for k < 5 (赵一 100 … 赵五 96), else 20 + k (钱一 25 … 陈五 69),
    all 45 below the 75.5 due. No one added a WeChat contact, a lead or a visit."""
    for k, rep in enumerate(BIG_TEAM):
        write_calls(folder, rep, 100 - k if k < 5 else 20 + k, f"15{k:03d}")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Served:
    """A running `salesflow serve`: where, and the codes it showed on its first run."""

    folder: Path
    url: str
    viewer: str
    manager: str
    process: subprocess.Popen[str]
    output: list[str]

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


def wait_until_synced(url: str, process: subprocess.Popen[str], seconds: float = 120) -> None:
    """Until the first sync has finished (`/api/meeting` answers 200)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert process.poll() is None, "salesflow serve stopped"
        try:
            with urllib.request.urlopen(url + "/api/meeting", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise AssertionError("the board's first sync did not finish")


@contextmanager
def serve(folder: Path, *more: str, host: str = "127.0.0.1") -> Iterator[Served]:
    """`salesflow serve --from team --master master.xlsx --as-of AT` run from `folder`."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(SALESFLOW),
            "serve",
            "--from",
            "team",
            "--master",
            "master.xlsx",
            "--as-of",
            AT,
            "--host",
            host,
            "--port",
            str(port),
            *more,
        ],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    output: list[str] = []
    codes: list[str] = []
    first = not (folder / "master.access.json").exists()
    while process.poll() is None:
        line = process.stdout.readline()
        output.append(line)
        if (found := CODE_LINE.search(line)) is not None:
            codes.append(found.group(1))
        if "127.0.0.1:" in line or f":{port}/" in line:
            break
    assert process.poll() is None, "".join(output)
    assert len(codes) == (2 if first else 0), "".join(output)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_synced_or_login(url, process, host)
        viewer, manager = codes if codes else ("", "")
        yield Served(folder, url, viewer, manager, process, output)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_synced_or_login(url: str, process: subprocess.Popen[str], host: str) -> None:
    """On loopback, until the first sync is in; elsewhere until the server answers."""
    if host == "127.0.0.1":
        wait_until_synced(url, process)
        return
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url + "/static/board.css", timeout=5).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("the board did not start")


def meeting_of(served: Served) -> dict[str, object]:
    status, _, body = served.get("/api/meeting")
    assert status == 200, body
    document: dict[str, object] = json.loads(body)
    return document
