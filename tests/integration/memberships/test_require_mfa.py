"""API 1.1: an organisation's `requireMfa` holds back members without MFA (403 `mfa_setup_required`) everywhere
but /api/v1/me/, logout, refresh and allauth's MFA setup, in the one authentication class of the tenant API."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from tenants.models import Tenant
from tests.conftest import Team
from tests.factories import PASSWORD, UserFactory
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db

ALLAUTH = "/_allauth/app/v1"


@pytest.fixture(autouse=True)
def _clean_limits(settings: Any) -> None:
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed at the end of a 30 s period still counts in the next


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def required(acme: Signup, team: Team, django_capture_on_commit_callbacks: Any) -> dict[str, str]:
    """Tokens of acme's owner (who has MFA) and member (who has none), then the owner turns requireMfa on."""
    owner, member = login(acme.host, team.owner.email), login(acme.host, team.member.email)
    TOTP.activate(team.owner, generate_totp_secret())
    with django_capture_on_commit_callbacks(execute=True):  # the routing cache learns of it after commit
        response = api(acme.host, owner["access"]).patch(
            "/api/v1/organisation/", {"requireMfa": True}, content_type="application/json"
        )
    assert response.status_code == 200, response.content
    return {"owner": owner["access"], "member": member["access"], "member_refresh": member["refresh"]}


def _refused(response: Any) -> None:
    assert response.status_code == 403, response.content
    assert error(response) == {
        "code": "mfa_setup_required",
        "detail": "This organisation requires multi-factor authentication: set it up on your account first.",
        "attr": None,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/projects/"),
        ("post", "/api/v1/projects/"),
        ("get", "/api/v1/members/"),
        ("get", "/api/v1/files/"),
        ("get", "/api/v1/organisation/"),
        ("post", "/api/v1/organisation/leave/"),
        ("get", "/api/v1/billing/"),
    ],
)
def test_a_member_without_mfa_is_refused_everywhere_else(
    acme: Signup, required: dict[str, str], method: str, path: str
) -> None:
    _refused(getattr(api(acme.host, required["member"]), method)(path, {}, content_type="application/json"))


def test_me_answers_and_says_so_and_the_owner_with_mfa_is_not_held_back(
    acme: Signup, team: Team, required: dict[str, str]
) -> None:
    me = api(acme.host, required["member"]).get("/api/v1/me/")
    assert me.status_code == 200
    assert (me.json()["email"], me.json()["mfaSetupRequired"]) == (team.member.email, True)
    assert api(acme.host, required["owner"]).get("/api/v1/me/").json()["mfaSetupRequired"] is False
    assert api(acme.host, required["owner"]).get("/api/v1/projects/").status_code == 200


def test_refresh_and_logout_still_work(acme: Signup, required: dict[str, str]) -> None:
    client = api(acme.host)
    refreshed = client.post(
        "/api/v1/auth/refresh/", {"refresh": required["member_refresh"]}, content_type="application/json"
    )
    assert refreshed.status_code == 200, refreshed.content
    _refused(api(acme.host, refreshed.json()["access"]).get("/api/v1/projects/"))
    logout = client.post(
        "/api/v1/auth/logout/", {"refresh": refreshed.json()["refresh"]}, content_type="application/json"
    )
    assert logout.status_code == 204


def test_a_member_sets_up_totp_through_allauth_and_is_let_through(
    acme: Signup, team: Team, required: dict[str, str]
) -> None:
    token = required["member"]
    _refused(api(acme.host, token).get("/api/v1/projects/"))
    # allauth.mfa sets up MFA only for an account whose address is verified.
    EmailAddress.objects.update_or_create(
        user=team.member, email=team.member.email, defaults={"verified": True, "primary": True}
    )
    client = api(acme.host)
    signed_in = client.post(
        f"{ALLAUTH}/auth/login", {"email": team.member.email, "password": PASSWORD}, content_type="application/json"
    )
    assert signed_in.status_code == 200, signed_in.content
    session = {"HTTP_X_SESSION_TOKEN": signed_in.json()["meta"]["session_token"]}
    pending = client.get(f"{ALLAUTH}/account/authenticators/totp", **session)
    assert pending.status_code == 404, pending.content  # none yet: allauth offers a secret
    secret = pending.json()["meta"]["secret"]
    # Changing the account's authenticators asks for the password again (allauth's reauthentication).
    reauth = client.post(
        f"{ALLAUTH}/auth/reauthenticate", {"password": PASSWORD}, content_type="application/json", **session
    )
    assert reauth.status_code == 200, reauth.content
    activated = client.post(
        f"{ALLAUTH}/account/authenticators/totp", {"code": totp_code(secret)}, content_type="application/json",
        **session,
    )  # fmt: skip
    assert activated.status_code == 200, activated.content

    # The same access token now works: MFA is checked on every request, not baked into the token.
    assert api(acme.host, token).get("/api/v1/projects/").status_code == 200
    assert api(acme.host, token).get("/api/v1/me/").json()["mfaSetupRequired"] is False


def test_turning_it_off_lets_everyone_through_again(
    acme: Signup, required: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    _refused(api(acme.host, required["member"]).get("/api/v1/projects/"))
    with django_capture_on_commit_callbacks(execute=True):
        off = api(acme.host, required["owner"]).patch(
            "/api/v1/organisation/", {"requireMfa": False}, content_type="application/json"
        )
    assert off.status_code == 200 and off.json()["requireMfa"] is False
    assert api(acme.host, required["member"]).get("/api/v1/projects/").status_code == 200


def test_another_organisation_is_not_affected(globex: Signup, required: dict[str, str]) -> None:
    assert Tenant.objects.get(pk=globex.tenant.pk).require_mfa is False
    token = login(globex.host, "owner@globex.test")["access"]
    assert api(globex.host, token).get("/api/v1/projects/").status_code == 200
    assert api(globex.host, token).get("/api/v1/me/").json()["mfaSetupRequired"] is False


def test_an_operator_impersonating_is_exempt(acme: Signup, team: Team, required: dict[str, str]) -> None:
    # The operator's own sign-in is the one that counts; helping a member stuck without MFA is what
    # impersonation is for (audited, and read-only unless asked).
    operator: User = UserFactory.create(email="ops@saas.test", is_staff=True, is_superuser=True)
    link = api(PUBLIC, login(PUBLIC, operator.email)["access"]).post(
        f"/api/v1/operator/tenants/{acme.tenant.id}/impersonate/", {"reason": "ticket 7", "userId": team.member.id},
        content_type="application/json",
    )  # fmt: skip
    assert link.status_code == 200, link.content
    code = parse_qs(urlsplit(link.json()["url"]).query)["code"][0]
    redeemed = api(acme.host).post("/api/v1/auth/handoff/", {"code": code}, content_type="application/json")
    assert redeemed.status_code == 200, redeemed.content
    client = api(acme.host, redeemed.json()["access"])
    me = client.get("/api/v1/me/").json()
    assert (me["email"], me["mfaSetupRequired"], me["impersonatedBy"]["email"]) == (
        team.member.email, False, "ops@saas.test"
    )  # fmt: skip
    assert client.get("/api/v1/projects/").status_code == 200
