"""A real Celery worker subprocess on this run's queue, test database and SMTP sink.

Tests that need the worker to see their rows must use `live_db` (the django_db mark wraps a test in a
transaction no other process can see).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from .smtp import SmtpSink

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: None, smtp_sink: SmtpSink) -> Iterator[Worker]:
    with worker_process(smtp_sink, name=f"test-{os.environ['TEST_RUN_ID']}") as worker:
        yield worker


@contextlib.contextmanager
def worker_process(smtp_sink: SmtpSink, *, name: str) -> Iterator[Worker]:
    """A worker started now and stopped at the end of the block (the fixture's is one for the session).

    `name` is its node name: two workers on one machine must not share one (their control queues).
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        # Read now: setup_databases has pointed the settings at this run's test database.
        "TEST_DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
        "TEST_RUN_ID": os.environ["TEST_RUN_ID"],
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
    }
    log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
    command = [
        sys.executable, "-m", "celery", "-A", "saas", "worker", "--pool=solo", "--loglevel=INFO",
        "--prefetch-multiplier=8",
        "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--without-gossip", "--without-mingle", "--without-heartbeat",
        # A node name of its own: two runs on one machine must not fight over one control queue. The solo
        # pool with acks_late and a prefetch of 1 stalls between messages, hence the larger prefetch here.
        "-n", f"{name}@%h",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    worker = Worker(process, log)
    try:
        deadline = time.monotonic() + 60
        while " ready." not in worker.output():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{worker.output()[-4000:]}")
            time.sleep(0.2)
        yield worker
    finally:
        _stop(process)
        log.unlink(missing_ok=True)


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the task in hand
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
