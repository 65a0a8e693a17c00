"""Credentials: service-account and OAuth files end to end, bare tokens, clear errors,
and no secret in any message.

The service-account test signs with a throwaway RSA key made here; its `token_uri`
points at the emulator's token endpoint, which hands out a token the emulator then
requires (`tokens`), so the whole exchange runs: JWT assertion → token → Sheets call.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import jwt

from sync.google import GoogleError, connect, google_sources
from sync.google.access import SCOPES

from .emulator import SheetsEmulator
from .offices import AS_OF

ACCOUNT = "salesflow-sync@office-project.iam.gserviceaccount.com"
CLIENT_SECRET = "GOCSPX-very-secret-client-secret"
REFRESH_TOKEN = "1//0refresh-token-that-must-stay-secret"


def _key_pair() -> tuple[str, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def _service_account(tmp_path: Path, token_uri: str, **changes: Any) -> tuple[Path, bytes, dict]:
    private, public = _key_pair()
    info = {
        "type": "service_account",
        "project_id": "office-project",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": private,
        "client_email": ACCOUNT,
        "client_id": "100000000000000000001",
        "token_uri": token_uri,
    } | changes
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path, public, info


def _authorised_user(tmp_path: Path, token_uri: str) -> Path:
    path = tmp_path / "authorized_user.json"
    info = {
        "type": "authorized_user",
        "client_id": "1234-abc.apps.googleusercontent.com",
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


def _office(emu: SheetsEmulator, owner_token: str | None = None) -> str:
    return emu.create_spreadsheet(
        "办公室", {"电话记录": [["日期", "销售员", "客户名称", "电话", "有效通话"]]}, owner_token
    )


def test_a_service_account_signs_gets_a_token_and_reads(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    sheets_emulator.tokens = {"some-other-token"}  # from now on only issued tokens pass
    path, public, info = _service_account(tmp_path, sheets_emulator.token_uri)
    access = connect(credentials_file=path, api_root=sheets_emulator.url)
    key = _office(sheets_emulator)
    (source,) = google_sources(access.client(), [key], AS_OF)
    assert source.read().error is None

    (form,) = sheets_emulator.token_requests
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    # signed with the file's key; google-auth always names Google's token URI as audience
    claims = jwt.decode(
        form["assertion"], certs=public, audience="https://oauth2.googleapis.com/token"
    )
    assert claims["iss"] == ACCOUNT
    assert claims["scope"].split() == list(SCOPES)
    assert access.account == ACCOUNT
    assert any(s.startswith("ya29.emulated-") for s in access.secrets())
    assert info["private_key"] in access.secrets()


def test_an_unshared_spreadsheet_names_the_account_to_share_it_with(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    sheets_emulator.tokens = {"owner-token-0000"}
    path, _public, _info = _service_account(tmp_path, sheets_emulator.token_uri)
    key = _office(sheets_emulator, owner_token="owner-token-0000")
    access = connect(credentials_file=path, api_root=sheets_emulator.url)
    (source,) = google_sources(access.client(), [key], AS_OF)
    result = source.read()
    assert result.error is not None and ACCOUNT in result.error and "共享" in result.error
    assert result.error_en is not None and f"share it with {ACCOUNT}" in result.error_en


def test_an_authorised_user_file_refreshes_its_token(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    sheets_emulator.tokens = {"some-other-token"}
    access = connect(
        _authorised_user(tmp_path, sheets_emulator.token_uri), api_root=sheets_emulator.url
    )
    (source,) = google_sources(access.client(), [_office(sheets_emulator)], AS_OF)
    assert source.read().error is None
    (form,) = sheets_emulator.token_requests
    assert form["grant_type"] == "refresh_token"
    assert form["refresh_token"] == REFRESH_TOKEN


def test_refused_credentials_stop_with_a_clear_message_and_no_secret(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    sheets_emulator.refuse_tokens("Invalid JWT Signature.")
    path, _public, info = _service_account(tmp_path, sheets_emulator.token_uri)
    with pytest.raises(GoogleError) as caught:
        connect(credentials_file=path, api_root=sheets_emulator.url)
    error = caught.value
    assert error.fatal
    assert "invalid_grant" in error.en and "Invalid JWT Signature" in error.en
    assert "拒绝" in error.zh
    user = _authorised_user(tmp_path, sheets_emulator.token_uri)
    with pytest.raises(GoogleError) as caught_user:
        connect(user, api_root=sheets_emulator.url)
    for text in (error.zh, error.en, str(error), caught_user.value.zh, caught_user.value.en):
        for secret in (info["private_key"], REFRESH_TOKEN, CLIENT_SECRET):
            assert secret not in text
            assert all(line not in text for line in secret.splitlines()[1:-1])


def test_a_wrong_token_is_unauthorised_and_never_shown(sheets_emulator: SheetsEmulator) -> None:
    sheets_emulator.tokens = {"the-right-token-123"}
    key = _office(sheets_emulator)
    wrong = "ya29.the-wrong-token-456789"
    client = connect(token=wrong, api_root=sheets_emulator.url).client()
    with pytest.raises(GoogleError) as caught:
        google_sources(client, [key], AS_OF)
    assert caught.value.status == 401 and caught.value.fatal
    assert "--google-token" in caught.value.en and "凭据" in caught.value.zh
    assert wrong not in caught.value.zh + caught.value.en + repr(caught.value)


@pytest.mark.parametrize(
    ("content", "zh", "en"),
    [
        (None, "找不到凭据文件", "does not exist"),
        ("{not json", "不是有效的 JSON", "not valid JSON"),
        ('["a list"]', "不是有效的 JSON", "not valid JSON"),
        ('{"type": "external_account"}', "只支持服务账号", "only service_account"),
        ('{"type": "service_account", "client_email": "x@y"}', "不完整或已损坏", "incomplete"),
        (
            '{"type": "service_account", "client_email": "x@y", "token_uri": "http://127.0.0.1:9/t",'
            ' "private_key": "-----BEGIN PRIVATE KEY-----\\nnot-a-key-material\\n-----END PRIVATE KEY-----\\n"}',
            "不完整或已损坏",
            "damaged",
        ),
        ('{"type": "authorized_user", "client_id": "x"}', "不完整或已损坏", "incomplete"),
    ],
)
def test_credentials_files_that_cannot_work(
    tmp_path: Path, content: str | None, zh: str, en: str
) -> None:
    path = tmp_path / "creds.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(GoogleError) as caught:
        connect(credentials_file=path)
    assert zh in caught.value.zh and en in caught.value.en
    assert caught.value.fatal
    assert "not-a-key-material" not in caught.value.zh + caught.value.en


def test_no_credentials_at_all() -> None:
    with pytest.raises(GoogleError) as caught:
        connect()
    assert (
        "--credentials" in caught.value.en and "GOOGLE_APPLICATION_CREDENTIALS" in caught.value.zh
    )
    with pytest.raises(GoogleError):
        connect(token="  ")
    with pytest.raises(GoogleError):
        connect(token="a b")
    with pytest.raises(GoogleError):
        connect(token="abc", api_root="ftp://gateway")


def test_the_api_root_carries_a_path_prefix(sheets_emulator: SheetsEmulator) -> None:
    """A gateway under a path (`https://gw/google`) gets Google's paths after its own."""
    key = _office(sheets_emulator)
    routed = connect(token="t0k3n-abcdef", api_root=sheets_emulator.url + "/")
    assert routed.client().http_client.fetch_sheet_metadata(key)["spreadsheetId"] == key
    gateway = connect(token="t0k3n-abcdef", api_root=sheets_emulator.url + "/google")
    sheets_emulator.reset_requests()
    with pytest.raises(GoogleError):  # the emulator serves no /google prefix: 501
        gateway.client().http_client.fetch_sheet_metadata(key)
    ((method, path, _size),) = sheets_emulator.requests
    assert method == "GET" and path.startswith(f"/google/v4/spreadsheets/{key}?")
