"""Issue 16's profile in Chromium against the built frontend: name, picture, password, sessions, and changing
the email address you sign in with.

The owner unlocks the section with the password, asks for a new address, the link arrives at that address
(the real worker and SMTP sink), is opened in the browser, and from then on the new address is the one the
profile shows and signs in; the old one no longer does."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, expect

from tests.plugins.smtp import body_of

from .support import (
    PASSWORD,
    TIMEOUT_MS,
    Site,
    accessibility_violations,
    describe,
    screenshot,
    sign_in,
    sign_up,
    unique,
)


@pytest.fixture
def storage_page(browser: Browser) -> Iterator[Page]:
    """A page whose context ignores the Content-Security-Policy, for the picture only: its presigned URL points
    at this run's S3 server on http://127.0.0.1, which `img-src 'self' data: blob: https:` refuses (as it
    should; production buckets are https). As in test_settings.py."""
    context: BrowserContext = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


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


def _png(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (16, 185, 129))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_name_picture_password_and_sessions(
    live_db: None, site: Site, storage_page: Page, new_page: Callable[[], Page]
) -> None:
    subdomain = unique("e2e-profile")
    org = site.org_url(subdomain)
    email = f"owner@{subdomain}.test"
    page = storage_page
    sign_up(page, site, name="Profile Co", subdomain=subdomain, email=email)
    other = new_page()  # a second sign-in, in another browser: a session the owner can end
    sign_in(other, site, subdomain=subdomain, email=email)
    other.wait_for_url(f"{org}/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    page.wait_for_url(f"{org}/profile")

    name = page.get_by_role("form", name="Your name")
    name.get_by_label("Name").fill("  Ada Lovelace ")
    name.get_by_role("button", name="Save").click()
    expect(name.get_by_role("status")).to_have_text("Your name has been saved.")
    expect(name.get_by_label("Name")).to_have_value("Ada Lovelace")

    # 600 x 300 in; the worker's copy is at most 256 px on its longer side.
    picture = page.get_by_role("form", name="Picture")
    png: FilePayload = {"name": "me.png", "mimeType": "image/png", "buffer": _png(600, 300)}
    picture.get_by_label("Choose an image").set_input_files(png)
    picture.get_by_role("button", name="Upload picture").click()
    expect(picture.get_by_role("status").filter(has_text="Your new picture is ready.")).to_be_visible()
    image = page.get_by_role("img", name="Your picture")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [256, 128]

    # Signup's account session on the public site, this one (its handoff), and the other browser's.
    sessions = page.get_by_role("list", name="Where you are signed in")
    expect(sessions.get_by_role("listitem")).to_have_count(3)
    expect(sessions.get_by_role("listitem").filter(has_text="Public site")).to_have_count(1)
    expect(sessions.get_by_role("listitem").filter(has_text="This session")).to_have_count(1)

    password = page.get_by_role("form", name="Change your password")
    password.get_by_label("Current password").fill("not the password")
    password.get_by_label("New password").fill("A better one, 2026!")
    password.get_by_role("button", name="Change password").click()
    expect(password.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")
    password.get_by_label("Current password").fill(PASSWORD)
    password.get_by_role("button", name="Change password").click()
    expect(password.get_by_role("status")).to_have_text(
        "Your password has been changed. Your other sessions were signed out."
    )
    page.reload()
    expect(page.get_by_role("list", name="Where you are signed in").get_by_role("listitem")).to_have_count(1)
    assert accessibility_violations(page) == [], describe(accessibility_violations(page))
    screenshot(page, "profile")

    # The other browser's session is gone: its next page load asks it to sign in.
    other.reload()
    other.wait_for_url(re.compile(re.escape(f"{org}/login")))

    page.get_by_role("button", name="Sign out everywhere").click()
    page.get_by_role("dialog", name="Sign out everywhere?").get_by_role("button", name="Sign out everywhere").click()
    page.wait_for_url(re.compile(re.escape(f"{org}/login")))
    page.goto(f"{org}/profile")
    page.wait_for_url(re.compile(re.escape(f"{org}/login")))
