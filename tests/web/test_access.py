"""The codes, sessions and wrong-code limit behind the board (the server tests drive
them over HTTP; these pin the edges: the minute's window, a forged session, the codes
file readable by its owner only)."""

from __future__ import annotations

import stat
from pathlib import Path

from sync.web.access import Attempts, Sessions, access_path, load_or_create


def test_five_wrong_codes_a_minute_then_the_window_moves_on() -> None:
    attempts = Attempts()
    for second in range(5):
        assert not attempts.blocked("10.0.0.7", now=float(second))
        attempts.failed("10.0.0.7", now=float(second))
    assert attempts.blocked("10.0.0.7", now=10.0)
    assert not attempts.blocked("10.0.0.8", now=10.0)  # per address
    assert not attempts.blocked("10.0.0.7", now=60.5)  # the first one is a minute old


def test_a_session_is_signed_by_this_server() -> None:
    ours, theirs = Sessions(), Sessions()
    assert ours.role(ours.token("manager")) == "manager"
    assert ours.role(ours.token("viewer")) == "viewer"
    assert ours.role(theirs.token("manager")) is None
    assert ours.role("manager.") is None and ours.role("admin.x") is None
    assert ours.role(None) is None


def test_codes_made_once_kept_hashed_for_the_owner(tmp_path: Path) -> None:
    path = access_path(tmp_path / "总表.xlsx")
    assert path.name == "总表.access.json"
    codes, shown = load_or_create(path)
    assert shown is not None and len(shown["viewer"]) == len(shown["manager"]) == 10
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, none = load_or_create(path)
    assert none is None
    assert again.role_of(shown["manager"]) == "manager"
    assert again.role_of(" " + shown["viewer"].upper() + " ") == "viewer"  # as typed on a TV
    assert again.role_of("") is None and again.role_of("abcdefghjk") is None
    assert codes.role_of(shown["manager"]) == "manager"
