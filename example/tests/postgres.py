"""A throwaway PostgreSQL server on 127.0.0.1 for the example's tests.

Debian's server (``scripts/install-postgresql.sh`` installs it; tox runs that
first). PostgreSQL refuses to run as root, and CI runs as root, so there the
data directory belongs to the ``postgres`` user and every server command runs
as that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DATABASE = "example"
USER = "example"
PASSWORD = "example-password"


def server_bin_dir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL is missing: run scripts/install-postgresql.sh (tox does)."
        )
    return candidates[-1].parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def postgresql_server(base_dir: Path) -> Iterator[str]:
    """Start a server; yield a database URL for a password-protected user."""
    bin_dir = server_bin_dir()
    data_dir = base_dir / "data"
    data_dir.mkdir()
    as_server_user: list[str] = []
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        for path in (base_dir, data_dir):
            os.chown(path, server_user.pw_uid, server_user.pw_gid)
        as_server_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()

    def run(*command: str) -> None:
        subprocess.run(
            [*as_server_user, *command], check=True, capture_output=True, text=True
        )

    run(str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "-A", "trust")
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data_dir),
        "-l",
        str(base_dir / "server.log"),
        "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -k {base_dir}",
        "-w",
        "start",
    )
    try:
        psql = [
            str(bin_dir / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
        ]
        run(*psql, "-c", f"CREATE USER {USER} PASSWORD '{PASSWORD}'")
        run(*psql, "-c", f"CREATE DATABASE {DATABASE} OWNER {USER}")
        yield f"postgres://{USER}:{PASSWORD}@127.0.0.1:{port}/{DATABASE}"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop")
        shutil.rmtree(base_dir, ignore_errors=True)
