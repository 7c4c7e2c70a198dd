"""Signup sends a verification email; with mandatory verification, login waits for it."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings

from shared_apps.accounts.signup import Signup
from tests.factories import PASSWORD
from tests.helpers import PUBLIC, api, error
from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink, body_of


@pytest.mark.usefixtures("live_db")
def test_signup_sends_a_verification_email_whose_link_verifies(celery_worker: Worker, smtp_sink: SmtpSink) -> None:
    body = {
        "organisationName": "Verify Co",
        "subdomain": "verify-co",
        "email": "boss@verify.test",
        "password": PASSWORD,
    }
    assert api(PUBLIC).post("/api/v1/signup/", body, content_type="application/json").status_code == 201
    address = EmailAddress.objects.get(email="boss@verify.test")
    assert address.primary and not address.verified
    message = smtp_sink.wait_for(to="boss@verify.test")
    link = re.search(r"http://localhost/verify-email\?key=(\S+)", body_of(message))
    assert link, body_of(message)
    response = api(PUBLIC).post(
        "/_allauth/app/v1/auth/email/verify", {"key": unquote(link.group(1))}, content_type="application/json"
    )
    assert response.status_code == 401, response.content  # verified, but allauth asks to log in
    address.refresh_from_db()
    assert address.verified


@pytest.mark.django_db
@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_mandatory_verification_blocks_login_until_verified(acme: Signup) -> None:
    EmailAddress.objects.update_or_create(user=acme.user, email=acme.user.email, defaults={"verified": False})
    attempt = {"email": acme.user.email, "password": PASSWORD}
    refused = api(acme.host).post("/api/v1/auth/login/", attempt, content_type="application/json")
    assert refused.status_code == 403
    assert error(refused)["code"] == "email_not_verified"
    wrong = api(acme.host).post(
        "/api/v1/auth/login/", {**attempt, "password": "wrong-password-1"}, content_type="application/json"
    )
    assert wrong.status_code == 401  # the verification state is not revealed without the password
    EmailAddress.objects.filter(user=acme.user).update(verified=True)
    assert api(acme.host).post("/api/v1/auth/login/", attempt, content_type="application/json").status_code == 200
