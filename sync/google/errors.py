"""What went wrong with Google, in words a manager can act on (zh and en), secrets removed.

Every failure that leaves `sync.google` is a `GoogleError`: missing or broken
credentials, credentials Google refuses, a spreadsheet that does not exist or is not
shared with the account, a quota that stays exhausted. Its text never carries a token,
a refresh token, a client secret or a private key: each message is built from our own
words plus Google's short error message, then passed through `redact` with every secret
the caller holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions
from gspread.exceptions import APIError

from ..errors import Bilingual

_KEY_IN_URL = re.compile(r"/(?:spreadsheets|files)/([A-Za-z0-9_-]{10,})")
_REDACTED = "[REDACTED]"
_MIN_SECRET = 8
"""Shorter strings are not redacted: they would blank out ordinary words."""


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret (and each line of a multi-line secret) replaced."""
    pieces = set()
    for secret in secrets:
        if not secret:
            continue
        pieces.add(secret)
        pieces.update(line.strip() for line in secret.splitlines())
    for piece in sorted((p for p in pieces if len(p) >= _MIN_SECRET), key=len, reverse=True):
        text = text.replace(piece, _REDACTED)
    return text


class GoogleError(Bilingual):
    """A failure talking to Google, explained in Chinese and English.

    `status` is the HTTP status when Google answered one; `fatal` is true when no other
    spreadsheet can succeed either (credentials), so a sync stops instead of skipping.
    `outage` is true when Google could not be reached at all (network, proxy, no
    answer): no other spreadsheet can be read this time either, but the local files
    still sync, with the Google sources listed as unreachable.
    """

    def __init__(
        self,
        zh: str,
        en: str,
        status: int | None = None,
        secrets: Iterable[str] = (),
        fatal: bool = False,
        outage: bool = False,
    ) -> None:
        secrets = tuple(secrets)
        super().__init__(redact(zh, secrets), redact(en, secrets))
        self.status = status
        self.fatal = fatal
        self.outage = outage


def google_message(response: requests.Response) -> tuple[str, str]:
    """Google's `error.status` and `error.message` from an error response (either may be "")."""
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        return "", ""
    if not isinstance(error, dict):
        return "", str(error)[:300]
    return str(error.get("status") or ""), str(error.get("message") or "")[:300]


def key_in(url: str | None) -> str | None:
    """The spreadsheet key a Sheets or Drive URL is about, if any."""
    m = _KEY_IN_URL.search(url or "")
    return m[1] if m else None


def http_error(
    status: int,
    response: requests.Response | None,
    account: str | None,
    secrets: Iterable[str] = (),
    tries: int = 1,
    waited: float = 0.0,
) -> GoogleError:
    """The error for a final HTTP failure: what it means and what to do about it."""
    name, said = google_message(response) if response is not None else ("", "")
    key = key_in(response.url if response is not None else None) or "?"
    who_zh = account or "所用的 Google 账号"
    who_en = account or "the Google account in use"
    detail = f"（Google: {status} {name} {said}）".replace("  ", " ")
    detail_en = f" (Google: {status} {name} {said})".replace("  ", " ")
    if status == 401:
        return GoogleError(
            "Google 不接受这个凭据（访问令牌无效或已过期）。请检查 --credentials / --google-token。"
            + detail,
            "Google did not accept the credentials (the access token is invalid or has "
            "expired). Check --credentials / --google-token." + detail_en,
            status,
            secrets,
            fatal=True,
        )
    if status == 403:
        return GoogleError(
            f"没有权限打开 Google 表格 {key}：请把它共享给 {who_zh}"
            "（或确认已为该项目启用 Google Sheets API）。" + detail,
            f"No permission to open Google spreadsheet {key}: share it with {who_en} (or make "
            "sure the Google Sheets API is enabled for the project)." + detail_en,
            status,
            secrets,
        )
    if status == 404:
        return GoogleError(
            f"找不到 Google 表格 {key}：请检查表格链接里 /d/ 后面的 ID。" + detail,
            f"Google spreadsheet {key} does not exist: check the ID after /d/ in its link."
            + detail_en,
            status,
            secrets,
        )
    if status == 429 or status >= 500:
        what_zh = "超出了 Google 的请求配额" if status == 429 else "暂时不可用"
        what_en = "is over its request quota" if status == 429 else "is unavailable"
        return GoogleError(
            f"Google 表格{what_zh}（HTTP {status} {name}）：已尝试 {tries} 次、等待 {waited:.0f} 秒，"
            "仍未成功。请稍后再同步。",
            f"Google Sheets {what_en} (HTTP {status} {name}): gave up after {tries} tries "
            f"and {waited:.0f} s of waiting. Sync again later.",
            status,
            secrets,
        )
    return GoogleError(
        f"Google 表格拒绝了请求 {key}" + detail,
        f"Google Sheets refused the request for {key}" + detail_en,
        status,
        secrets,
    )


def explain(
    exc: BaseException, account: str | None = None, secrets: Iterable[str] = ()
) -> GoogleError:
    """Any failure from gspread, requests or google-auth as a `GoogleError`."""
    if isinstance(exc, GoogleError):
        return exc
    if isinstance(exc, APIError):
        return http_error(exc.response.status_code, exc.response, account, secrets)
    if isinstance(exc, auth_exceptions.RefreshError):
        return GoogleError(
            f"Google 拒绝了凭据（无法取得访问令牌）：{_auth_reason(exc)}",
            f"Google refused the credentials (no access token was issued): {_auth_reason(exc)}",
            secrets=secrets,
            fatal=True,
        )
    if isinstance(exc, auth_exceptions.TransportError | requests.ConnectionError):
        return GoogleError(
            f"连不上 Google（网络或代理问题）：{type(exc).__name__}",
            f"Cannot reach Google (network or proxy problem): {type(exc).__name__}: {exc}",
            secrets=secrets,
            outage=True,
        )
    if isinstance(exc, requests.Timeout):
        return GoogleError(
            "Google 长时间没有响应，请稍后再试。",
            f"Google did not answer in time; try again later ({type(exc).__name__}).",
            secrets=secrets,
            outage=True,
        )
    raise exc


def _auth_reason(exc: BaseException) -> str:
    """The token endpoint's `error: description`, never its whole answer."""
    args: list[Any] = list(exc.args)
    if len(args) > 1 and isinstance(args[1], dict):
        body = args[1]
        return f"{body.get('error', '')}: {body.get('error_description', '')}".strip(": ")
    text = str(args[0]) if args else type(exc).__name__
    try:
        body = json.loads(text)
        return f"{body.get('error', '')}: {body.get('error_description', '')}".strip(": ")
    except (ValueError, AttributeError):
        return text[:200]
