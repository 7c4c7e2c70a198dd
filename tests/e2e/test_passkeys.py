"""Passkeys in a real browser: Chromium's virtual authenticator (CDP WebAuthn domain) plays the platform
authenticator. An organisation's owner adds a passkey in the profile (allauth's creation options, the
browser's navigator.credentials.create), gets recovery codes with it, signs out, and signs in with password
+ passkey (navigator.credentials.get against the kit's second step). With the passkey gone from the device,
the step says no passkey was used and stays; a recovery code still signs in. And passwordless: the same
passkey signs in from the sign-in page with nothing typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.plugins.smtp import body_of

from .support import Site, accessibility_violations, describe, screenshot, sign_in, sign_up, unique, wait_hydrated
from .test_mfa import VERIFY_LINK, unlock_mfa_section

PASSWORDLESS_FAILED = (
    "No passkey was used: the request was cancelled or timed out, or this device has no passkey for this "
    "organisation. Try again, or sign in with your email and password."
)
PASSKEY_FAILED = (
    "No passkey was used: the request was cancelled, timed out, or this device has no passkey for this account. "
    "Try again."
)


def virtual_authenticator(page: Page) -> tuple[Any, str]:
    """A CTAP2 platform authenticator that verifies the user at once (as a fingerprint would)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, str(added["authenticatorId"])


def test_a_passkey_added_in_the_profile_signs_in(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    subdomain = unique("e2e-passkey")
    email = f"owner@{subdomain}.test"
    org = site.org_url(subdomain)
    page = new_page()
    cdp, authenticator_id = virtual_authenticator(page)
    sign_up(page, site, name="Passkey E2E", subdomain=subdomain, email=email)
    # allauth adds authenticators only for a verified address.
    message = site.smtp.wait_for(to=email, match=lambda m: "/verify-email?key=" in body_of(m))
    verifier = new_page()
    verifier.goto(VERIFY_LINK.findall(body_of(message))[0])
    expect(verifier.get_by_text("Your email address is verified.", exact=False)).to_be_visible()

    page.goto(f"{org}/profile")
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()
    unlock_mfa_section(page)
    expect(page.get_by_test_id("mfa-status")).to_have_text("Off")
    page.get_by_role("button", name="Add a passkey").click()
    form = page.get_by_role("form", name="Add a passkey")
    form.get_by_label("Name (optional)").fill("Work laptop")
    form.get_by_role("button", name="Create passkey").click()
    # The first passkey comes with recovery codes, shown once.
    codes_list = page.get_by_role("list", name="Recovery codes")
    expect(codes_list).to_be_visible()
    codes = [item.strip() for item in codes_list.get_by_role("listitem").all_inner_texts()]
    assert len(codes) == 10, codes
    expect(page.get_by_text("Passkey added.")).to_be_visible()
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_test_id("mfa-status")).to_have_text("On")
    passkeys = page.get_by_role("list", name="Passkeys")
    expect(passkeys.get_by_role("listitem")).to_have_count(1)
    expect(passkeys.get_by_role("listitem")).to_contain_text("Work laptop (added ")
    screenshot(page, "passkeys-01-profile")
    violations = accessibility_violations(page)
    assert violations == [], describe(violations)
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert [c["rpId"] for c in stored] == [f"{subdomain}.localhost"]

    # Sign out, then in: after the password the step offers the passkey first, and it signs in.
    page.get_by_role("banner").get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(org)}/login(\?next=.*)?$"))
    sign_in(page, site, subdomain=subdomain, email=email)
    step = page.get_by_role("form", name="Two-factor authentication")
    expect(step.get_by_text("Use the passkey you added to this account", exact=False)).to_be_visible()
    screenshot(page, "passkeys-02-challenge")
    violations = accessibility_violations(page)
    assert violations == [], describe(violations)
    step.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{org}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    # The passkey gone from this device: the browser finds none, the step says so and stays; a code still works.
    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator_id})
    page.get_by_role("banner").get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(org)}/login(\?next=.*)?$"))
    sign_in(page, site, subdomain=subdomain, email=email)
    step = page.get_by_role("form", name="Two-factor authentication")
    step.get_by_role("button", name="Use a passkey").click()
    expect(step.get_by_text(PASSKEY_FAILED)).to_be_visible()
    expect(page).to_have_url(f"{org}/login")
    step.get_by_role("button", name="Use a recovery code instead").click()
    wait_hydrated(step.get_by_label("Recovery code")).fill(codes[0])
    step.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{org}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_a_passkey_signs_in_with_no_password(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    """Passwordless: the passkey added in the profile (for signing in without a password, the default) is a
    discoverable credential; on the sign-in page "Sign in with a passkey" signs in with nothing typed."""
    subdomain = unique("e2e-passwordless")
    email = f"owner@{subdomain}.test"
    org = site.org_url(subdomain)
    page = new_page()
    cdp, authenticator_id = virtual_authenticator(page)
    sign_up(page, site, name="Passwordless E2E", subdomain=subdomain, email=email)
    message = site.smtp.wait_for(to=email, match=lambda m: "/verify-email?key=" in body_of(m))
    verifier = new_page()
    verifier.goto(VERIFY_LINK.findall(body_of(message))[0])
    expect(verifier.get_by_text("Your email address is verified.", exact=False)).to_be_visible()

    page.goto(f"{org}/profile")
    unlock_mfa_section(page)
    page.get_by_role("button", name="Add a passkey").click()
    form = page.get_by_role("form", name="Add a passkey")
    expect(form.get_by_role("checkbox", name="Also sign in with it, without a password")).to_be_checked()
    form.get_by_label("Name (optional)").fill("Phone")
    form.get_by_role("button", name="Create passkey").click()
    expect(page.get_by_role("list", name="Recovery codes")).to_be_visible()
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("list", name="Passkeys").get_by_role("listitem")).to_contain_text("Phone (added ")
    expect(page.get_by_role("list", name="Passkeys")).to_contain_text("signs in without a password")
    [stored] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    # Held by the authenticator with the account's handle: the browser can offer it with no account named.
    assert (stored["rpId"], stored["isResidentCredential"]) == (f"{subdomain}.localhost", True)

    page.get_by_role("banner").get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(org)}/login(\?next=.*)?$"))
    button = wait_hydrated(page.get_by_role("button", name="Sign in with a passkey"))
    expect(page.get_by_label("Email")).to_have_value("")
    screenshot(page, "passkeys-03-passwordless")
    violations = accessibility_violations(page)
    assert violations == [], describe(violations)
    button.click()
    # Back to where the sign-out left (the login page's `next`), signed in.
    page.wait_for_url(f"{org}/profile")
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()
    expect(page.get_by_text(email).first).to_be_visible()
    page.reload()  # the refresh cookie of a kit login
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()
    [used] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert used["signCount"] >= 1

    # With the passkey gone from the device, the browser finds none: the page says so and stays.
    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator_id})
    page.get_by_role("banner").get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(org)}/login(\?next=.*)?$"))
    wait_hydrated(page.get_by_role("button", name="Sign in with a passkey")).click()
    expect(page.get_by_role("alert").filter(has_text="No passkey was used")).to_have_text(PASSWORDLESS_FAILED)
    expect(page).to_have_url(re.compile(rf"^{re.escape(org)}/login"))
