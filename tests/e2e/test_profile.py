"""Issue 16's profile in Chromium against the built frontend: changing the email address you sign in with.

The owner unlocks the section with the password, asks for a new address, the link arrives at that address
(the real worker and SMTP sink), is opened in the browser, and from then on the new address is the one the
profile shows and signs in; the old one no longer does."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.plugins.smtp import body_of

from .support import PASSWORD, Site, accessibility_violations, describe, screenshot, sign_in, sign_up, unique


def test_the_email_address_changes_once_the_link_sent_to_it_is_opened(
    live_db: None, site: Site, new_page: Callable[[], Page]
) -> None:
    subdomain = unique("e2e-email")
    org = site.org_url(subdomain)
    old, new = f"owner@{subdomain}.test", f"renamed@{subdomain}.test"
    page = new_page()
    sign_up(page, site, name="Email Co", subdomain=subdomain, email=old)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    page.wait_for_url(f"{org}/profile")
    section = page.get_by_role("form", name="Email address")
    section.get_by_label("Password").fill(PASSWORD)
    section.get_by_role("button", name="Continue").click()
    change = page.get_by_role("form", name="Change email address")
    change.get_by_label("New email address").fill(new)
    change.get_by_role("button", name="Change email address").click()
    expect(page.get_by_text(f"We sent a link to {new}. Your email address changes when you open it.")).to_be_visible()
    expect(page.get_by_text(f"Waiting for you to open the link sent to {new}.", exact=False)).to_be_visible()
    assert accessibility_violations(page) == [], describe(accessibility_violations(page))
    screenshot(page, "profile-email-pending")

    message = site.smtp.wait_for(to=new, match=lambda m: "/verify-email?key=" in body_of(m))
    link = re.findall(r"https?://\S+/verify-email\?key=\S+", body_of(message))[0]
    assert link.startswith(f"{org}/verify-email?key="), link
    page.goto(link)
    expect(page.get_by_text("Your email address is verified. Thank you!")).to_be_visible()
    page.goto(f"{org}/profile")
    expect(page.get_by_text(f"You sign in with {new}.")).to_be_visible()

    # The new address signs in; the old one is nobody's now.
    fresh = new_page()
    sign_in(fresh, site, subdomain=subdomain, email=new)
    expect(fresh.get_by_role("navigation", name="Main")).to_be_visible()
    refused = new_page()
    sign_in(refused, site, subdomain=subdomain, email=old)
    expect(refused.locator("main").get_by_role("alert")).to_have_text(
        "Wrong email or password, or this account is not a member of this organisation."
    )
    assert refused.url.startswith(f"{org}/login")
