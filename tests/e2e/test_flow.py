"""The product's main path in a real browser: sign up, invite, accept, work, and stay isolated.

One test, in the order a customer lives it: each step needs the previous one's state (the organisation,
the invitation email, the teammate's account), and the stack (gunicorn, a worker, `next start`,
Chromium) is shared by the whole session.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import FilePayload, Page, expect

from tests.plugins.smtp import body_of

from .support import PASSWORD, Site, screenshot, sign_in, sign_up, unique, wait_hydrated


def test_signup_invite_accept_work_and_isolation(live_db: None, site: Site, new_page: Callable[[], Page]) -> None:
    acme, globex = unique("e2e-acme"), unique("e2e-globex")
    owner_email, teammate_email = f"owner@{acme}.test", f"teammate@{acme}.test"

    # Landing -> signup: "acme" is created in the UI and the owner lands on its own host, signed in.
    owner = new_page()
    owner.goto(f"{site.public_url}/")
    expect(owner.get_by_role("heading", level=1)).to_be_visible()
    screenshot(owner, "01-landing")
    owner.get_by_role("link", name="Create your organisation").first.click()
    owner.wait_for_url(f"{site.public_url}/signup")
    expect(owner.get_by_role("form", name="Create your organisation")).to_be_visible()
    screenshot(owner, "02-signup")
    sign_up(owner, site, name="Acme E2E", subdomain=acme, email=owner_email, full_name="Ada Owner")
    expect(owner.get_by_text("You are an owner of Acme E2E.")).to_be_visible()
    screenshot(owner, "03-dashboard")

    # Invite a teammate; the email goes out through the real worker to the SMTP sink.
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    owner.wait_for_url(f"{site.org_url(acme)}/invitations")
    owner.get_by_label("Email address").fill(teammate_email)
    owner.get_by_label("Role").select_option("member")
    owner.get_by_role("button", name="Send invitation").click()
    expect(owner.get_by_text(f"Invitation sent to {teammate_email}.")).to_be_visible()
    expect(owner.get_by_role("cell", name=teammate_email, exact=True)).to_be_visible()
    screenshot(owner, "04-invitations")
    email = site.smtp.wait_for(to=teammate_email)
    links = re.findall(r"https?://\S+/accept-invite\?token=[\w-]+", body_of(email))
    assert links, body_of(email)
    assert links[0].startswith(f"{site.org_url(acme)}/accept-invite?token="), links[0]

    # The teammate (another browser context: other cookies) accepts, creating an account, and sees the team.
    teammate = new_page()
    teammate.goto(links[0])
    expect(teammate.get_by_role("heading", name="Join Acme E2E")).to_be_visible()
    screenshot(teammate, "05-accept-invite")
    wait_hydrated(teammate.get_by_label("Your name")).fill("Tom Mate")
    teammate.get_by_label("Password", exact=True).fill(PASSWORD)
    teammate.get_by_role("button", name="Create account and join").click()
    teammate.wait_for_url(f"{site.org_url(acme)}/")
    expect(teammate.get_by_text("You are a member of Acme E2E.")).to_be_visible()
    teammate.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    teammate.wait_for_url(f"{site.org_url(acme)}/members")
    team = teammate.get_by_role("table")
    expect(team.get_by_role("cell", name=owner_email, exact=True)).to_be_visible()
    expect(team.get_by_role("cell", name=teammate_email, exact=True)).to_be_visible()
    expect(team.get_by_role("row")).to_have_count(3)  # the header and two people
    screenshot(teammate, "06-members")

    # The owner creates a project and uploads a file in acme.
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    owner.wait_for_url(f"{site.org_url(acme)}/projects")
    expect(owner.get_by_text("No projects yet.")).to_be_visible()
    owner.get_by_label("Name").fill("Rocket launch")
    owner.get_by_label("Description").fill("Acme's secret plan")
    owner.get_by_role("button", name="Create project").click()
    expect(owner.get_by_text("Project Rocket launch created.")).to_be_visible()
    expect(owner.get_by_role("heading", name="Rocket launch")).to_be_visible()
    screenshot(owner, "07-projects")
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Files").click()
    owner.wait_for_url(f"{site.org_url(acme)}/files")
    upload: FilePayload = {"name": "acme-plans.txt", "mimeType": "text/plain", "buffer": b"only for acme\n"}
    owner.get_by_label("Choose a file to upload").set_input_files(files=upload)
    owner.get_by_role("button", name="Upload", exact=True).click()
    expect(owner.get_by_text("acme-plans.txt uploaded.")).to_be_visible()
    expect(owner.get_by_role("cell", name="acme-plans.txt", exact=True)).to_be_visible()
    screenshot(owner, "08-files")
    # The teammate sees both through the same organisation.
    teammate.goto(f"{site.org_url(acme)}/projects")
    expect(teammate.get_by_role("heading", name="Rocket launch")).to_be_visible()

    # "globex" signs up in a fresh browser and sees neither acme's project nor its file, nor its people.
    other = new_page()
    sign_up(other, site, name="Globex E2E", subdomain=globex, email=f"owner@{globex}.test")
    other.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    other.wait_for_url(f"{site.org_url(globex)}/projects")
    expect(other.get_by_text("No projects yet.")).to_be_visible()
    expect(other.get_by_text("Rocket launch")).to_have_count(0)
    other.get_by_role("navigation", name="Main").get_by_role("link", name="Files").click()
    other.wait_for_url(f"{site.org_url(globex)}/files")
    expect(other.get_by_text("No files yet.")).to_be_visible()
    expect(other.get_by_text("acme-plans.txt")).to_have_count(0)
    other.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    other.wait_for_url(f"{site.org_url(globex)}/members")
    expect(other.get_by_role("cell", name=f"owner@{globex}.test", exact=True)).to_be_visible()
    expect(other.get_by_text(teammate_email)).to_have_count(0)
    expect(other.get_by_text(owner_email)).to_have_count(0)
    screenshot(other, "09-globex-projects-members")

    # An acme member cannot sign in on globex: the same answer as a wrong password.
    stranger = new_page()
    sign_in(stranger, site, subdomain=globex, email=teammate_email)
    expect(stranger.get_by_role("alert").filter(has_text="Wrong email or password")).to_contain_text(
        "not a member of this organisation"
    )
    expect(stranger).to_have_url(f"{site.org_url(globex)}/login")
    screenshot(stranger, "10-globex-sign-in-refused")
    # ...while the same credentials do work on acme.
    sign_in(stranger, site, subdomain=acme, email=teammate_email)
    stranger.wait_for_url(f"{site.org_url(acme)}/")
    expect(stranger.get_by_text("You are a member of Acme E2E.")).to_be_visible()
