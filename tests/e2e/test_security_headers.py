"""The built frontend (`next start`) under its own security headers, in a real browser (issue 11, item 8 and
the headers): the CSP, X-Frame-Options and Referrer-Policy come from next.config.ts with the values nginx
also sends, the app still runs under that CSP (no violation reported), and a reload restores the session
from the refresh cookie, which the API now honours only with the X-Requested-With header the axios client sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from playwright.sync_api import ConsoleMessage, Page, expect

from shared_apps.accounts.signup import Signup

from .support import ROOT, Site, sign_up, unique, wait_hydrated

SECURITY = json.loads((ROOT / "frontend" / "src" / "lib" / "security-headers.json").read_text())


def _watch_csp(page: Page) -> list[str]:
    """Chromium reports every blocked script, style or request on the console."""
    violations: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", seen)
    return violations


def test_pages_send_the_security_headers_and_token_pages_no_referrer(
    live_db: None, site: Site, new_page: Callable[[], Page], acme: Signup
) -> None:
    page = new_page()
    violations = _watch_csp(page)
    login = page.goto(f"{site.public_url}/login")
    assert login is not None and login.status == 200
    assert login.headers["content-security-policy"] == SECURITY["contentSecurityPolicy"]
    assert login.headers["x-frame-options"] == "DENY"
    assert login.headers["x-content-type-options"] == "nosniff"
    assert login.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    wait_hydrated(page.get_by_label("Email"))  # the app's scripts ran under the policy

    org = site.org_url("acme")  # the session's organisation (the acme fixture: requested, not left to another test)
    for url in (
        f"{site.public_url}/reset-password?key=secret-key",
        f"{site.public_url}/verify-email?key=secret-key",
        f"{org}/accept-invite?token=secret-token",
        f"{org}/reset-password?key=secret-key",
        f"{org}/verify-email?key=secret-key",
        f"{org}/auth/handoff?code=secret-code",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert response.headers["referrer-policy"] == "no-referrer", url
        assert response.headers["content-security-policy"] == SECURITY["contentSecurityPolicy"], url
    assert violations == []


def test_a_reload_restores_the_session_from_the_cookie(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    subdomain = unique("e2e-csrf")
    page = new_page()
    violations = _watch_csp(page)
    sign_up(page, site, name="Csrf E2E", subdomain=subdomain, email=f"owner@{subdomain}.test")
    refreshes: list[int] = []
    page.on("response", lambda r: refreshes.append(r.status) if r.url.endswith("/api/v1/auth/refresh/") else None)

    page.reload()  # the access token lived in memory only: the refresh cookie brings the session back

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert page.url == f"{site.org_url(subdomain)}/"
    assert 200 in refreshes and 403 not in refreshes
    assert violations == []
