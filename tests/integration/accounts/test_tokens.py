"""Tenant-bound tokens: login, refresh rotation with families, logout, revocation (issue 3, item 1-2)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from shared_apps.accounts.models import RefreshTokenRecord
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import member_remove, member_role_change
from tenants.models import Tenant
from tests.conftest import Team
from tests.factories import PASSWORD, UserFactory
from tests.helpers import api, error, login

pytestmark = pytest.mark.django_db


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _me(host: str, token: str) -> int:
    return api(host, token).get("/api/v1/me/").status_code


def _refresh(host: str, refresh: str):
    return api(host).post("/api/v1/auth/refresh/", {"refresh": refresh}, content_type="application/json")


def test_login_on_the_tenant_host_returns_a_token_bound_to_it(acme: Signup) -> None:
    response = api(acme.host).post(
        "/api/v1/auth/login/", {"email": "OWNER@acme.test", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"id": acme.user.id, "email": acme.user.email, "fullName": ""}
    assert body["role"] == "owner"
    claims = _claims(body["access"])
    assert claims["tid"] == str(acme.tenant.id)
    assert claims["aud"] == "saas-api" and claims["iss"] == f"https://{settings.SAAS_BASE_DOMAIN}"
    assert claims["token_type"] == "access" and claims["exp"] - claims["iat"] == 300
    cookie = response.cookies[settings.REFRESH_COOKIE_NAME]
    assert cookie.value == body["refresh"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["domain"]
    assert cookie["path"] == "/api/v1/auth/"
    assert _me(acme.host, body["access"]) == 200


def test_wrong_password_unknown_email_and_non_member_get_the_same_401(acme: Signup, globex: Signup) -> None:
    attempts = [
        (acme.user.email, "wrong-password-123"),
        ("nobody@acme.test", PASSWORD),
        ("owner@globex.test", PASSWORD),  # a real account, but not a member of acme
    ]
    bodies = []
    for email, password in attempts:
        response = api(acme.host).post(
            "/api/v1/auth/login/", {"email": email, "password": password}, content_type="application/json"
        )
        assert response.status_code == 401
        bodies.append(response.json())
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["errors"][0]["code"] == "invalid_credentials"


def test_login_input_errors_name_the_field(acme: Signup) -> None:
    response = api(acme.host).post("/api/v1/auth/login/", {"email": "not-an-email"}, content_type="application/json")
    assert response.status_code == 400
    assert {e["attr"] for e in response.json()["errors"]} == {"email", "password"}


def test_a_token_is_refused_on_another_tenants_host(acme: Signup, globex: Signup) -> None:
    access = login(acme.host, acme.user.email)["access"]
    assert _me(globex.host, access) == 401
    assert error(api(globex.host, access).get("/api/v1/me/"))["code"] == "token_not_valid"


def test_a_refresh_token_is_not_an_access_token_and_vice_versa(acme: Signup) -> None:
    tokens = login(acme.host, acme.user.email)
    assert _me(acme.host, tokens["refresh"]) == 401
    assert _refresh(acme.host, tokens["access"]).status_code == 401


def _forge(token: str, *, header: dict | None = None, claims: dict | None = None, signature: str | None = None) -> str:
    head, body, sig = token.split(".")

    def encode(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    if header is not None:
        head = encode(header)
    if claims is not None:
        body = encode({**_claims(token), **claims})
    return ".".join([head, body, sig if signature is None else signature])


def test_alg_none_forged_signature_and_edited_claims_are_refused(acme: Signup, globex: Signup) -> None:
    access = login(acme.host, acme.user.email)["access"]
    assert _me(acme.host, _forge(access, header={"alg": "none", "typ": "JWT"}, signature="")) == 401
    assert _me(acme.host, _forge(access, signature="AAAA" + access.split(".")[2][4:])) == 401
    # Re-pointing the tenant claim without the key breaks the signature.
    assert _me(globex.host, _forge(access, claims={"tid": str(globex.tenant.id)})) == 401


def test_an_expired_access_token_is_refused(acme: Signup) -> None:
    membership = Membership.objects.get(user=acme.user, tenant=acme.tenant)
    token = AccessToken.for_user(acme.user)
    token["tid"], token["mv"] = str(acme.tenant.id), membership.version
    assert _me(acme.host, str(token)) == 200  # the same construction, still valid: the test can fail
    token.set_exp(lifetime=-timedelta(seconds=1))
    assert _me(acme.host, str(token)) == 401


def _rotated_long_ago(refresh: str) -> None:
    """Move a rotated token's rotation out of the reuse grace window (a second past it)."""
    past = timezone.now() - timedelta(seconds=settings.JWT_REFRESH_REUSE_GRACE_SECONDS + 1)
    assert (
        RefreshTokenRecord.objects.filter(jti=_claims(refresh)["jti"]).exclude(rotated_at=None).update(rotated_at=past)
        == 1
    )


def test_refresh_rotates_and_reuse_after_the_grace_window_revokes_the_whole_family(acme: Signup) -> None:
    first = login(acme.host, acme.user.email)
    second = _refresh(acme.host, first["refresh"])
    assert second.status_code == 200
    second_tokens = second.json()
    assert set(second_tokens) == {"access", "refresh"}
    assert _me(acme.host, second_tokens["access"]) == 200
    third = _refresh(acme.host, second_tokens["refresh"]).json()

    # The first token, rotated longer ago than the grace window, comes back: a copy exists, so the family dies.
    _rotated_long_ago(first["refresh"])
    reused = _refresh(acme.host, first["refresh"])
    assert (reused.status_code, error(reused)["code"]) == (401, "token_not_valid")
    assert _refresh(acme.host, third["refresh"]).status_code == 401
    assert RefreshTokenRecord.objects.filter(user=acme.user, revoked_at=None).count() == 0
    # Another login (another family) is untouched by that.
    other = login(acme.host, acme.user.email)
    assert _refresh(acme.host, other["refresh"]).status_code == 200


def test_default_reuse_grace_is_ten_seconds() -> None:
    assert settings.JWT_REFRESH_REUSE_GRACE_SECONDS == 10


def test_a_rotated_token_within_the_grace_window_gets_a_working_pair_of_the_same_family(acme: Signup) -> None:
    first = login(acme.host, acme.user.email)
    winner = _refresh(acme.host, first["refresh"]).json()
    record = RefreshTokenRecord.objects.get(jti=_claims(first["refresh"])["jti"])
    assert record.rotated_at is not None

    retried = _refresh(acme.host, first["refresh"])  # a second tab, or a retry whose answer was lost
    assert retried.status_code == 200
    sibling = retried.json()
    assert sibling["refresh"] != winner["refresh"]
    assert _claims(sibling["refresh"])["fam"] == _claims(winner["refresh"])["fam"] == _claims(first["refresh"])["fam"]
    assert _claims(sibling["access"])["tid"] == str(acme.tenant.id)
    # The grace runs from the first rotation: a reuse within it does not push it back.
    assert RefreshTokenRecord.objects.get(pk=record.pk).rotated_at == record.rotated_at
    # Both descendants work, and nothing of the family was revoked.
    assert _me(acme.host, sibling["access"]) == 200 and _me(acme.host, winner["access"]) == 200
    assert _refresh(acme.host, sibling["refresh"]).status_code == 200
    assert _refresh(acme.host, winner["refresh"]).status_code == 200
    assert not RefreshTokenRecord.objects.filter(family=record.family).exclude(revoked_at=None).exists()


def test_a_reused_token_just_inside_the_grace_window_still_works(acme: Signup) -> None:
    first = login(acme.host, acme.user.email)
    assert _refresh(acme.host, first["refresh"]).status_code == 200
    almost = timezone.now() - timedelta(seconds=settings.JWT_REFRESH_REUSE_GRACE_SECONDS - 1)
    RefreshTokenRecord.objects.filter(jti=_claims(first["refresh"])["jti"]).update(rotated_at=almost)
    assert _refresh(acme.host, first["refresh"]).status_code == 200


@override_settings(JWT_REFRESH_REUSE_GRACE_SECONDS=0)
def test_a_grace_of_zero_makes_every_reuse_revoke_the_family(acme: Signup) -> None:
    first = login(acme.host, acme.user.email)
    second = _refresh(acme.host, first["refresh"]).json()
    reused = _refresh(acme.host, first["refresh"])
    assert (reused.status_code, error(reused)["code"]) == (401, "token_not_valid")
    assert _refresh(acme.host, second["refresh"]).status_code == 401


def test_logout_ends_the_grace_of_a_rotated_token(acme: Signup) -> None:
    first = login(acme.host, acme.user.email)
    second = _refresh(acme.host, first["refresh"]).json()
    logout = api(acme.host).post(
        "/api/v1/auth/logout/", {"refresh": second["refresh"]}, content_type="application/json"
    )
    assert logout.status_code == 204
    reused = _refresh(acme.host, first["refresh"])  # still within the grace window, but the family is gone
    assert (reused.status_code, error(reused)["code"]) == (401, "token_not_valid")
    assert RefreshTokenRecord.objects.filter(family=_claims(first["refresh"])["fam"], revoked_at=None).count() == 0


def test_a_grace_reuse_of_a_removed_member_is_refused_and_revokes_the_family(acme: Signup, team: Team) -> None:
    first = login(acme.host, "member@acme.test")
    second = _refresh(acme.host, first["refresh"]).json()
    Membership.objects.filter(user=team.member, tenant=acme.tenant).update(is_active=False)
    assert _refresh(acme.host, first["refresh"]).status_code == 401
    assert RefreshTokenRecord.objects.filter(family=_claims(second["refresh"])["fam"], revoked_at=None).count() == 0


def _cookie_session(host: str) -> Client:
    """A browser-like client: the refresh token only as the cookie login set."""
    client = api(host)
    response = client.post(
        "/api/v1/auth/login/", {"email": "owner@acme.test", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    return client


def test_refresh_and_logout_read_the_cookie_when_the_body_has_none(acme: Signup) -> None:
    client = _cookie_session(acme.host)
    refreshed = client.post("/api/v1/auth/refresh/", {}, content_type="application/json", HTTP_X_REQUESTED_WITH="x")
    assert refreshed.status_code == 200
    assert client.cookies[settings.REFRESH_COOKIE_NAME].value == refreshed.json()["refresh"]
    logout = client.post("/api/v1/auth/logout/", {}, content_type="application/json", HTTP_X_REQUESTED_WITH="x")
    assert logout.status_code == 204
    assert _refresh(acme.host, refreshed.json()["refresh"]).status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/auth/refresh/", "/api/v1/auth/logout/"])
def test_the_cookie_without_the_csrf_header_is_refused_and_changes_nothing(acme: Signup, path: str) -> None:
    client = _cookie_session(acme.host)
    cookie = client.cookies[settings.REFRESH_COOKIE_NAME].value
    records = list(RefreshTokenRecord.objects.filter(user=acme.user).values_list("jti", "rotated_at", "revoked_at"))

    # What a page on a sibling subdomain can send: the cookie (same site) but no custom header.
    response = client.post(path, {}, content_type="application/json")
    assert response.status_code == 403
    assert error(response)["code"] == "csrf_header_missing"
    assert settings.REFRESH_COOKIE_NAME not in response.cookies  # neither set nor cleared
    assert (
        list(RefreshTokenRecord.objects.filter(user=acme.user).values_list("jti", "rotated_at", "revoked_at"))
        == records
    )
    # The token still works afterwards, from the cookie with the header.
    refreshed = client.post(path.replace("logout", "refresh"), {}, content_type="application/json",
                            HTTP_X_REQUESTED_WITH="XMLHttpRequest")  # fmt: skip
    assert refreshed.status_code == 200
    assert _claims(cookie)["fam"] == _claims(refreshed.json()["refresh"])["fam"]


def test_a_form_post_with_the_cookie_is_refused_too(acme: Signup) -> None:
    client = _cookie_session(acme.host)
    response = client.post("/api/v1/auth/logout/", {"next": "/"})  # multipart, as an HTML form sends it
    assert (response.status_code, error(response)["code"]) == (403, "csrf_header_missing")
    assert RefreshTokenRecord.objects.filter(user=acme.user, revoked_at=None).count() == 1


def test_body_token_clients_need_no_header_even_with_a_cookie(acme: Signup) -> None:
    client = _cookie_session(acme.host)
    other = login(acme.host, acme.user.email)
    refreshed = client.post("/api/v1/auth/refresh/", {"refresh": other["refresh"]}, content_type="application/json")
    assert refreshed.status_code == 200
    assert (
        _claims(refreshed.json()["refresh"])["fam"] == _claims(other["refresh"])["fam"]
    )  # the body's, not the cookie's
    logout = client.post(
        "/api/v1/auth/logout/", {"refresh": refreshed.json()["refresh"]}, content_type="application/json"
    )
    assert logout.status_code == 204
    assert _refresh(acme.host, refreshed.json()["refresh"]).status_code == 401


def test_no_token_at_all_needs_no_header(acme: Signup) -> None:
    refused = api(acme.host).post("/api/v1/auth/refresh/", {}, content_type="application/json")
    assert (refused.status_code, error(refused)["code"]) == (401, "token_not_valid")
    assert api(acme.host).post("/api/v1/auth/logout/", {}, content_type="application/json").status_code == 204


def test_the_schema_documents_the_grace_window_and_the_header(acme: Signup) -> None:
    response = api(acme.host).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    refresh, logout = paths["/api/v1/auth/refresh/"]["post"], paths["/api/v1/auth/logout/"]["post"]
    assert "JWT_REFRESH_REUSE_GRACE_SECONDS" in refresh["description"]
    for operation in (refresh, logout):
        assert "X-Requested-With" in operation["description"] and "csrf_header_missing" in operation["description"]
        assert "403" in operation["responses"]
    assert "401" in refresh["responses"]


def test_a_refresh_token_of_another_tenant_is_refused(acme: Signup, globex: Signup) -> None:
    tokens = login(acme.host, acme.user.email)
    assert _refresh(globex.host, tokens["refresh"]).status_code == 401
    assert _refresh(acme.host, tokens["refresh"]).status_code == 200  # untouched by the attempt


def test_logout_revokes_the_family(acme: Signup) -> None:
    tokens = login(acme.host, acme.user.email)
    response = api(acme.host).post(
        "/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, content_type="application/json"
    )
    assert response.status_code == 204
    assert _refresh(acme.host, tokens["refresh"]).status_code == 401


def test_deactivating_the_user_ends_access_and_refresh(acme: Signup, team: Team) -> None:
    tokens = login(acme.host, "member@acme.test")
    assert _me(acme.host, tokens["access"]) == 200
    team.member.is_active = False
    team.member.save()
    assert _me(acme.host, tokens["access"]) == 401
    assert _refresh(acme.host, tokens["refresh"]).status_code == 401


def test_removing_a_member_ends_their_tokens_at_once(acme: Signup, team: Team) -> None:
    tokens = login(acme.host, "member@acme.test")
    owner = Membership.objects.get(user=team.owner, tenant=acme.tenant)
    member_remove(tenant=acme.tenant, actor=owner, user_id=team.member.id)
    assert _me(acme.host, tokens["access"]) == 401
    assert _refresh(acme.host, tokens["refresh"]).status_code == 401


def test_changing_a_role_ends_the_old_tokens(acme: Signup, team: Team) -> None:
    tokens = login(acme.host, "member@acme.test")
    owner = Membership.objects.get(user=team.owner, tenant=acme.tenant)
    member_role_change(tenant=acme.tenant, actor=owner, user_id=team.member.id, role=Membership.Role.ADMIN)
    assert _me(acme.host, tokens["access"]) == 401  # carried the old membership version
    assert _refresh(acme.host, tokens["refresh"]).status_code == 401
    fresh = login(acme.host, "member@acme.test")
    assert fresh["role"] == "admin"
    assert _me(acme.host, fresh["access"]) == 200


def test_a_suspended_organisation_cannot_log_in(acme: Signup, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tenant = Tenant.objects.get(pk=acme.tenant.pk)
        tenant.status = Tenant.Status.SUSPENDED
        tenant.save()
    response = api(acme.host).post(
        "/api/v1/auth/login/", {"email": acme.user.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403
    assert error(response)["code"] == "tenant_suspended"


def test_me_describes_the_member_and_the_organisation(acme: Signup) -> None:
    access = login(acme.host, acme.user.email)["access"]
    body = api(acme.host, access).get("/api/v1/me/").json()
    assert body == {
        "id": acme.user.id,
        "email": acme.user.email,
        "fullName": "",
        "avatarUrl": None,
        "role": "owner",
        "permissions": [
            "members.manage",
            "owners.manage",
            "billing.manage",
            "audit.read",
            "exports.manage",
            "organisation.manage",
            "organisation.security",
        ],
        "tenant": {"id": str(acme.tenant.id), "name": "Acme", "subdomain": "acme"},
        "organisations": [
            {
                "id": str(acme.tenant.id),
                "name": "Acme",
                "subdomain": "acme",
                "url": "http://acme.localhost/",
                "role": "owner",
                "current": True,
            }
        ],
        "impersonatedBy": None,
        "mfaSetupRequired": False,
    }


def test_anonymous_me_is_401_with_a_bearer_challenge(acme: Signup) -> None:
    response = api(acme.host).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_user_created_without_membership_cannot_use_tenant_endpoints(acme: Signup) -> None:
    UserFactory(email="stranger@example.test")
    response = api(acme.host).post(
        "/api/v1/auth/login/", {"email": "stranger@example.test", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 401
