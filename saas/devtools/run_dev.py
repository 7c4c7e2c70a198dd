"""`make dev`: the whole product on one machine, with embedded defaults for anything not configured.

Starts (or joins) PostgreSQL, bootstraps, seeds the demo data, then runs the API server, a real
Celery worker with beat, and the Next.js dev server (which proxies /api to Django with the original
Host). Ctrl-C stops everything it started. Running it again reuses what exists.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORT = os.environ.get("PORT", "8000")
FRONTEND_PORT = os.environ.get("FRONTEND_PORT", "3000")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # `kill`, a closed terminal or a supervisor's stop must stop the children too, as Ctrl-C does: without
    # this, SIGTERM ends this process at once and leaves the worker, the API and Next.js running.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored (`&`)
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings")
    # Links we hand out (signup, handoff, invitations) point at the frontend, which proxies /api.
    os.environ.setdefault("SAAS_URL_PORT", FRONTEND_PORT)
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]

    if not os.environ.get("DATABASE_URL"):
        # Hold the embedded server from this long-lived process so it outlives every child we start.
        from saas.devtools.embedded_db import database_url

        print("Starting the embedded PostgreSQL (data in .data/postgres) ...", flush=True)
        os.environ["DATABASE_URL"] = database_url("saas")

    print("Bootstrapping the database ...", flush=True)
    subprocess.run([*manage, "bootstrap"], check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo"], check=True, cwd=ROOT)

    children = [
        subprocess.Popen([*manage, "runserver", f"127.0.0.1:{PORT}"], cwd=ROOT, start_new_session=True),
        subprocess.Popen(
            [
                python,
                "-m",
                "celery",
                "-A",
                "saas",
                "worker",
                "-B",
                "--loglevel=INFO",
                "--concurrency=2",
                "--schedule",
                str(ROOT / ".data" / "celerybeat-schedule"),
            ],
            cwd=ROOT,
            start_new_session=True,
        ),
        subprocess.Popen(
            # No -H: Next.js rewrites to its own URL (localhost:PORT), which must match the host it serves.
            ["npm", "run", "dev", "--", "-p", FRONTEND_PORT],
            cwd=ROOT / "frontend",
            env={**os.environ, "BACKEND_URL": f"http://127.0.0.1:{PORT}", "NEXT_TELEMETRY_DISABLED": "1"},
            start_new_session=True,
        ),
    ]
    base = os.environ.get("SAAS_BASE_DOMAIN", "localhost")
    print(
        f"\n  Site              http://{base}:{FRONTEND_PORT}/\n"
        f"  Demo organisation http://demo.{base}:{FRONTEND_PORT}/\n"
        f"  API docs          http://{base}:{PORT}/api/docs/  (an organisation's: http://demo.{base}:{PORT}/api/docs/)\n"
        f"  Admin             http://{base}:{PORT}/admin/\n"
        "  Press Ctrl-C to stop everything.\n",
        flush=True,
    )
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("A process exited; stopping the rest.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(children)


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    """Each child leads its own process group (runserver's reloader, npm -> next -> next-server): ask the
    whole group to stop (SIGTERM: a child started in the background may ignore SIGINT), then kill what
    is left after 15 seconds."""
    print("Stopping ...", file=sys.stderr, flush=True)
    for child in children:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
    for child in children:
        _signal_group(child, signal.SIGKILL)  # the leader may be gone while its group is not


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)


if __name__ == "__main__":
    sys.exit(main())
