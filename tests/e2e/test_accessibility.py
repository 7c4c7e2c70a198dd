"""axe-core (from the npm package) on the main pages, as rendered by the built frontend in Chromium:
no violation of impact "serious" or "critical" on any of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from .support import Site, accessibility_violations, describe, screenshot, sign_up, unique, wait_hydrated


def test_main_pages_have_no_serious_accessibility_violations(
    live_db: None, site: Site, new_page: Callable[[], Page]
) -> None:
    subdomain = unique("e2e-a11y")
    found: dict[str, list[dict[str, Any]]] = {}

    def check(page: Page, name: str) -> None:
        found[name] = accessibility_violations(page)
        screenshot(page, f"a11y-{name}")

    visitor = new_page()
    visitor.goto(f"{site.public_url}/")
    expect(visitor.get_by_role("heading", level=1)).to_be_visible()
    check(visitor, "landing")
    visitor.goto(f"{site.public_url}/signup")
    wait_hydrated(visitor.get_by_label("Organisation name"))
    check(visitor, "signup")
    visitor.goto(f"{site.public_url}/login")
    wait_hydrated(visitor.get_by_label("Email"))
    check(visitor, "account-sign-in")

    owner = new_page()
    sign_up(owner, site, name="Accessible Co", subdomain=subdomain, email=f"owner@{subdomain}.test")
    check(owner, "dashboard")
    nav = owner.get_by_role("navigation", name="Main")
    for link, heading, ready in [
        ("Members", "Members", lambda: owner.get_by_role("table")),
        ("Invitations", "Invitations", lambda: owner.get_by_text("No pending invitations.")),
        ("Projects", "Projects", lambda: owner.get_by_text("No projects yet.")),
        ("Files", "Files", lambda: owner.get_by_text("No files yet.")),
    ]:
        nav.get_by_role("link", name=link).click()
        expect(owner.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
        expect(ready()).to_be_visible()  # loaded, not the spinner
        check(owner, link.lower())

    visitor.goto(f"{site.org_url(subdomain)}/login")
    wait_hydrated(visitor.get_by_label("Email"))
    check(visitor, "organisation-sign-in")

    failures = {name: violations for name, violations in found.items() if violations}
    assert not failures, "\n\n".join(f"{name}:\n{describe(violations)}" for name, violations in failures.items())
