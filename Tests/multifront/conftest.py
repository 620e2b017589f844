"""Fixtures of the multi-front suite: several Strata fronts (the release
binary, STRATA_BINARY to use another) over one PostgreSQL.

- `cluster` (session): a throwaway PostgreSQL 15 of the suite's own,
  started by scripts/postgres.sh in a temporary directory (the suite stops
  and starts it for the outage test), removed at the end.
- `fronts`: three fronts on their own ports over a new database of that
  cluster, with --front-id front0..2; stopped after the test.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))
pytest.register_assert_rewrite("helpers")

from helpers import StrataServer, strata_binary  # noqa: E402


class Cluster:
    """The PostgreSQL the fronts share, and its controls."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.script = REPO / "scripts" / "postgres.sh"

    def start(self) -> None:
        subprocess.run([str(self.script), "start", str(self.directory)], check=True, capture_output=True, text=True)

    def stop(self) -> None:
        subprocess.run([str(self.script), "stop", str(self.directory)], check=True, capture_output=True, text=True)

    def pg_ctl(self, action: str) -> None:
        """Stops (fast) or starts the server, keeping its files."""
        runner = ["runuser", "-u", "postgres", "--"] if _is_root() else []
        options = [] if action == "stop" else ["-o", f"-c listen_addresses='' -c unix_socket_directories='{self.directory}' -c fsync=off"]
        subprocess.run(runner + ["/usr/lib/postgresql/15/bin/pg_ctl", "-D", str(self.directory / "data"), "-w", "-m", "fast",
                                 "-l", str(self.directory / "server.log"), action] + options,
                       check=True, capture_output=True, text=True)

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(["psql", "-h", str(self.directory), "-U", "postgres", "-d", database, "-tAc", sql],
                              check=True, capture_output=True, text=True).stdout.strip()

    def new_database(self) -> str:
        name = "fronts_" + uuid.uuid4().hex[:12]
        self.psql(f"CREATE DATABASE {name}")
        return f"postgres://postgres@/{name}?host={self.directory}"


def _is_root() -> bool:
    import os
    return os.geteuid() == 0


@pytest.fixture(scope="session")
def cluster():
    if not strata_binary().is_file():
        raise pytest.UsageError(f"strata binary not found at {strata_binary()}")
    directory = Path(tempfile.mkdtemp(prefix="strata-fronts-"))
    cluster = Cluster(directory)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def fronts(cluster, tmp_path):
    """Three fronts over one new database."""
    storage = cluster.new_database()
    servers = []
    try:
        for index in range(3):
            server = StrataServer(tmp_path / f"front{index}-data", tmp_path / f"front{index}.log",
                                  extra_args=("--storage", storage, "--front-id", f"front{index}", "--db-timeout", "2000"))
            servers.append(server.start())
        yield servers
    finally:
        for server in servers:
            server.kill()
