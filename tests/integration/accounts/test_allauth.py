"""django-allauth headless ("app" client) on our hosts: password reset, email verification and email
management, with emails through the Celery task and links on the routed organisation's host."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from django.test import Client, override_settings

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tests.factories import PASSWORD, UserFactory
from tests.helpers import PUBLIC, api, login
from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink, body_of

NEW_PASSWORD = "an-entirely-new-passphrase-9"
ALLAUTH = "/_allauth/app/v1"


def mailed_key(sink: SmtpSink, to: str, page: str) -> tuple[str, str]:
    """(base URL, key) from the next email to `to` linking to `page`."""
    message = sink.wait_for(to=to, match=lambda m: f"/{page}?key=" in body_of(m))
    found = re.search(rf"(?P<base>https?://[^/\s]+)/{page}\?key=(?P<key>[^\s]+)", body_of(message))
    assert found, body_of(message)
    return found["base"], unquote(found["key"])  # a query parameter: the frontend reads it decoded


def allauth_post(host: str, path: str, body: dict[str, Any], session: str | None = None, **extra: Any):
    if session:
        extra["HTTP_X_SESSION_TOKEN"] = session
    return Client(HTTP_HOST=host).post(f"{ALLAUTH}{path}", body, content_type="application/json", **extra)


@pytest.fixture
def mail(live_db: None, celery_worker: Worker, smtp_sink: SmtpSink) -> SmtpSink:
    return smtp_sink


@pytest.fixture
def person(acme: Signup, live_db: None) -> User:
    """A member of acme with an account of their own (removed after the test by live_db)."""
    user: User = UserFactory.create(email="person@example.test")
    Membership.objects.create(user=user, tenant=acme.tenant, role="member")
    return user


def test_password_reset_end_to_end_revokes_every_session(acme: Signup, person: User, mail: SmtpSink) -> None:
    session = login(acme.host, "person@example.test")
    account = login(PUBLIC, "person@example.test")  # the account token on the public host

    requested = allauth_post(acme.host, "/auth/password/request", {"email": "Person@Example.test"})
    assert requested.status_code == 200, requested.content
    base, key = mailed_key(mail, "person@example.test", "reset-password")
    assert base == "http://acme.localhost"

    reset = allauth_post(acme.host, "/auth/password/reset", {"key": key, "password": NEW_PASSWORD})
    # 401 is allauth's "done, and you are not logged in" (we keep sign-in to our own API).
    assert reset.status_code == 401, reset.content

    # Every refresh token of the account died: on the organisation and on the public host.
    for host, refresh in ((acme.host, session["refresh"]), (PUBLIC, account["refresh"])):
        refused = api(host).post("/api/v1/auth/refresh/", {"refresh": refresh}, content_type="application/json")
        assert refused.status_code == 401
    assert (
        api(acme.host)
        .post(
            "/api/v1/auth/login/",
            {"email": "person@example.test", "password": PASSWORD},
            content_type="application/json",
        )
        .status_code
        == 401
    )
    assert login(acme.host, "person@example.test", NEW_PASSWORD)["role"] == "member"

    # The key works once.
    again = allauth_post(acme.host, "/auth/password/reset", {"key": key, "password": "yet-another-passphrase-3"})
    assert again.status_code == 400
    assert User.objects.get(pk=person.pk).check_password(NEW_PASSWORD)


def test_reset_links_point_at_the_routed_host_never_a_forged_one(acme: Signup, person: User, mail: SmtpSink) -> None:
    forged = allauth_post("acme.localhost:3000", "/auth/password/request", {"email": "person@example.test"},
                   HTTP_X_FORWARDED_HOST="evil.test")  # fmt: skip
    assert forged.status_code == 200
    base, _ = mailed_key(mail, "person@example.test", "reset-password")
    assert base == "http://acme.localhost"
    # From the public host, the link is on the public host.
    assert allauth_post(PUBLIC, "/auth/password/request", {"email": "person@example.test"}).status_code == 200
    base, _ = mailed_key(mail, "person@example.test", "reset-password")
    assert base == "http://localhost"
    # A host we do not serve never reaches allauth.
    assert allauth_post("evil.test", "/auth/password/request", {"email": "person@example.test"}).status_code == 400
    assert mail.none_for(to="person@example.test", wait=1.0)


def test_email_management_and_verification(acme: Signup, person: User, mail: SmtpSink) -> None:
    signed_in = allauth_post(acme.host, "/auth/login", {"email": "person@example.test", "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.content
    session = signed_in.json()["meta"]["session_token"]

    added = allauth_post(acme.host, "/account/email", {"email": "Second@Example.test"}, session=session)
    assert added.status_code == 200, added.content
    base, key = mailed_key(mail, "second@example.test", "verify-email")
    assert base == "http://acme.localhost"
    assert not EmailAddress.objects.get(email="second@example.test").verified

    verified = allauth_post(acme.host, "/auth/email/verify", {"key": key})
    assert verified.status_code == 401, verified.content  # verified; no session token sent, so not signed in
    address = EmailAddress.objects.get(email="second@example.test")
    assert address.verified and address.user_id == person.pk
    # ACCOUNT_CHANGE_EMAIL: the verified address replaced the login (test_email_integrity.py for the rules).
    assert User.objects.get(pk=person.pk).email == "second@example.test"

    listed = Client(HTTP_HOST=acme.host).get(f"{ALLAUTH}/account/email", HTTP_X_SESSION_TOKEN=session)
    assert [(row["email"], row["verified"], row["primary"]) for row in listed.json()["data"]] == [
        ("second@example.test", True, True)
    ]


def test_allauth_login_on_an_organisation_host_is_for_its_members_only(
    acme: Signup, globex: Signup, person: User
) -> None:
    """person is an acme member: globex's host treats them as a wrong password would, and so does acme's
    once the membership ends. The public host is the account's own: any account signs in there."""
    credentials = {"email": "person@example.test", "password": PASSWORD}
    wrong = allauth_post(globex.host, "/auth/login", {**credentials, "password": NEW_PASSWORD})
    outsider = allauth_post(globex.host, "/auth/login", credentials)
    assert outsider.status_code == wrong.status_code == 400
    assert outsider.json() == wrong.json()
    assert "meta" not in outsider.json()

    assert allauth_post(acme.host, "/auth/login", credentials).status_code == 200
    assert allauth_post(PUBLIC, "/auth/login", credentials).status_code == 200
    Membership.objects.filter(user=person, tenant=acme.tenant).update(is_active=False)
    assert allauth_post(acme.host, "/auth/login", credentials).json() == wrong.json()


def test_signup_through_allauth_is_not_mounted(acme: Signup, live_db: None) -> None:
    # Accounts are made by our signup and by invitations; allauth's signup is not mounted at all.
    response = allauth_post(acme.host, "/auth/signup", {"email": "sneaky@example.test", "password": NEW_PASSWORD})
    assert response.status_code == 404
    assert not User.objects.filter(email="sneaky@example.test").exists()


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_verification_can_be_made_mandatory(acme: Signup, person: User, mail: SmtpSink) -> None:
    signed_in = allauth_post(acme.host, "/auth/login", {"email": "person@example.test", "password": PASSWORD})
    assert signed_in.status_code == 401
    assert [flow["id"] for flow in signed_in.json()["data"]["flows"] if flow.get("is_pending")] == ["verify_email"]
    base, key = mailed_key(mail, "person@example.test", "verify-email")
    assert base == "http://acme.localhost"
    assert allauth_post(acme.host, "/auth/email/verify", {"key": key}).status_code == 401  # verified, not signed in
    assert EmailAddress.objects.get(user=person, email="person@example.test").verified
