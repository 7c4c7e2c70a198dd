"""End-to-end fixtures: the real backend, a real worker and the built frontend, driven by Debian's Chromium.

What a session starts, all bound to 127.0.0.1 and all stopped at the end:
- gunicorn serving Django with `tests.settings` on this run's test database (the same way the Celery worker
  of tests/plugins/celery_worker.py joins it: TEST_DATABASE_NAME and TEST_RUN_ID in its environment), with
  SAAS_URL_PORT set to the frontend's port so handoff and invitation links point at the frontend;
- `next start` serving the production build (`make e2e-prepare`), proxying /api to that gunicorn with the
  original Host header;
- Chromium through Playwright (never a downloaded browser: executable_path=/usr/bin/chromium).

The browser reaches every organisation as `http://<subdomain>.localhost:<port>/` (Chromium resolves
*.localhost to loopback). Tests use `live_db`: the servers only see committed rows, and what a test created
is removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink, free_port

from .support import ARTIFACTS, BASE_DOMAIN, CHROMIUM, CHROMIUM_ARGS, FRONTEND, ROOT, TIMEOUT_MS, Site


class Service:
    """A server subprocess in its own process group (npm starts node under it), with its log on disk."""

    def __init__(self, name: str, command: list[str], *, cwd: Path, env: dict[str, str]) -> None:
        self.name = name
        self.log = ARTIFACTS / "logs" / f"{name}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_until_ready(self, url: str, *, host: str, timeout: float = 90.0) -> None:
        """Polls `url` (with this Host header) until it answers 200, the process dies, or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.output()}")
            with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
                request = urllib.request.Request(url, headers={"Host": host})  # noqa: S310 (http on loopback)
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer {url} within {timeout:.0f}s:\n{self.output()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


@pytest.fixture(scope="session")
def e2e_prepared() -> None:
    """Chromium installed and the frontend built: `make e2e-prepare` (a no-op when both are up to date)."""
    result = subprocess.run(
        ["make", "--no-print-directory", "e2e-prepare"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"`make e2e-prepare` failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


@pytest.fixture(scope="session")
def site(
    e2e_prepared: None, django_db_setup: None, celery_worker: Worker, smtp_sink: SmtpSink, s3_server: str
) -> Iterator[Site]:
    backend_port, frontend_port = free_port(), free_port()
    services: list[Service] = []
    try:
        backend = Service(
            "backend",
            [
                sys.executable, "-m", "gunicorn", "saas.wsgi:application",
                "--bind", f"127.0.0.1:{backend_port}", "--workers", "2", "--threads", "4", "--timeout", "60",
                "--access-logfile", "-", "--error-logfile", "-",
                # No control socket: its default path is per user, and another gunicorn (make dev) may hold it.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                # Read now: setup_databases has pointed the settings at this run's test database.
                "TEST_DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
                "TEST_RUN_ID": os.environ["TEST_RUN_ID"],
                "SAAS_BASE_DOMAIN": BASE_DOMAIN,
                "SAAS_URL_SCHEME": "http",
                "SAAS_URL_PORT": str(frontend_port),
                "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
            },
        )  # fmt: skip
        services.append(backend)
        backend.wait_until_ready(f"http://127.0.0.1:{backend_port}/healthz", host=BASE_DOMAIN)
        frontend = Service(
            "frontend",
            # `-H localhost`, which binds 127.0.0.1 here (/etc/hosts), and not `-H 127.0.0.1`: Next.js normalises
            # loopback hosts to "localhost" in the proxy's URLs but not in the server's own origin, so with
            # `-H 127.0.0.1` every host rewrite of src/proxy.ts is proxied over HTTP back to the server itself,
            # endlessly (vercel/next.js#94745, open). The readiness check below goes to 127.0.0.1.
            ["npm", "run", "start", "--", "-p", str(frontend_port), "-H", "localhost"],
            cwd=FRONTEND,
            env={
                **os.environ,
                "BACKEND_URL": f"http://127.0.0.1:{backend_port}",
                "SAAS_BASE_DOMAIN": BASE_DOMAIN,
                "NEXT_TELEMETRY_DISABLED": "1",
            },
        )
        services.append(frontend)
        frontend.wait_until_ready(f"http://127.0.0.1:{frontend_port}/", host=f"{BASE_DOMAIN}:{frontend_port}")
        yield Site(port=frontend_port, smtp=smtp_sink)
    finally:
        for service in reversed(services):
            service.stop()


@pytest.fixture
def browser(live_db: None) -> Iterator[Browser]:
    """Chromium for one test, started after `live_db` and stopped before its clean-up: Playwright's sync API
    keeps an asyncio loop running in this thread, and Django's ORM must not run under it (its connections
    would live in another context and outlast the test database)."""
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: Any = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[[], Page]]:
    """A page in a fresh browser context (its own cookies: another person). On failure every open page
    is saved to test-artifacts/e2e/failures/ before the contexts are closed."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = ARTIFACTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        for c, context in enumerate(contexts):
            for p, page in enumerate(context.pages):
                with contextlib.suppress(Exception):
                    page.screenshot(path=folder / f"{request.node.name}-{c}-{p}.png", full_page=True)
    for context in contexts:
        context.close()
