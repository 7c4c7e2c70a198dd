"""Accepting an invitation with the password of an account that has MFA: the membership is made, but the
password alone gives no tokens, exactly as at login; the second step is the login's (`/api/v1/auth/mfa/`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from shared_apps.accounts.models import RefreshTokenRecord
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tests.conftest import Team
from tests.factories import PASSWORD
from tests.helpers import api
from tests.integration.accounts.test_mfa import code_step, totp_code, with_totp
from tests.integration.memberships.test_invitations import invitation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_limits(settings: Any) -> None:
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis
    settings.MFA_TOTP_TOLERANCE = 1


def test_an_account_with_mfa_joins_but_signs_in_only_with_its_second_factor(
    acme: Signup, globex: Signup, team: Team
) -> None:
    secret = with_totp(globex.user)
    _, token = invitation(acme.tenant, globex.user.email)
    tokens_before = RefreshTokenRecord.objects.filter(user=globex.user, tenant=acme.tenant).count()

    accepted = api(acme.host).post(
        "/api/v1/invitations/accept/", {"token": token, "password": PASSWORD}, content_type="application/json"
    )

    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert set(body) == {"mfaRequired", "mfaToken", "methods"}
    assert body["mfaRequired"] is True
    assert body["methods"] == ["recovery_codes", "totp"]
    assert "refresh_token" not in accepted.cookies
    assert Membership.objects.get(user=globex.user, tenant=acme.tenant).role == "member"
    assert RefreshTokenRecord.objects.filter(user=globex.user, tenant=acme.tenant).count() == tokens_before

    wrong = code_step(acme.host, body["mfaToken"], "000000" if totp_code(secret) != "000000" else "111111")
    assert wrong.status_code == 400
    signed_in = code_step(acme.host, body["mfaToken"], totp_code(secret))
    assert signed_in.status_code == 200, signed_in.content
    assert signed_in.json()["role"] == "member"
    me = api(acme.host, signed_in.json()["access"]).get("/api/v1/me/").json()
    assert (me["email"], me["tenant"]["subdomain"]) == (globex.user.email, "acme")
