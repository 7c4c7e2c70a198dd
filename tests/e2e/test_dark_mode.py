"""Issue 16: dark mode in Chromium against the built frontend. With the system's colour scheme dark (emulated),
<html> has the `dark` class on every page, put there by the inline script in <head> before any of the app's
JavaScript (it is there with the bundles blocked, so nothing flashes light); every page has no serious or critical
axe violation in dark (contrast included) and logs no error (no hydration mismatch); the header's toggle
overrides the system and is remembered across a reload."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import ConsoleMessage, Page, Route, expect

from .support import (
    ORGANISATION_PAGES,
    PUBLIC_PAGES,
    Site,
    accessibility_violations,
    describe,
    screenshot,
    settle,
    sign_up,
    unique,
)

DARK = re.compile(r"(^|\s)dark(\s|$)")


def test_dark_mode_follows_the_system_passes_axe_and_the_toggle_overrides_it(
    live_db: None, site: Site, new_page: Callable[[], Page]
) -> None:
    subdomain = unique("e2e-dark")
    org = site.org_url(subdomain)
    page = new_page()
    page.emulate_media(color_scheme="dark")
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # Not a response the app expects and handles (GET /api/v1/sso/ is a 404 until SSO is set up).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_up(page, site, name="Dark Mode Co", subdomain=subdomain, email=f"owner@{subdomain}.test")

    problems: list[str] = []
    visits = [(org, path) for path in ORGANISATION_PAGES] + [(site.public_url, path) for path in PUBLIC_PAGES]
    for base, path in visits:
        page.goto(f"{base}{path}")
        settle(page)
        expect(page.locator("html")).to_have_class(DARK)
        assert page.evaluate("() => getComputedStyle(document.documentElement).colorScheme") == "dark", path
        if violations := accessibility_violations(page):
            problems.append(f"{base}{path}: {describe(violations)}")
        name = "site" if base == site.public_url else "org"
        screenshot(page, f"dark-{name}{path.replace('/', '-') if path != '/' else '-home'}")
    assert problems == [], "\n".join(problems)
    assert errors == [], errors  # a hydration mismatch is a console error in React's production build

    # The organisation's header: Light wins over the dark system, stays light after a reload, "Match the system"
    # goes back to dark.
    page.goto(f"{org}/projects")
    theme = page.locator("header").get_by_role("group", name="Theme")
    expect(theme.get_by_role("radio", name="Match the system")).to_be_checked()
    theme.get_by_title("Light").click()
    expect(page.locator("html")).not_to_have_class(DARK)
    page.reload()
    expect(theme.get_by_role("radio", name="Light")).to_be_checked()
    expect(page.locator("html")).not_to_have_class(DARK)
    theme.get_by_title("Match the system").click()
    expect(page.locator("html")).to_have_class(DARK)
    theme.get_by_title("Dark").click()
    page.emulate_media(color_scheme="light")  # the system turns light: a chosen dark stays
    expect(page.locator("html")).to_have_class(DARK)
    theme.get_by_title("Match the system").click()
    expect(page.locator("html")).not_to_have_class(DARK)

    # The public site's header has the toggle too.
    page.goto(f"{site.public_url}/")
    expect(page.locator("header").get_by_role("group", name="Theme").get_by_role("radio")).to_have_count(3)
    assert errors == [], errors


def test_the_theme_is_set_before_the_app_runs(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    page = new_page()
    page.emulate_media(color_scheme="dark")
    # None of the app's JavaScript: only the inline script in <head> can set the class.
    blocked: list[str] = []

    def block(route: Route) -> None:
        blocked.append(route.request.url)
        route.abort()

    page.route(re.compile(r"/_next/static/.*\.js(\?.*)?$"), block)
    page.goto(f"{site.public_url}/login")
    expect(page.locator("html")).to_have_class(DARK)
    assert blocked, "the page loaded no bundle to block"

    page.evaluate("() => localStorage.setItem('theme', 'light')")
    page.reload()
    expect(page.locator("html")).not_to_have_class(DARK)
    page.evaluate("() => localStorage.setItem('theme', 'dark')")
    page.emulate_media(color_scheme="light")
    page.reload()
    expect(page.locator("html")).to_have_class(DARK)
