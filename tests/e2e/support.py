"""What the browser tests share: where things are, screenshots, the axe-core check, and signing up in the UI."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.plugins.smtp import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
# axe-core from the npm package (a devDependency of frontend/), injected into the page under test.
AXE_SCRIPT = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
BASE_DOMAIN = "localhost"
# Generous for a 2-core machine running Django, Next.js, a worker and Chromium at once; every wait is on
# an element or a URL, so a passing run never waits this long.
TIMEOUT_MS = 20_000
PASSWORD = "e2e-Correct-Horse-42"
# Every page of an organisation's host behind sign-in, and the public site's pages: what the whole-site checks visit.
ORGANISATION_PAGES = [
    "/", "/projects", "/files", "/members", "/invitations", "/exports", "/billing", "/audit", "/profile", "/settings",
]  # fmt: skip
PUBLIC_PAGES = ["/", "/plans", "/signup", "/login"]

expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class Site:
    """The frontend as the browser reaches it, and the SMTP sink every email of the run lands in."""

    port: int
    smtp: SmtpSink

    @property
    def public_url(self) -> str:
        return f"http://{BASE_DOMAIN}:{self.port}"

    def org_url(self, subdomain: str) -> str:
        return f"http://{subdomain}.{BASE_DOMAIN}:{self.port}"


def unique(prefix: str) -> str:
    """A subdomain (or address part) no other run or test uses: the session fixtures own "acme" and "globex"."""
    unique.counter += 1  # type: ignore[attr-defined]
    return f"{prefix}-{os.environ['TEST_RUN_ID'][:8]}-{unique.counter}"  # type: ignore[attr-defined]


unique.counter = 0  # type: ignore[attr-defined]


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot kept as a test artifact (test-artifacts/e2e/<name>.png, git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"
    page.screenshot(path=path, full_page=True)
    return path


@cache
def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run `make frontend-install` (axe-core is a devDependency)")
    return AXE_SCRIPT.read_text()


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (all of axe's default rules)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: no <script> tag, so no Content-Security-Policy in the way.
        page.evaluate(_axe_source())
    results: dict[str, Any] = page.evaluate("() => window.axe.run(document, { resultTypes: ['violations'] })")
    return [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} -> {targets}")
    return "\n".join(lines)


def settle(page: Page) -> None:
    """The page has loaded what it loads (no request for half a second) and shows its heading."""
    page.wait_for_load_state("networkidle")
    page.get_by_role("heading").first.wait_for()


def toasts(page: Page) -> Locator:
    """The root layout's toaster (sonner): what an action did is announced there, politely, for a few seconds."""
    return page.get_by_role("region", name="Notifications (Alt+T)")


def wait_hydrated(field: Locator) -> Locator:
    """Waits until React has hydrated this server-rendered element: typing into it before then is lost when
    hydration resets the controlled value. React attaches its props to the DOM node when it takes it over."""
    field.wait_for()
    field.page.wait_for_function(
        "el => Object.keys(el).some(key => key.startsWith('__reactProps$'))", arg=field.element_handle()
    )
    return field


def sign_up(page: Page, site: Site, *, name: str, subdomain: str, email: str, full_name: str = "") -> None:
    """Signs an organisation up through the public site's form and waits until its dashboard shows, signed in."""
    page.goto(f"{site.public_url}/signup")
    form = page.get_by_role("form", name="Create your organisation")
    wait_hydrated(form.get_by_label("Organisation name")).fill(name)
    form.get_by_label("Subdomain", exact=True).fill(subdomain)
    # The live availability check has answered for this subdomain.
    expect(form.get_by_text("Available", exact=False)).to_be_visible()
    if full_name:
        form.get_by_label("Your name (optional)").fill(full_name)
    form.get_by_label("Work email").fill(email)
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_role("button", name="Create organisation").click()
    # signup -> account login -> one-time handoff link -> the organisation's own host, signed in.
    page.wait_for_url(f"{site.org_url(subdomain)}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def sign_in(page: Page, site: Site, *, subdomain: str, email: str, password: str = PASSWORD) -> None:
    """Fills the organisation's sign-in form and submits it (the caller checks the outcome)."""
    page.goto(f"{site.org_url(subdomain)}/login")
    wait_hydrated(page.get_by_label("Email")).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
