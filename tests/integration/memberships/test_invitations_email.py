"""Invitation emails, end to end: the API queues them on commit, a real Celery worker sends them to a
real SMTP server on loopback, and the link in the received email works."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Invitation, Membership
from tests.helpers import api, login
from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink, body_of

LINK = re.compile(r"(?P<base>https?://[^/\s]+)/accept-invite\?token=(?P<token>[A-Za-z0-9_\-]+)")
NEW_PASSWORD = "a-brand-new-passphrase-7"


@pytest.fixture
def mail(live_db: None, celery_worker: Worker, smtp_sink: SmtpSink) -> Iterator[SmtpSink]:
    """Committed rows (the worker is another process); invitations the test made are removed after."""
    yield smtp_sink
    Invitation.objects.all().delete()


def _invite(host: str, token: str, email: str, role: str = "member", **extra: Any):
    return api(host, token).post(
        "/api/v1/invitations/", {"email": email, "role": role}, content_type="application/json", **extra
    )


def _link(sink: SmtpSink, to: str) -> tuple[str, str, str]:
    """(subject, base URL, token) of the next invitation email to `to`."""
    message = sink.wait_for(to=to)
    found = LINK.search(body_of(message))
    assert found, body_of(message)
    return str(message["Subject"]), found["base"], found["token"]


def test_the_invitation_email_arrives_and_its_link_works(acme: Signup, mail: SmtpSink) -> None:
    owner = login(acme.host, acme.user.email)["access"]
    assert _invite(acme.host, owner, "Invitee@Example.test", "admin").status_code == 201

    subject, base, token = _link(mail, "invitee@example.test")
    assert "Acme" in subject
    assert base == "http://acme.localhost"  # the organisation's primary domain
    assert len(token) >= 43  # 32 random bytes, URL-safe
    # Only a SHA-256 of the token is stored.
    stored = Invitation.objects.get(email="invitee@example.test")
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() != token

    preview = api(acme.host).get("/api/v1/invitations/preview/", {"token": token})
    assert preview.json() == {
        "organisationName": "Acme",
        "email": "invitee@example.test",
        "role": "admin",
        "accountExists": False,
    }
    accepted = api(acme.host).post(
        "/api/v1/invitations/accept/", {"token": token, "password": NEW_PASSWORD}, content_type="application/json"
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["role"] == "admin"
    assert login(acme.host, "invitee@example.test", NEW_PASSWORD)["role"] == "admin"


def test_links_never_use_the_request_host(acme: Signup, mail: SmtpSink) -> None:
    owner = login(acme.host, acme.user.email)["access"]
    # A Host spelled differently (case, port, trailing dot) and a forged X-Forwarded-Host: the link is
    # still built from the organisation's primary domain.
    response = _invite("ACME.localhost.:8000", owner, "hosty@example.test", HTTP_X_FORWARDED_HOST="evil.test")
    assert response.status_code == 201
    _, base, _ = _link(mail, "hosty@example.test")
    assert base == "http://acme.localhost"


def test_resend_sends_a_new_link_and_kills_the_old_one(acme: Signup, mail: SmtpSink) -> None:
    owner = login(acme.host, acme.user.email)["access"]
    created = _invite(acme.host, owner, "again@example.test")
    _, _, first = _link(mail, "again@example.test")

    resent = api(acme.host, owner).post(f"/api/v1/invitations/{created.json()['id']}/resend/")
    assert resent.status_code == 202
    assert resent.json()["status"] == "pending"
    _, _, second = _link(mail, "again@example.test")
    assert second != first

    assert api(acme.host).get("/api/v1/invitations/preview/", {"token": first}).status_code == 404
    old = api(acme.host).post(
        "/api/v1/invitations/accept/", {"token": first, "password": NEW_PASSWORD}, content_type="application/json"
    )
    assert old.status_code == 404
    assert not User.objects.filter(email="again@example.test").exists()
    new = api(acme.host).post(
        "/api/v1/invitations/accept/", {"token": second, "password": NEW_PASSWORD}, content_type="application/json"
    )
    assert new.status_code == 200
    assert Membership.objects.filter(tenant=acme.tenant, user__email="again@example.test").exists()


def test_a_refused_invitation_sends_nothing(acme: Signup, mail: SmtpSink) -> None:
    owner = login(acme.host, acme.user.email)["access"]
    assert _invite(acme.host, owner, acme.user.email).status_code == 400
    assert mail.none_for(to=acme.user.email, wait=1.5)
