"""The embedded PostgreSQL that `make dev` and `make test` use when DATABASE_URL is unset.

Several processes start or join it at once (the dev server, the worker, a test's subprocesses). The
library records its users in a JSON file without a lock between processes; concurrent writes once tore
that file and took a whole CI run down. This starts a server of its own in a fresh directory.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
JOIN = """
import sys, time, psycopg
from saas.devtools.embedded_db import database_url
with psycopg.connect(database_url("kit")) as conn:
    assert conn.execute("SELECT 1").fetchone() == (1,)
time.sleep(float(sys.argv[1]))
"""


def _postmaster(data_dir: Path) -> int | None:
    """The server's pid while it runs."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 0)
    except (FileNotFoundError, IndexError, ValueError, ProcessLookupError):
        return None
    return pid


def _server_running(data_dir: Path) -> bool:
    return _postmaster(data_dir) is not None


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Short: the server's unix socket lives inside it, and socket paths are limited to ~107 bytes.
    parent = Path(tempfile.mkdtemp(prefix="epg-"))
    yield parent / "postgres"
    pid = _postmaster(parent / "postgres")
    if pid is not None:  # only if the test failed: never leave a server behind (SIGQUIT: immediate stop)
        os.kill(pid, signal.SIGQUIT)
    shutil.rmtree(parent, ignore_errors=True)


def test_many_processes_start_and_leave_the_embedded_server_at_once(data_dir: Path) -> None:
    env = {**os.environ, "EMBEDDED_POSTGRES_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    processes = [
        subprocess.Popen([sys.executable, "-c", JOIN, f"0.{i}"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        for i in range(6)
    ]
    errors = [(p.wait(timeout=180), p.stderr.read().decode() if p.stderr else "") for p in processes]
    assert [code for code, _ in errors] == [0] * 6, [err for _, err in errors if err]

    # Every user left: the list is whole (valid JSON) and empty, and the last one stopped the server.
    assert json.loads((data_dir / ".handle_pids.json").read_text()) == []
    deadline = time.monotonic() + 10
    while _server_running(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _server_running(data_dir)
