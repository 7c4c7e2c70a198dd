"""MFA in a real browser: an organisation's member sets TOTP up in the profile (the test reads the setup key off
the page and computes the codes, as an authenticator app would), downloads the recovery codes, signs out, then
signs in with password + code (a wrong code first: refused on the page); on the public host a recovery code
signs in, once. Before the address is verified, allauth refuses to add an authenticator and the page says so.
Then the owner makes the organisation require MFA: an invited teammate without it is kept on the profile's MFA
section (with the organisation's banner) until they set it up, and then gets in.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from tests.plugins.smtp import body_of

from .support import (
    PASSWORD,
    Site,
    accessibility_violations,
    describe,
    screenshot,
    sign_in,
    sign_up,
    unique,
    wait_hydrated,
)

VERIFY_LINK = re.compile(r"https?://\S+/verify-email\?key=\S+")
INVALID_CODE = "This code is not valid. Check the code and try again."
PERIOD = 30


def totp_code(secret: str, offset: int = 0) -> str:
    """RFC 6238 over the current 30 s counter (allauth's own HOTP helpers, as in the integration tests)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // PERIOD + offset))


def fresh_totp_code(secret: str) -> str:
    """The code an app shows now; near the end of a period, the next period's (the server has no tolerance for a
    code that arrives after its period ended, and a person would wait for the next code too)."""
    if PERIOD - time.time() % PERIOD < 4:
        time.sleep(PERIOD - time.time() % PERIOD + 0.2)
    return totp_code(secret)


def wrong_code(secret: str) -> str:
    right = {totp_code(secret, offset) for offset in (-1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444") if code not in right)


def unlock_mfa_section(page: Page) -> None:
    section = page.get_by_role("form", name="Two-factor authentication")
    wait_hydrated(section.get_by_label("Password")).fill(PASSWORD)
    section.get_by_role("button", name="Continue").click()


def test_totp_setup_in_the_profile_then_sign_in_with_a_code(
    live_db: None, site: Site, new_page: Callable[[], Page]
) -> None:
    subdomain = unique("e2e-mfa")
    email = f"owner@{subdomain}.test"
    org = site.org_url(subdomain)
    page = new_page()
    sign_up(page, site, name="MFA E2E", subdomain=subdomain, email=email)

    # Before the address is verified: unlocked, but allauth refuses a new authenticator and the page says why.
    page.goto(f"{org}/profile")
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()
    unlock_mfa_section(page)
    expect(page.get_by_test_id("mfa-status")).to_have_text("Off")
    page.get_by_role("button", name="Set up authenticator app").click()
    unverified = "Verify your email address before you turn on two-factor authentication: use the link we emailed you."
    expect(page.get_by_role("alert").filter(has_text=unverified)).to_have_text(unverified)
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_have_count(0)

    # The verification email's link (sent by the worker at signup), opened in the same browser.
    message = site.smtp.wait_for(to=email, match=lambda m: "/verify-email?key=" in body_of(m))
    link = VERIFY_LINK.findall(body_of(message))[0]
    verifier = new_page()
    verifier.goto(link)
    expect(verifier.get_by_text("Your email address is verified.", exact=False)).to_be_visible()

    # Setup: the allauth session unlocked above is still good (memory only, same page).
    page.get_by_role("button", name="Set up authenticator app").click()
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    screenshot(page, "mfa-01-setup-qr")
    violations = accessibility_violations(page)
    assert violations == [], describe(violations)
    setup = page.get_by_role("form", name="Set up authenticator app")
    setup.get_by_label("Authentication code").fill(wrong_code(secret))
    setup.get_by_role("button", name="Turn on").click()
    expect(setup.get_by_text(INVALID_CODE)).to_be_visible()
    setup.get_by_label("Authentication code").fill(fresh_totp_code(secret))
    setup.get_by_role("button", name="Turn on").click()

    codes_list = page.get_by_role("list", name="Recovery codes")
    expect(codes_list).to_be_visible()
    expect(page.get_by_text("Two-factor authentication is on.")).to_be_visible()
    codes = [item.strip() for item in codes_list.get_by_role("listitem").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9]{8}", c) for c in codes), codes
    screenshot(page, "mfa-02-recovery-codes")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "recovery-codes-MFA-E2E.txt"
    text = download.path().read_text()
    assert text == (f"Recovery codes for {email} (MFA E2E). Each code works once.\n\n" + "\n".join(codes) + "\n"), text
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_test_id("mfa-status")).to_have_text("On")
    expect(page.get_by_text("Recovery codes: 10 of 10 unused")).to_be_visible()

    # Sign out, then in again: the password alone no longer signs in, a code from the app does.
    page.get_by_role("banner").get_by_role("button", name="Sign out", exact=True).click()
    # (The shell may add `?next=/profile`: it sees the session end before the sign-out's own redirect.)
    page.wait_for_url(re.compile(rf"^{re.escape(org)}/login(\?next=.*)?$"))
    sign_in(page, site, subdomain=subdomain, email=email)
    step = page.get_by_role("form", name="Two-factor authentication")
    expect(step.get_by_text("Enter the 6-digit code from your authenticator app.")).to_be_visible()
    code_field = step.get_by_label("Authentication code")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    code_field.fill(wrong_code(secret))
    step.get_by_role("button", name="Verify").click()
    expect(step.get_by_text(INVALID_CODE)).to_be_visible()
    expect(page).to_have_url(f"{org}/login")
    screenshot(page, "mfa-03-wrong-code")
    violations = accessibility_violations(page)
    assert violations == [], describe(violations)
    code_field.fill(fresh_totp_code(secret))
    step.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{org}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # Signed in for real: a reload keeps the session (the refresh cookie the MFA step set).
    page.reload()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    # The public host's sign-in asks too; a recovery code works there, once.
    public = new_page()
    for attempt in range(2):
        public.goto(f"{site.public_url}/login")
        wait_hydrated(public.get_by_label("Email")).fill(email)
        public.get_by_label("Password", exact=True).fill(PASSWORD)
        public.get_by_role("button", name="Sign in", exact=True).click()
        step = public.get_by_role("form", name="Two-factor authentication")
        step.get_by_role("button", name="Use a recovery code instead").click()
        step.get_by_label("Recovery code").fill(codes[0])
        step.get_by_role("button", name="Verify").click()
        if attempt == 0:
            public.wait_for_url(f"{site.public_url}/account")
            expect(public.get_by_role("button", name="Open MFA E2E")).to_be_visible()
            public.context.clear_cookies()
        else:
            expect(step.get_by_text(INVALID_CODE)).to_be_visible()
            expect(public).to_have_url(f"{site.public_url}/login")

    # The owner (with MFA) makes the organisation require it; an invited teammate without MFA is sent to the
    # profile's MFA section, whatever page they open, until they have set it up.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    page.wait_for_url(f"{org}/invitations")
    teammate_email = f"teammate@{subdomain}.test"
    page.get_by_label("Email address").fill(teammate_email)
    page.get_by_label("Role").select_option("member")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {teammate_email}.")).to_be_visible()
    # The API call from the owner's page (there is no switch in the UI yet): an access token from the page's own
    # refresh cookie, then PATCH. In the page, as its scripts would: only Chromium resolves *.localhost.
    status, body = page.evaluate(
        """async () => {
          const headers = { "X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json" };
          const refreshed = await fetch("/api/v1/auth/refresh/", { method: "POST", headers, body: "{}" });
          const { access } = await refreshed.json();
          const patched = await fetch("/api/v1/organisation/", {
            method: "PATCH",
            headers: { ...headers, Authorization: `Bearer ${access}` },
            body: JSON.stringify({ requireMfa: true }),
          });
          return [patched.status, await patched.json()];
        }"""
    )
    assert (status, body["requireMfa"]) == (200, True), body

    invitation = site.smtp.wait_for(to=teammate_email, match=lambda m: "/accept-invite?token=" in body_of(m))
    accept_link = re.findall(r"https?://\S+/accept-invite\?token=[\w-]+", body_of(invitation))[0]
    teammate = new_page()
    teammate.goto(accept_link)
    wait_hydrated(teammate.get_by_label("Your name")).fill("Tom Mate")
    teammate.get_by_label("Password", exact=True).fill(PASSWORD)
    teammate.get_by_role("button", name="Create account and join").click()
    teammate.wait_for_url(f"{org}/profile#mfa")
    banner = "MFA E2E requires two-factor authentication. Set up an authenticator app below to keep using it."
    expect(teammate.get_by_role("status").filter(has_text=banner)).to_be_visible()
    screenshot(teammate, "mfa-04-required")
    # Another page, opened by its address: the shell sends the teammate back.
    teammate.goto(f"{org}/projects")
    teammate.wait_for_url(f"{org}/profile#mfa")
    expect(teammate.get_by_role("status").filter(has_text=banner)).to_be_visible()

    # Once the teammate has set it up, the banner goes and the other pages work again.
    unlock_mfa_section(teammate)
    teammate.get_by_role("button", name="Set up authenticator app").click()
    teammate_secret = teammate.get_by_test_id("totp-secret").inner_text().strip()
    setup = teammate.get_by_role("form", name="Set up authenticator app")
    setup.get_by_label("Authentication code").fill(fresh_totp_code(teammate_secret))
    setup.get_by_role("button", name="Turn on").click()
    expect(teammate.get_by_role("list", name="Recovery codes")).to_be_visible()
    expect(teammate.get_by_role("status").filter(has_text=banner)).to_have_count(0)
    teammate.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    teammate.wait_for_url(f"{org}/projects")
    expect(teammate.get_by_role("heading", name="Projects", level=1)).to_be_visible()
    expect(teammate).to_have_url(f"{org}/projects")
