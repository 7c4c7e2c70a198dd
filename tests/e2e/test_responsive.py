"""Issue 16: every page at 1280 px and 375 px, in English and French, in Chromium against the built frontend:
no horizontal page scroll (`document.documentElement.scrollWidth <= innerWidth`), no serious or critical
axe violation, and a screenshot of each in test-artifacts/e2e/."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

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

WIDTHS = [1280, 375]


def _overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


# What sticks out of the window, outside any scrolling box (a box that scrolls is fine): named in the failure.
_CULPRITS = """() => [...document.querySelectorAll('body *')].filter(e => {
  if (e.getBoundingClientRect().right <= window.innerWidth + 1) return false;
  for (let a = e.parentElement; a; a = a.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false;
  }
  return true;
}).slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${String(e.className).slice(0, 60)}`)"""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_fits_a_phone_and_a_laptop(
    live_db: None, site: Site, new_page: Callable[[], Page], language: str
) -> None:
    subdomain = unique(f"e2e-fit-{language}")
    page = new_page()
    sign_up(page, site, name="Responsive Organisation Ltd", subdomain=subdomain, email=f"owner@{subdomain}.test")
    host = site.org_url(subdomain).split("://", 1)[1].split(":")[0]
    public_host = site.public_url.split("://", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "NEXT_LOCALE", "value": language, "domain": h, "path": "/"} for h in (host, public_host)]
    )

    problems: list[str] = []
    visits = [(site.org_url(subdomain), path) for path in ORGANISATION_PAGES] + [
        (site.public_url, path) for path in PUBLIC_PAGES
    ]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for base, path in visits:
            page.goto(f"{base}{path}")
            settle(page)
            assert page.evaluate("() => document.documentElement.lang") == language, f"{path} is not in {language}"
            if (overflow := _overflow(page)) > 0:
                problems.append(f"{base}{path} at {width}px: {overflow}px too wide {page.evaluate(_CULPRITS)}")
            violations = accessibility_violations(page)
            if violations:
                problems.append(f"{base}{path} at {width}px: {describe(violations)}")
            name = "site" if base == site.public_url else "org"
            screenshot(page, f"fit-{language}-{width}-{name}{path.replace('/', '-') or '-home'}")
    assert problems == [], "\n".join(problems)
