"""A throwaway PostgreSQL cluster for the store tests: `initdb` into a temp folder, a
free port on loopback, stopped and removed at the end.

initdb and postgres refuse to run as root (CI runs the tests as root), so there the
cluster's files belong to `nobody` and its programs run as `nobody`. Binaries are
found on PATH, else through `pg_config --bindir`, else in Debian's
`/usr/lib/postgresql/*/bin` (`.ci/run` installs the `postgresql` package).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

SUPERUSER = "salesflow"


def bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if out.returncode == 0 and (Path(out.stdout.strip()) / "initdb").exists():
            return Path(out.stdout.strip())
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(debian[-1]).parent if debian else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A running cluster; `database()` makes a fresh, empty database and gives its URL."""

    port: int
    made: list[str] = field(default_factory=list)

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def database(self, icu: str | None = None) -> str:
        """A new database; `icu` names a collation to make it with (else code points)."""
        name = f"store_{len(self.made) + 1}"
        collation = f" LOCALE_PROVIDER icu ICU_LOCALE '{icu}' TEMPLATE template0" if icu else ""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}{collation}")
        self.made.append(name)
        return self.url(name)


@contextmanager
def cluster(bindir: Path) -> Iterator[Cluster]:
    """Start a cluster in a new temp folder; stop it and remove the folder at the end."""
    as_root = os.geteuid() == 0
    # as root, under /tmp: `nobody` must reach the folder, which $TMPDIR may not let it
    root = Path(tempfile.mkdtemp(prefix="salesflow-pg-", dir="/tmp" if as_root else None))
    run_as: dict[str, Any] = {}
    if as_root:
        nobody = pwd.getpwnam("nobody")
        run_as = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
    data = root / "data"

    def pg(*args: str) -> None:
        done = subprocess.run(
            [str(bindir / args[0]), *args[1:]],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            **run_as,
        )
        assert done.returncode == 0, f"{args[0]} failed: {done.stdout}{done.stderr}"

    port = free_port()
    try:
        pg(
            "initdb",
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {port}\n"
                f"unix_socket_directories = '{root}'\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\n"
            )
        pg("pg_ctl", "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60", "start")
        try:
            yield Cluster(port)
        finally:
            pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
