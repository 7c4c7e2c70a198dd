"""Issue 16's first ten minutes: `make dev`'s mail catcher (saas/devtools/mailcatcher.py) shows an invitation
readably, and its link works when clicked in Chromium.

The invitation is the one the running product sent (the worker through SMTP): the test hands those exact
bytes to a mail catcher of its own over SMTP, as `make dev`'s Django would, then reads it in the browser."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from saas.devtools.mailcatcher import MailCatcher
from tests.plugins.smtp import body_of, free_port

from .support import Site, accessibility_violations, describe, screenshot, sign_up, unique, wait_hydrated


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    server = MailCatcher(smtp_port=free_port(), web_port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_an_invitation_reads_in_the_mail_catcher_and_its_link_opens_the_invitation(
    live_db: None, site: Site, new_page: Callable[[], Page], catcher: MailCatcher
) -> None:
    subdomain = unique("e2e-mail")
    org = site.org_url(subdomain)
    owner = new_page()
    sign_up(owner, site, name="Mail Co", subdomain=subdomain, email=f"owner@{subdomain}.test")
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    owner.wait_for_url(f"{org}/invitations")
    invited = f"new@{subdomain}.test"
    owner.get_by_label("Email address").fill(invited)
    owner.get_by_role("button", name="Send invitation").click()
    sent = site.smtp.wait_for(to=invited, match=lambda m: "/accept-invite?token=" in body_of(m))
    link = re.findall(r"https?://\S+/accept-invite\?token=[\w-]+", body_of(sent))[0]

    with smtplib.SMTP("127.0.0.1", catcher.smtp.port) as smtp:
        smtp.send_message(sent)

    page = new_page()
    page.goto(catcher.web_url)
    expect(page.get_by_role("heading", name="Mail catcher")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=invited)
    subject = str(sent["Subject"])
    row.get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", name="Text")).to_be_visible()
    # Decoded and whole: the link is one clickable address, not quoted-printable cut across lines.
    text_link = page.locator("pre").get_by_role("link", name=link, exact=True)
    expect(text_link).to_have_attribute("href", link)
    assert "=3D" not in page.locator("pre").inner_text()
    assert accessibility_violations(page) == [], describe(accessibility_violations(page))
    screenshot(page, "mail-catcher-invitation")

    with page.context.expect_page() as opened:
        text_link.click()
    invitation = opened.value
    invitation.wait_for_load_state()
    assert invitation.url == link
    expect(invitation.get_by_role("heading", name="Join Mail Co", level=1)).to_be_visible()
    expect(wait_hydrated(invitation.get_by_label("Email"))).to_have_value(invited)
