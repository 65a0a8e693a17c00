"""Credentials and the HTTP session every Sheets and Drive call goes through.

Three ways in, as offices have them:
- a service-account JSON key (`--credentials FILE` or `GOOGLE_APPLICATION_CREDENTIALS`):
  the spreadsheet is shared with the account's e-mail address;
- an OAuth authorised-user JSON (what `gcloud auth application-default login` writes);
- a bare access token (`--google-token` / `SALESFLOW_GOOGLE_TOKEN`), for gateways that
  hand one out.
`api_root` sends every call for `https://sheets.googleapis.com` and
`https://www.googleapis.com` to another root (a corporate gateway, a proxy, the tests'
emulator) with the path kept; the token endpoint named in a JSON key is not rerouted.
A token is fetched once up front, so bad credentials fail before any spreadsheet is read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gspread
import requests
from google.auth import exceptions as auth_exceptions
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from requests.adapters import HTTPAdapter

from .errors import GoogleError, explain, redact
from .http import DEFAULT_POLICY, RetryPolicy, google_client

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
"""Reading and writing spreadsheets by key is all salesflow does: no Drive access."""
GOOGLE_ROOTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
_SECRET_FIELDS = ("private_key", "private_key_id", "refresh_token", "client_secret")


class ApiRootAdapter(HTTPAdapter):
    """Rewrites `https://sheets.googleapis.com/...` and `https://www.googleapis.com/...`
    to `root/...` (a gateway may add a path prefix: `https://gw.example/google`)."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.root = root.rstrip("/")

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = request.url or ""
        for prefix in GOOGLE_ROOTS:
            if url.startswith(prefix + "/"):
                request.url = self.root + url[len(prefix) :]
                break
        return super().send(request, *args, **kwargs)


def route_to(session: requests.Session, api_root: str | None) -> requests.Session:
    """Mount the root-rewriting adapter for Google's two API hosts (no-op without a root)."""
    if api_root:
        if not api_root.startswith(("http://", "https://")):
            raise GoogleError(
                f"--google-api-root 应是以 http:// 或 https:// 开头的网址: {api_root}",
                f"--google-api-root must be a URL starting with http:// or https://: {api_root}",
                fatal=True,
            )
        adapter = ApiRootAdapter(api_root)
        for prefix in GOOGLE_ROOTS:
            session.mount(prefix + "/", adapter)
    return session


@dataclass
class GoogleAccess:
    """An authorised session, who Google sees through it, and the secrets it holds."""

    session: requests.Session
    account: str | None
    credentials: Credentials | None = None
    held: tuple[str, ...] = field(default_factory=tuple)

    def secrets(self) -> list[str]:
        """Everything that must never be printed: the token in use and the file's secrets."""
        token = getattr(self.credentials, "token", None)
        return [*self.held, *([token] if token else [])]

    def redact(self, text: str) -> str:
        return redact(text, self.secrets())

    def client(
        self, sleep: Callable[[float], None] = time.sleep, policy: RetryPolicy = DEFAULT_POLICY
    ) -> gspread.Client:
        return google_client(
            self.session, sleep=sleep, policy=policy, account=self.account, secrets=self.secrets
        )


_MISSING = GoogleError(
    "没有 Google 凭据：请用 --credentials 指定服务账号或 OAuth 授权用户的 JSON 文件"
    "（或设置 GOOGLE_APPLICATION_CREDENTIALS），或用 --google-token / SALESFLOW_GOOGLE_TOKEN "
    "提供访问令牌。",
    "No Google credentials: pass --credentials FILE (a service-account or OAuth "
    "authorised-user JSON file; or set GOOGLE_APPLICATION_CREDENTIALS), or an access "
    "token with --google-token / SALESFLOW_GOOGLE_TOKEN.",
    fatal=True,
)


def connect(
    credentials_file: Path | None = None,
    token: str | None = None,
    api_root: str | None = None,
    session: requests.Session | None = None,
) -> GoogleAccess:
    """An authorised session from a token (preferred when both are given) or a JSON file.

    `session` is the transport to build on (default: a new one, honouring the usual
    proxy variables); for a JSON file the first access token is fetched here.
    """
    base = session if session is not None else requests.Session()
    if token is not None:
        token = token.strip()
        if not token or any(c.isspace() for c in token):
            raise GoogleError(
                "访问令牌是空的或含有空格/换行。",
                "The access token is empty or contains spaces or line breaks.",
                fatal=True,
            )
        base.headers["Authorization"] = f"Bearer {token}"
        return GoogleAccess(route_to(base, api_root), None, held=(token,))
    if credentials_file is None:
        raise _MISSING
    info = _read_json(credentials_file)
    held = tuple(str(info[k]) for k in _SECRET_FIELDS if isinstance(info.get(k), str))
    credentials, account = _credentials(info, credentials_file, held)
    auth_request = Request(requests.Session())
    authorised = AuthorizedSession(credentials, auth_request=auth_request)
    authorised.trust_env = base.trust_env
    for prefix, adapter in base.adapters.items():
        authorised.mount(prefix, adapter)
    access = GoogleAccess(route_to(authorised, api_root), account, credentials, held)
    try:
        credentials.refresh(auth_request)
    except (auth_exceptions.RefreshError, auth_exceptions.TransportError) as exc:
        raise explain(exc, account, access.secrets()) from None
    return access


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GoogleError(
            f"找不到凭据文件: {path}", f"The credentials file does not exist: {path}", fatal=True
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoogleError(
            f"无法读取凭据文件 {path}（{type(exc).__name__}）",
            f"Cannot read the credentials file {path} ({type(exc).__name__})",
            fatal=True,
        ) from None
    try:
        info = json.loads(text)
    except ValueError:
        info = None
    if not isinstance(info, dict):
        raise GoogleError(
            f"凭据文件不是有效的 JSON: {path}（应是从 Google Cloud 下载的服务账号密钥或 OAuth 授权文件）",
            f"The credentials file is not valid JSON: {path} (expected a service-account key "
            "or an OAuth authorised-user file downloaded from Google Cloud)",
            fatal=True,
        )
    return info


def _credentials(
    info: dict[str, Any], path: Path, held: tuple[str, ...]
) -> tuple[Credentials, str | None]:
    kind = info.get("type")
    try:
        if kind == "service_account":
            creds = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
            return creds, str(info.get("client_email") or "") or None
        if kind == "authorized_user":
            user = user_credentials.Credentials.from_authorized_user_info(info, scopes=SCOPES)
            if isinstance(info.get("token_uri"), str):  # google-auth ignores the file's own
                user = user.with_token_uri(info["token_uri"])
            return user, None
    except (ValueError, KeyError, TypeError) as exc:
        reason = redact(str(exc) or type(exc).__name__, held)[:200]
        raise GoogleError(
            f"凭据文件 {path} 内容不完整或已损坏: {reason}",
            f"The credentials file {path} is incomplete or damaged: {reason}",
            secrets=held,
            fatal=True,
        ) from None
    raise GoogleError(
        f"凭据文件 {path} 的类型是 {kind!r}：只支持服务账号（service_account）和 OAuth 授权用户"
        "（authorized_user）。",
        f"The credentials file {path} has type {kind!r}: only service_account and "
        "authorized_user files are supported.",
        fatal=True,
    )
