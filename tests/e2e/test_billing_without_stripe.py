"""Issue 16 items 1 and 5 in Chromium against the built frontend: billing with no Stripe key (as in `make dev`)
shows the free plan, its limits and usage and says upgrades are unavailable; an address where no organisation
lives is a 404 page saying so; the public header knows who is signed in; pricing keeps the chosen plan; a file
over the size limit is refused before any of it is sent; /signup hydrates without a mismatch."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import FilePayload, Page, Request, expect

from .support import Site, accessibility_violations, describe, screenshot, sign_up, unique, wait_hydrated

MB = 1024 * 1024


def _no_horizontal_overflow(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_billing_without_stripe_shows_the_free_plan(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    subdomain = unique("e2e-billing")
    owner = new_page()
    sign_up(owner, site, name="Billing Co", subdomain=subdomain, email=f"owner@{subdomain}.test")

    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Billing").click()
    owner.wait_for_url(f"{site.org_url(subdomain)}/billing")
    notice = owner.get_by_role("status").filter(has_text="Upgrades are unavailable")
    expect(notice).to_have_text(
        "Upgrades are unavailable"
        "Billing is not configured on this server, so this organisation stays on the free plan. "
        "Ask your operator to configure Stripe (STRIPE_SECRET_KEY) to offer paid plans."
    )
    card = owner.locator("dl")
    expect(card.locator("div", has=owner.get_by_text("Plan", exact=True)).locator("dd")).to_have_text("Free")
    expect(card.locator("div", has=owner.get_by_text("Seats", exact=True)).locator("dd")).to_have_text("1 of 3 used")
    expect(card.locator("div", has=owner.get_by_text("Storage", exact=True)).locator("dd")).to_have_text(
        "0 byte of 1 GB used"
    )
    expect(owner.get_by_role("meter", name="Seats")).to_have_attribute("aria-valuenow", "1")
    expect(owner.get_by_text("This could not be loaded.")).to_have_count(0)
    expect(owner.get_by_role("button", name="Manage billing")).to_have_count(0)
    assert accessibility_violations(owner) == [], describe(accessibility_violations(owner))
    screenshot(owner, "billing-without-stripe")

    owner.set_viewport_size({"width": 375, "height": 800})
    expect(notice).to_be_visible()
    assert _no_horizontal_overflow(owner)
    screenshot(owner, "billing-without-stripe-375")

    # French, from the language switch.
    owner.set_viewport_size({"width": 1280, "height": 900})
    owner.get_by_role("combobox", name="Language").select_option("fr")
    expect(owner.get_by_text("Offres payantes indisponibles")).to_be_visible()
    expect(card.locator("div", has=owner.get_by_text("Sièges", exact=True)).locator("dd")).to_have_text(
        "1 sur 3 utilisés"
    )
    owner.get_by_role("combobox", name="Langue").select_option("en")

    # The files page: the limit in MB, and a 27 MB file refused before a byte of it is sent.
    uploads: list[Request] = []
    owner.on("request", lambda r: uploads.append(r) if r.method == "POST" and "/api/v1/files/" in r.url else None)
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Files").click()
    expect(owner.get_by_text("Up to 25 MB per file.")).to_be_visible()
    big: FilePayload = {"name": "video.pdf", "mimeType": "application/pdf", "buffer": b"\0" * (27 * MB)}
    owner.get_by_label("Choose a file to upload").set_input_files(big)
    expect(owner.locator("form").get_by_role("alert")).to_have_text(
        "video.pdf is 27 MB: files can be at most 25 MB. Nothing was uploaded."
    )
    expect(owner.get_by_role("button", name="Upload", exact=True)).to_be_disabled()
    assert uploads == []

    # Signed up on the public site too: its header offers the account's organisations and sign out.
    owner.goto(f"{site.public_url}/")
    header = owner.get_by_role("navigation", name="Main")
    expect(header.get_by_role("link", name="Your organisations")).to_be_visible()
    expect(header.get_by_role("link", name="Sign in")).to_have_count(0)
    header.get_by_role("button", name="Sign out").click()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    owner.reload()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()


def test_an_unknown_organisation_is_not_found(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    page = new_page()
    for path in ["/login", "/", "/billing"]:
        response = page.goto(f"{site.org_url('nosuchorg-e2e')}{path}")
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", name="No organisation here")).to_be_visible()
        expect(page.get_by_text("No organisation lives at nosuchorg-e2e.localhost.", exact=False)).to_be_visible()
        expect(page.get_by_text("Sign in to", exact=False)).to_have_count(0)
    expect(page.get_by_role("link", name="Create an organisation")).to_have_attribute(
        "href", f"{site.public_url}/signup"
    )
    assert accessibility_violations(page) == [], describe(accessibility_violations(page))
    screenshot(page, "organisation-not-found")


def test_pricing_keeps_the_plan_and_signup_hydrates_cleanly(
    live_db: None, site: Site, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site.public_url}/plans")
    free = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Free"))
    expect(free.get_by_text("$0 / month")).to_be_visible()
    expect(free.get_by_text("Free")).to_have_count(1)
    expect(page.get_by_text("Priority support")).to_be_visible()
    expect(page.get_by_text("priority_support")).to_have_count(0)
    screenshot(page, "pricing")
    page.get_by_role("link", name="Get started with Pro").click()
    page.wait_for_url(f"{site.public_url}/signup?plan=pro")
    expect(page.get_by_text("You chose the Pro plan.", exact=False)).to_be_visible()
    wait_hydrated(page.get_by_label("Organisation name")).fill("Hydra")
    expect(page.get_by_text(f"Your organisation's address: hydra.localhost:{site.port}")).to_be_visible()
    assert [e for e in errors if "ydrat" in e or "did not match" in e] == [], errors


def test_a_wrong_password_on_the_public_site_says_so(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    page = new_page()
    page.goto(f"{site.public_url}/login")
    wait_hydrated(page.get_by_label("Email")).fill("nobody@example.test")
    page.get_by_label("Password", exact=True).fill("not-the-password-1")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("form").get_by_role("alert")).to_have_text("Wrong email or password.")
