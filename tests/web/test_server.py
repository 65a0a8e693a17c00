"""The board's server over HTTP, as any client sees it: the meeting's JSON is
`sync --json`'s, every response carries the security headers, only the assets are
served, Refresh needs the manager code and a CSRF token every time, wrong codes are
rate-limited, codes are shown once and kept hashed, and off loopback nothing is seen
without a code."""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import socket
from pathlib import Path

import httpx

from sync.web.app import STATIC
from tests.conftest import salesflow

from .serving import AT, Served, free_port, meeting_of, serve, write_team

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_of(client: httpx.Client, url: str) -> str:
    """Open the board as a browser does: its page holds the token, its cookie too."""
    page = client.get(url + "/")
    found = CSRF.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def test_api_meeting_is_sync_json_meeting(board: Served) -> None:
    served = meeting_of(board)
    ranking = served["ranking"]
    assert isinstance(ranking, list)
    calls = [r["rep"] for r in ranking if r["metric"] == "effective_calls"]
    assert calls == ["丁", "乙", "甲", "丙"]
    done = salesflow(
        "sync",
        "--from",
        "team",
        "--master",
        "other.xlsx",
        "--json",
        "--as-of",
        AT,
        cwd=board.folder,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["meeting"] == served


def test_security_headers_on_pages_assets_and_errors(board: Served) -> None:
    for path in ("/", "/static/board.css", "/api/meeting", "/static/nothing.js"):
        _, headers, _ = board.get(path)
        low = {k.lower(): v for k, v in headers.items()}
        csp = low["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "http:" not in csp and "https:" not in csp
        assert low["x-frame-options"] == "DENY"
        assert low["x-content-type-options"] == "nosniff"
        assert low["referrer-policy"] == "no-referrer"


def test_pages_load_nothing_from_the_internet(board: Served) -> None:
    _, _, page = board.get("/")
    assert 'src="/static/echarts/echarts.min.js"' in page
    for text in (page, (STATIC / "board.js").read_text(), (STATIC / "board.css").read_text()):
        assert "http://" not in text and "https://" not in text and "//cdn" not in text


def test_vendored_echarts_is_the_pinned_release() -> None:
    folder = STATIC / "echarts"
    pinned = json.loads((folder / "VENDORED.json").read_text())
    assert pinned["version"] == "5.5.1"
    digest = hashlib.sha256((folder / "echarts.min.js").read_bytes()).hexdigest()
    assert (
        digest
        == pinned["sha256"]
        == ("e84270bd0cd5bdf60fefc26d00c2a391cb2e81f4d26a7a9ee16185a54773a3cf")
    )
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert "Apache ECharts" in (folder / "NOTICE").read_text()


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written (no client tidies `..` away)."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, body


def test_nothing_outside_the_assets_is_served(board: Served) -> None:
    (board.folder / "secret.txt").write_text("the manager's notes")
    for path in (
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/static/echarts/../../command.py",
        "/static/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/static/../../../../../../etc/passwd",
        "/master.access.json",
        "/static//etc/passwd",
    ):
        status, body = raw_get(board.url, path)
        assert status in (400, 404), (path, status)
        assert b"import" not in body and b"root:" not in body and b"notes" not in body
    status, body = raw_get(board.url, "/static/board.js")
    assert status == 200 and b"EventSource" in body


def test_refresh_needs_csrf_and_the_manager_code_every_time(board: Served) -> None:
    with httpx.Client() as client:
        token = csrf_of(client, board.url)
        no_token = client.post(board.url + "/refresh", json={"code": board.manager})
        assert no_token.status_code == 403
        wrong_token = client.post(
            board.url + "/refresh", json={"code": board.manager}, headers={"x-csrf-token": "x"}
        )
        assert wrong_token.status_code == 403
        viewer = client.post(
            board.url + "/refresh", json={"code": board.viewer}, headers={"x-csrf-token": token}
        )
        assert viewer.status_code == 403
        no_code = client.post(board.url + "/refresh", headers={"x-csrf-token": token})
        assert no_code.status_code == 403
        manager = client.post(
            board.url + "/refresh", json={"code": board.manager}, headers={"x-csrf-token": token}
        )
        assert manager.status_code == 202
        assert manager.json()["message"] == "已开始同步，看板稍后自动更新"
    with httpx.Client() as other:  # a token from another browser is no token
        other.get(board.url + "/")
        stolen = other.post(
            board.url + "/refresh", json={"code": board.manager}, headers={"x-csrf-token": token}
        )
        assert stolen.status_code == 403


def test_rep_pages_need_the_manager_code(board: Served) -> None:
    with httpx.Client() as client:
        token = csrf_of(client, board.url)
        page = client.get(board.url + "/rep/丙")
        assert page.status_code == 401 and 'action="/login"' in page.text
        viewer = client.post(
            board.url + "/login", data={"csrf": token, "code": board.viewer, "next": "/rep/丙"}
        )
        assert viewer.status_code == 303
        assert client.get(board.url + "/rep/丙").status_code == 401
        manager = client.post(
            board.url + "/login", data={"csrf": token, "code": board.manager, "next": "/rep/丙"}
        )
        assert manager.status_code == 303
        page = client.get(board.url + "/rep/丙")
        assert page.status_code == 200
        assert "17:30 前还差 70 个" in page.text  # 30 of the 100 due by 17:30
        assert client.get(board.url + "/rep/无此人").status_code == 404


def test_wrong_codes_are_rate_limited(tmp_path: Path) -> None:
    with serve(write_team(tmp_path)) as served, httpx.Client() as client:
        token = csrf_of(client, served.url)
        headers = {"x-csrf-token": token}
        statuses = [
            client.post(
                served.url + "/refresh", json={"code": f"wrong{i}"}, headers=headers
            ).status_code
            for i in range(6)
        ]
        assert statuses == [403, 403, 403, 403, 403, 429]
        right = client.post(served.url + "/refresh", json={"code": served.manager}, headers=headers)
        assert right.status_code == 429  # not even the right code, for the minute


def test_codes_shown_once_and_kept_hashed(tmp_path: Path) -> None:
    folder = write_team(tmp_path)
    with serve(folder) as first:
        codes = (first.viewer, first.manager)
    kept = (folder / "master.access.json").read_text()
    assert codes[0] not in kept and codes[1] not in kept
    assert set(json.loads(kept)) == {"scrypt", "viewer", "manager"}
    # `serve` checks that no code is printed again
    with serve(folder) as second, httpx.Client() as client:
        token = csrf_of(client, second.url)
        again = client.post(
            second.url + "/refresh", json={"code": codes[1]}, headers={"x-csrf-token": token}
        )
        assert again.status_code == 202


def test_off_loopback_nothing_is_seen_without_a_code(tmp_path: Path) -> None:
    with serve(write_team(tmp_path), host="0.0.0.0") as served, httpx.Client() as client:
        assert client.get(served.url + "/").status_code == 401
        assert client.get(served.url + "/api/meeting").status_code == 401
        assert client.get(served.url + "/events").status_code == 401
        assert client.get(served.url + "/?key=wrongcode1").status_code == 403
        tv = client.get(served.url + f"/?key={served.viewer}")
        assert tv.status_code == 303 and tv.headers["location"] == "/"
        assert client.get(served.url + "/").status_code == 200
        assert client.get(served.url + "/rep/丙").status_code == 401  # a viewer is no manager


def test_the_board_speaks_english_when_asked(tmp_path: Path) -> None:
    with serve(write_team(tmp_path), "--lang", "en") as served, httpx.Client() as client:
        board = client.get(served.url + "/").text
        assert "Evening meeting: 2026-11-26 (Thu) up to 16:00" in board
        assert "Effective calls · PK ranking (today up to 16:00)" in board
        assert '<span class="name">Total</span>' in board
        assert '<li class="item">丙 −46</li>' in board  # 75.5 due by 16:00, 30 made: 46 more
        assert 'data-more="{n} more"' in board  # for a list cut to the screen
        token = csrf_of(client, served.url)
        client.post(served.url + "/login", data={"csrf": token, "code": served.manager})
        assert "70 more by 17:30" in client.get(served.url + "/rep/丙").text


def test_a_busy_port_or_damaged_codes_file_stops_it_before_anything(tmp_path: Path) -> None:
    folder = write_team(tmp_path)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        done = salesflow(
            "serve",
            "--from",
            "team",
            "--master",
            "master.xlsx",
            "--port",
            port,
            "--lang",
            "en",
            cwd=folder,
        )
    assert done.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr
    assert not (folder / "master.access.json").exists()
    (folder / "master.access.json").write_text("{not json")
    done = salesflow(
        "serve",
        "--from",
        "team",
        "--master",
        "master.xlsx",
        "--port",
        str(free_port()),
        "--lang",
        "en",
        cwd=folder,
    )
    assert done.returncode == 2
    assert "the access codes file master.access.json cannot be read" in done.stderr
    assert not (folder / "master.xlsx").exists()  # no sync ran


def test_on_loopback_a_page_must_name_this_computer(board: Served) -> None:
    """A site that re-points its own name at 127.0.0.1 (DNS rebinding) reads nothing."""
    host, port = board.url.removeprefix("http://").split(":")
    for named, status in (
        ("evil.example", 400),
        (f"evil.example:{port}", 400),
        (f"localhost:{port}", 200),
        (f"127.0.0.1:{port}", 200),
    ):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", "/api/meeting", headers={"Host": named})
        answer = connection.getresponse()
        answer.read()
        connection.close()
        assert answer.status == status, named
