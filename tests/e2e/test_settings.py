"""Issue 16's organisation settings in Chromium against the built frontend: the owner renames the organisation
(the header follows), uploads a PNG logo that the real worker resizes (the page shows "processing", reads the
organisation again and then shows the copy, at most 256 px), and an invited member sees the page read-only
(no rename, no logo upload, no owner sections) and leaves it through a confirmation dialog."""

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
    sign_up,
    toasts,
    unique,
    wait_hydrated,
)


def _png(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (79, 70, 229))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def storage_page(browser: Browser) -> Iterator[Page]:
    """A page whose context ignores the Content-Security-Policy. Only because of where this run keeps objects:
    the logo's presigned URL points at the S3 server on http://127.0.0.1 (tests/plugins/s3.py), which the
    policy's `img-src 'self' data: blob: https:` refuses, as it should; production buckets are https."""
    context: BrowserContext = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_owner_renames_and_uploads_a_logo_member_sees_it_read_only(
    live_db: None, site: Site, new_page: Callable[[], Page], storage_page: Page
) -> None:
    subdomain = unique("e2e-settings")
    org = site.org_url(subdomain)
    owner = storage_page
    sign_up(owner, site, name="Settings Co", subdomain=subdomain, email=f"owner@{subdomain}.test")

    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    owner.wait_for_url(f"{org}/settings")
    expect(owner.get_by_role("heading", name="Settings", level=1)).to_be_visible()

    # Rename: the header (from /me) shows the new name.
    general = owner.get_by_role("form", name="Organisation")
    general.get_by_label("Organisation name").fill("Settings Renamed")
    general.get_by_role("button", name="Save").click()
    expect(toasts(owner).get_by_text("The organisation has been renamed.")).to_be_visible()
    expect(owner.locator("header").get_by_role("link", name="Settings Renamed", exact=True)).to_be_visible()

    # Logo: 640 x 400 in, processing while the worker resizes it, then the 256 x 160 copy is shown.
    logo = owner.get_by_role("form", name="Logo")
    png: FilePayload = {"name": "logo.png", "mimeType": "image/png", "buffer": _png(640, 400)}
    logo.get_by_label("Choose an image").set_input_files(png)
    logo.get_by_role("button", name="Upload logo").click()
    expect(owner.get_by_role("status").filter(has_text="Processing the logo…")).to_be_visible()
    expect(toasts(owner).get_by_text("The new logo is ready.")).to_be_visible()
    image = owner.get_by_role("img", name="Logo of Settings Renamed")
    owner.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    size = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size == [256, 160], size
    assert accessibility_violations(owner) == [], describe(accessibility_violations(owner))
    screenshot(owner, "settings-owner")

    # A member, invited and signed in in another browser context: the same page, read-only.
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    owner.wait_for_url(f"{org}/invitations")
    member_email = f"member@{subdomain}.test"
    owner.get_by_label("Email address").fill(member_email)
    owner.get_by_label("Role").select_option("member")
    owner.get_by_role("button", name="Send invitation").click()
    expect(owner.get_by_text(f"Invitation sent to {member_email}.")).to_be_visible()
    invitation = site.smtp.wait_for(to=member_email, match=lambda m: "/accept-invite?token=" in body_of(m))
    link = re.findall(r"https?://\S+/accept-invite\?token=[\w-]+", body_of(invitation))[0]

    # The page in French, and at phone width without horizontal scrolling.
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    owner.wait_for_url(f"{org}/settings")
    owner.get_by_role("combobox", name="Language").select_option("fr")
    expect(owner.get_by_role("heading", name="Paramètres", level=1)).to_be_visible()
    expect(owner.get_by_role("switch", name="Exiger l'authentification à deux facteurs")).to_have_attribute(
        "aria-checked", "false"
    )
    owner.set_viewport_size({"width": 375, "height": 800})
    expect(owner.get_by_role("heading", name="Zone de danger")).to_be_visible()
    assert owner.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(owner, "settings-owner-fr-375")

    member = new_page()
    member.goto(link)
    wait_hydrated(member.get_by_label("Your name")).fill("Mia Member")
    member.get_by_label("Password", exact=True).fill(PASSWORD)
    member.get_by_role("button", name="Create account and join").click()
    member.wait_for_url(f"{org}/")
    member.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    member.wait_for_url(f"{org}/settings")
    expect(member.get_by_text("Only owners and admins can change these settings.")).to_be_visible()
    details = member.locator("dl")
    expect(details.locator("dd").first).to_have_text("Settings Renamed")
    expect(member.get_by_text("Only owners and admins can change the logo.")).to_be_visible()
    expect(member.get_by_role("textbox")).to_have_count(0)
    expect(member.get_by_label("Choose an image")).to_have_count(0)
    expect(member.get_by_role("switch")).to_have_count(0)
    expect(member.get_by_role("heading", name="Single sign-on (SSO)")).to_have_count(0)
    expect(member.get_by_role("button", name="Delete organisation")).to_have_count(0)
    expect(member.get_by_role("button", name="Leave organisation")).to_be_enabled()
    assert accessibility_violations(member) == [], describe(accessibility_violations(member))
    screenshot(member, "settings-member")

    # Leaving goes through a native modal dialog: Escape closes it and gives focus back; confirmed, the member
    # is signed out here and sent to the public site (its account page asks them to sign in there).
    leave = member.get_by_role("button", name="Leave organisation")
    leave.click()
    dialog = member.get_by_role("dialog", name="Leave Settings Renamed?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    assert accessibility_violations(member) == [], describe(accessibility_violations(member))
    member.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(leave).to_be_focused()
    leave.click()
    dialog.get_by_role("button", name="Leave organisation").click()
    member.wait_for_url(f"{site.public_url}/login?next=/account")
    member.goto(f"{org}/settings")
    member.wait_for_url(f"{org}/login?next=%2Fsettings")
