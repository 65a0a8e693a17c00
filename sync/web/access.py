"""Who may see the board and who may refresh it.

Two codes, made on the first run and shown once: a viewer code (the TV's link: the
board, read-only) and a manager code (Refresh, the rep pages). Only their scrypt hashes
are kept, beside the master (`master.access.json`), so a copy of the folder does not
give the codes away. A code proven once becomes a signed session cookie; a wrong code
counts against the caller's address (`Attempts`: five a minute, then 429). Forms and
the Refresh call carry a CSRF token that must equal the `sf_csrf` cookie (double
submit: another site can make the browser send the cookie, never read it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import Literal

from sheets_templates.words import Text

from ..errors import Bilingual

Role = Literal["viewer", "manager"]
ROLES: tuple[Role, ...] = ("viewer", "manager")
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""No 0/o, 1/l/i: a code is read off a screen and typed on a phone."""
CODE_LENGTH = 10
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
SESSION_COOKIE = "sf_session"
CSRF_COOKIE = "sf_csrf"
CSRF_HEADER = "x-csrf-token"
TRIES = 5
TRIES_WINDOW = 60.0
"""Wrong codes allowed per address and window (seconds) before 429."""

ACCESS_UNREADABLE = Text(
    "访问码文件 {path} 无法读取（{why}）：删除它后重新启动会生成新的访问码",
    "the access codes file {path} cannot be read ({why}); delete it and start again for new codes",
)


class AccessUnreadable(Bilingual):
    """The codes file exists but is not ours to trust: the server refuses to start."""


def access_path(master: Path) -> Path:
    """Where the codes' hashes live: beside the master, `master.access.json`."""
    return master.with_name(master.stem + ".access.json")


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the server on this computer."""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _digest(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(code.strip().lower().encode(), salt=salt, **SCRYPT)


@dataclass(frozen=True)
class Hashed:
    """One code as stored: a random salt and the scrypt digest of the code."""

    salt: bytes
    digest: bytes

    @classmethod
    def of(cls, code: str) -> Hashed:
        salt = secrets.token_bytes(16)
        return cls(salt, _digest(code, salt))

    def matches(self, code: str) -> bool:
        return hmac.compare_digest(_digest(code, self.salt), self.digest)


@dataclass(frozen=True)
class Codes:
    """The two codes' hashes; `role_of` says which one a typed code is."""

    viewer: Hashed
    manager: Hashed

    def role_of(self, code: str) -> Role | None:
        if not code.strip():
            return None
        if self.manager.matches(code):
            return "manager"
        return "viewer" if self.viewer.matches(code) else None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def load_or_create(path: Path) -> tuple[Codes, dict[Role, str] | None]:
    """The codes kept at `path`; on the first run new ones, returned once in clear
    (the caller shows them) and stored hashed, readable by the owner only."""
    if path.exists():
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            hashed = {
                role: Hashed(bytes.fromhex(kept[role]["salt"]), bytes.fromhex(kept[role]["hash"]))
                for role in ROLES
            }
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AccessUnreadable(*ACCESS_UNREADABLE.both(path=path, why=exc)) from exc
        return Codes(**hashed), None
    clear: dict[Role, str] = {role: new_code() for role in ROLES}
    made = {role: Hashed.of(code) for role, code in clear.items()}
    document = {role: {"salt": h.salt.hex(), "hash": h.digest.hex()} for role, h in made.items()}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"scrypt": SCRYPT, **document}, fh, indent=2)
    return Codes(**made), clear


@dataclass
class Attempts:
    """Wrong codes per address over the last `window` seconds; `blocked` past `most`."""

    most: int = TRIES
    window: float = TRIES_WINDOW
    wrong: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self.wrong.setdefault(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, address: str, now: float | None = None) -> bool:
        return len(self._recent(address, time.monotonic() if now is None else now)) >= self.most

    def failed(self, address: str, now: float | None = None) -> None:
        at = time.monotonic() if now is None else now
        self._recent(address, at).append(at)


@dataclass(frozen=True)
class Sessions:
    """Signed session cookies naming a role, valid while this server runs."""

    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def _sign(self, role: str) -> str:
        return hmac.new(self.key, role.encode(), hashlib.sha256).hexdigest()

    def token(self, role: Role) -> str:
        return f"{role}.{self._sign(role)}"

    def role(self, token: str | None) -> Role | None:
        role, _, signature = (token or "").partition(".")
        if role in ROLES and hmac.compare_digest(signature, self._sign(role)):
            return "manager" if role == "manager" else "viewer"
        return None


def csrf_ok(cookie: str | None, sent: str | None) -> bool:
    """The double-submit check: the token sent equals the cookie, and is not empty."""
    return bool(cookie) and bool(sent) and hmac.compare_digest(str(cookie), str(sent))


def new_csrf() -> str:
    return secrets.token_urlsafe(24)
