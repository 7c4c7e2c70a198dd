"""Password reset on the public host, in a real browser: /login -> "Forgot your password?" -> /forgot-password ->
the emailed /reset-password?key=... link -> /login?passwordReset=1, signed in with the new password; and a
garbage key answered on the page with nothing changed.

The account is an organisation's owner signed up through the public site (support.sign_up), in a browser context
of its own; the reset happens in another, as someone who lost their password would do it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.plugins.smtp import body_of

from .support import PASSWORD, Site, screenshot, sign_up, unique, wait_hydrated

NEW_PASSWORD = "e2e-Battery-Staple-77"
# allauth's answer to a key that does not (or no longer) match the account, shown as the page's error.
INVALID_KEY = "The password reset token was invalid."
RESET_LINK = re.compile(r"https?://\S+/reset-password\?key=\S+")


def api_login_status(page: Page, site: Site, *, email: str, password: str) -> int:
    """The status of the public host's login API (through `next start`, as the browser calls it) for these
    credentials: 200 when they are right, 401 when not."""
    response = page.request.post(f"{site.public_url}/api/v1/auth/login/", data={"email": email, "password": password})
    return response.status


def sign_in_on_public_host(page: Page, *, email: str, password: str) -> None:
    """Fills the public host's account sign-in form (already open) and submits it; the caller checks the outcome."""
    wait_hydrated(page.get_by_label("Email")).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_password_reset_on_the_public_host(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    subdomain = unique("e2e-reset")
    email = f"owner@{subdomain}.test"
    sign_up(new_page(), site, name="Reset E2E", subdomain=subdomain, email=email)

    # Someone who forgot the password, in another browser: sign-in page -> "Forgot your password?".
    visitor = new_page()
    visitor.goto(f"{site.public_url}/login")
    wait_hydrated(visitor.get_by_label("Email"))
    visitor.get_by_role("link", name="Forgot your password?").click()
    visitor.wait_for_url(f"{site.public_url}/forgot-password")
    expect(visitor.get_by_role("heading", name="Reset your password")).to_be_visible()
    wait_hydrated(visitor.get_by_label("Email")).fill(email)
    screenshot(visitor, "password-reset-01-forgot-password")
    visitor.get_by_role("button", name="Send reset link").click()
    expect(visitor.get_by_text(f"If an account exists for {email}, a reset link is on its way.")).to_be_visible()
    screenshot(visitor, "password-reset-02-forgot-password-sent")

    # The email (sent by the worker) links to the public host's /reset-password.
    message = site.smtp.wait_for(to=email, match=lambda m: "/reset-password?key=" in body_of(m))
    links = RESET_LINK.findall(body_of(message))
    assert links, body_of(message)
    link = links[0]
    assert link.startswith(f"{site.public_url}/reset-password?key="), link

    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="Choose a new password")).to_be_visible()
    wait_hydrated(visitor.get_by_label("New password")).fill(NEW_PASSWORD)
    screenshot(visitor, "password-reset-03-reset-password")
    visitor.get_by_role("button", name="Set new password").click()
    visitor.wait_for_url(f"{site.public_url}/login?passwordReset=1")
    expect(visitor.get_by_role("status")).to_have_text("Your password was changed. Sign in with your new password.")
    screenshot(visitor, "password-reset-04-login-password-changed")

    # The old password is refused, in the form and by the API...
    sign_in_on_public_host(visitor, email=email, password=PASSWORD)
    expect(visitor.get_by_role("alert").filter(has_text="Wrong email or password")).to_be_visible()
    expect(visitor).to_have_url(f"{site.public_url}/login?passwordReset=1")
    assert api_login_status(visitor, site, email=email, password=PASSWORD) == 401

    # ...and the new one signs in: the account's organisation switcher lists the organisation.
    sign_in_on_public_host(visitor, email=email, password=NEW_PASSWORD)
    visitor.wait_for_url(f"{site.public_url}/account")
    expect(visitor.get_by_role("heading", name="Your organisations")).to_be_visible()
    expect(visitor.get_by_role("button", name="Open Reset E2E")).to_be_visible()
    screenshot(visitor, "password-reset-05-account")

    # The link is spent: opened again, it is refused on the page and the password stays the new one.
    replay = new_page()
    replay.goto(link)
    wait_hydrated(replay.get_by_label("New password")).fill("e2e-Replayed-Link-13")
    replay.get_by_role("button", name="Set new password").click()
    expect(replay.get_by_role("alert").filter(has_text=INVALID_KEY)).to_be_visible()
    expect(replay.get_by_role("link", name="Ask for a new link")).to_be_visible()
    expect(replay).to_have_url(link)
    assert api_login_status(replay, site, email=email, password="e2e-Replayed-Link-13") == 401
    assert api_login_status(replay, site, email=email, password=NEW_PASSWORD) == 200


def test_reset_with_a_garbage_key_shows_an_error_and_changes_nothing(
    live_db: None, site: Site, new_page: Callable[[], Page]
) -> None:
    subdomain = unique("e2e-badkey")
    email = f"owner@{subdomain}.test"
    sign_up(new_page(), site, name="Bad Key E2E", subdomain=subdomain, email=email)

    visitor = new_page()
    garbage = f"{site.public_url}/reset-password?key=not-a-real-key"
    visitor.goto(garbage)
    expect(visitor.get_by_role("heading", name="Choose a new password")).to_be_visible()
    wait_hydrated(visitor.get_by_label("New password")).fill(NEW_PASSWORD)
    visitor.get_by_role("button", name="Set new password").click()
    # allauth's "invalid link" answer, shown with a way to ask for a new link; the form is still there.
    expect(visitor.get_by_role("alert").filter(has_text=INVALID_KEY)).to_be_visible()
    expect(visitor.get_by_role("link", name="Ask for a new link")).to_have_attribute("href", "/forgot-password")
    expect(visitor.get_by_role("button", name="Set new password")).to_be_enabled()
    expect(visitor).to_have_url(garbage)
    screenshot(visitor, "password-reset-06-invalid-key")

    assert api_login_status(visitor, site, email=email, password=NEW_PASSWORD) == 401
    assert api_login_status(visitor, site, email=email, password=PASSWORD) == 200
