"""`make dev`: the whole product on one machine, with embedded defaults for anything not configured.

Starts (or joins) PostgreSQL, bootstraps, seeds the demo data, then runs the API server, a real
Celery worker with beat, a mail catcher (unless EMAIL_URL is set) and the Next.js dev server (which
proxies /api to Django with the original Host). Everything listens on loopback only. Ctrl-C stops
everything it started. Running it again reuses what exists.

Ports: PORT (API, 8000), FRONTEND_PORT (3000), MAIL_SMTP_PORT (1025) and MAIL_WEB_PORT (8025).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from saas.dotenv import dotenv_load

ROOT = Path(__file__).resolve().parents[2]
# .env first, so the ports and EMAIL_URL below (and every child) see what it sets.
dotenv_load(Path(os.environ.get("ENV_FILE") or ROOT / ".env"))
PORT = os.environ.get("PORT", "8000")
FRONTEND_PORT = os.environ.get("FRONTEND_PORT", "3000")
MAIL_SMTP_PORT = os.environ.get("MAIL_SMTP_PORT", "1025")
MAIL_WEB_PORT = os.environ.get("MAIL_WEB_PORT", "8025")


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
    # Mail goes to the catcher (readable at MAIL_WEB_PORT, links clickable) unless EMAIL_URL says otherwise.
    mail_catcher = not os.environ.get("EMAIL_URL")
    if mail_catcher:
        os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{MAIL_SMTP_PORT}"

    if not os.environ.get("DATABASE_URL"):
        # Hold the embedded server from this long-lived process so it outlives every child we start.
        from saas.devtools.embedded_db import database_url

        print("Starting the embedded PostgreSQL (data in .data/postgres) ...", flush=True)
        os.environ["DATABASE_URL"] = database_url("saas")

    print("Bootstrapping the database ...", flush=True)
    subprocess.run([*manage, "bootstrap"], check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo"], check=True, cwd=ROOT)

    # Celery's main process stops its own pool (a warm shutdown): signalled as a group, the pool processes
    # get SIGTERM first and the worker logs each as "exited with signal 15", an error that is not one.
    worker = subprocess.Popen(
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
    )
    children = [
        subprocess.Popen([*manage, "runserver", f"127.0.0.1:{PORT}"], cwd=ROOT, start_new_session=True),
        worker,
        subprocess.Popen(
            # -H localhost, not 127.0.0.1: Next.js rewrites to its own URL (localhost:PORT), which must match
            # the host it serves or it proxies the rewrite to itself. Either way it listens on loopback only.
            ["npm", "run", "dev", "--", "-H", "localhost", "-p", FRONTEND_PORT],
            cwd=ROOT / "frontend",
            env={**os.environ, "BACKEND_URL": f"http://127.0.0.1:{PORT}", "NEXT_TELEMETRY_DISABLED": "1"},
            start_new_session=True,
        ),
    ]
    if mail_catcher:
        catcher = [
            python,
            "-m",
            "saas.devtools.mailcatcher",
            "--smtp-port",
            MAIL_SMTP_PORT,
            "--web-port",
            MAIL_WEB_PORT,
        ]
        children.append(subprocess.Popen(catcher, cwd=ROOT, start_new_session=True))
    base = os.environ.get("SAAS_BASE_DOMAIN", "localhost")
    print(
        f"\n  Site              http://{base}:{FRONTEND_PORT}/\n"
        f"  Demo organisation http://demo.{base}:{FRONTEND_PORT}/\n"
        f"  API docs          http://{base}:{PORT}/api/docs/  (an organisation's: http://demo.{base}:{PORT}/api/docs/)\n"
        f"  Admin             http://{base}:{PORT}/admin/\n"
        + (f"  Mail catcher      http://127.0.0.1:{MAIL_WEB_PORT}/\n" if mail_catcher else "")
        + "  Press Ctrl-C to stop everything.\n",
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
        _stop(children, leader_only={worker})


def _stop(children: list[subprocess.Popen[bytes]], leader_only: set[subprocess.Popen[bytes]]) -> None:
    """Each child leads its own process group (runserver's reloader, npm -> next -> next-server): ask the
    whole group to stop (SIGTERM: a child started in the background may ignore SIGINT), or only the leader
    for those in `leader_only`, which stop their own children; then kill what is left after 15 seconds."""
    print("Stopping ...", file=sys.stderr, flush=True)
    for child in children:
        if child in leader_only:
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
        else:
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
