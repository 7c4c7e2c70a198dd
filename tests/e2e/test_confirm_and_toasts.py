"""Issue 16: destructive actions ask in an accessible modal dialog (no window.confirm), and what an action did is
a toast. In Chromium against the built frontend: the dialog is named by its title and described by its text,
Cancel has focus, Tab stays inside, Escape cancels (focus back on the button), axe finds nothing serious with it
open; confirmed, the project, the file and the invitation go and a toast says so."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Dialog, FilePayload, Page, expect

from .support import Site, accessibility_violations, describe, screenshot, sign_up, toasts, unique


def test_deleting_asks_in_a_dialog_and_a_toast_says_it_is_done(
    live_db: None, site: Site, new_page: Callable[[], Page]
) -> None:
    subdomain = unique("e2e-confirm")
    org = site.org_url(subdomain)
    owner = new_page()
    dialogs: list[str] = []

    def native_dialog(native: Dialog) -> None:
        dialogs.append(native.message)
        native.dismiss()

    owner.on("dialog", native_dialog)
    sign_up(owner, site, name="Confirm Co", subdomain=subdomain, email=f"owner@{subdomain}.test")

    # A project: created (a toast), then deleted through the dialog.
    owner.goto(f"{org}/projects")
    owner.get_by_label("Name").fill("Doomed plan")
    owner.get_by_role("button", name="Create project").click()
    expect(toasts(owner).get_by_text("Project Doomed plan created.")).to_be_visible()
    delete = owner.get_by_role("button", name="Delete Doomed plan")
    delete.click()
    dialog = owner.get_by_role("dialog", name="Delete the project Doomed plan?")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_description("This cannot be undone.")
    cancel, confirm = dialog.get_by_role("button", name="Cancel"), dialog.get_by_role("button", name="Delete")
    expect(cancel).to_be_focused()
    owner.keyboard.press("Tab")
    expect(confirm).to_be_focused()
    owner.keyboard.press("Tab")
    expect(cancel).to_be_focused()
    owner.keyboard.press("Shift+Tab")
    expect(confirm).to_be_focused()
    assert accessibility_violations(owner) == [], describe(accessibility_violations(owner))
    screenshot(owner, "confirm-delete-project")
    owner.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(delete).to_be_focused()
    expect(owner.get_by_role("heading", name="Doomed plan")).to_be_visible()

    delete.click()
    dialog.get_by_role("button", name="Delete").click()
    expect(toasts(owner).get_by_text("Project Doomed plan deleted.")).to_be_visible()
    expect(owner.get_by_role("heading", name="Doomed plan")).to_have_count(0)
    expect(owner.get_by_text("No projects yet.")).to_be_visible()

    # A file.
    owner.goto(f"{org}/files")
    upload: FilePayload = {"name": "old-notes.txt", "mimeType": "text/plain", "buffer": b"to be deleted\n"}
    owner.get_by_label("Choose a file to upload").set_input_files(files=upload)
    owner.get_by_role("button", name="Upload", exact=True).click()
    expect(toasts(owner).get_by_text("old-notes.txt uploaded.")).to_be_visible()
    owner.get_by_role("button", name="Delete old-notes.txt").click()
    dialog = owner.get_by_role("dialog", name="Delete the file old-notes.txt?")
    dialog.get_by_role("button", name="Delete").click()
    expect(toasts(owner).get_by_text("old-notes.txt deleted.")).to_be_visible()
    expect(owner.get_by_text("No files yet.")).to_be_visible()

    # An invitation: revoked.
    guest = f"guest@{subdomain}.test"
    owner.goto(f"{org}/invitations")
    owner.get_by_label("Email address").fill(guest)
    owner.get_by_role("button", name="Send invitation").click()
    expect(toasts(owner).get_by_text(f"Invitation sent to {guest}.")).to_be_visible()
    owner.get_by_role("button", name=f"Revoke invitation of {guest}").click()
    dialog = owner.get_by_role("dialog", name=f"Revoke the invitation of {guest}?")
    expect(dialog).to_have_accessible_description("The link in their email will stop working.")
    dialog.get_by_role("button", name="Revoke").click()
    expect(toasts(owner).get_by_text(f"The invitation of {guest} was revoked.")).to_be_visible()
    expect(owner.get_by_text("No pending invitations.")).to_be_visible()
    assert dialogs == []  # never the browser's own confirm
