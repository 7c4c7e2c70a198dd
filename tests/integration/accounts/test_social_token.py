"""Issue 15: allauth's token flow on an organisation's host gives the kit's tenant-bound tokens (members
only), `GET /_allauth/app/v1/config` lists the providers offered, MFA, and connecting a provider from the
signed-in profile (allauth's session token)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache
from django.test import Client

from shared_apps.accounts.models import RefreshTokenRecord, User
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tests.conftest import Team
from tests.factories import PASSWORD
from tests.helpers import api

from .social_helpers import (
    ACME,
    ALLAUTH,
    GLOBEX,
    PUBLIC,
    Browser,
    Providers,
    callback_uri,
    query_of,
    redeem,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_limits(settings: Any) -> None:
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis
    settings.MFA_TOTP_TOLERANCE = 1


def google_id_token(providers: Providers, sub: str) -> str:
    """What a mobile app gets from Google's SDK: the code flow at the provider, an ID token for our client."""
    client = providers.clients["google"]
    authorize = requests.get(
        f"{providers.google.url}/o/oauth2/v2/auth",
        params={
            "client_id": client.client_id,
            "redirect_uri": callback_uri("google"),
            "response_type": "code",
            "scope": "openid email profile",
            "state": "s",
            "login": sub,
        },
        allow_redirects=False,
        timeout=10,
    )
    code = query_of(authorize.headers["Location"])["code"]
    tokens = requests.post(
        f"{providers.google.url}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "redirect_uri": callback_uri("google"),
        },
        timeout=10,
    ).json()
    return str(tokens["id_token"])


def token_login(host: str, providers: Providers, id_token: str, *, process: str = "login", session: str = "") -> Any:
    """allauth's token flow with a Google ID token (`session`: the X-Session-Token of a signed-in profile)."""
    body = {
        "provider": "google",
        "process": process,
        "token": {"client_id": providers.clients["google"].client_id, "id_token": id_token},
    }
    client = Client(HTTP_HOST=host, headers={"X-Session-Token": session} if session else None)
    return client.post(f"{ALLAUTH}/auth/provider/token", body, content_type="application/json")


def test_a_member_gets_tenant_bound_tokens_in_meta(team: Team, providers: Providers) -> None:
    providers.google.add_person("g-member", email=team.member.email, name="Mem Ber")

    response = token_login(ACME, providers, google_id_token(providers, "g-member"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["data"]["user"]["email"] == team.member.email
    assert set(body["meta"]) == {"is_authenticated", "session_token", "access_token", "refresh_token"}
    access, refresh = body["meta"]["access_token"], body["meta"]["refresh_token"]
    me = api(ACME, access).get("/api/v1/me/")
    assert me.status_code == 200
    assert (me.json()["email"], me.json()["role"]) == (team.member.email, "member")
    # Bound to acme: globex and the public host refuse them, like any acme token.
    assert api(GLOBEX, access).get("/api/v1/me/").status_code == 401
    assert api(PUBLIC, access).get("/api/v1/account/tenants/").status_code == 401
    # The same refresh token family rules as a password login, and the refresh cookie is set.
    assert response.cookies["refresh_token"].value == refresh
    assert (
        RefreshTokenRecord.objects.get(user=team.member).tenant_id == Membership.objects.get(user=team.member).tenant_id
    )
    rotated = Client(HTTP_HOST=ACME).post(
        "/api/v1/auth/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    assert rotated.status_code == 200


def test_anyone_but_a_member_gets_401(team: Team, providers: Providers) -> None:
    providers.google.add_person("g-outsider", email=team.outsider.email)  # globex's owner: an account, not acme's
    providers.google.add_person("g-stranger", email="stranger@example.com")  # no account at all
    providers.google.add_person("g-unverified", email=team.member.email, verified=False)  # not the member
    users = User.objects.count()

    answers = [
        token_login(ACME, providers, google_id_token(providers, sub))
        for sub in ("g-outsider", "g-stranger", "g-unverified")
    ]

    for response in answers:
        assert response.status_code == 401, response.content
        assert response.json() == {
            "status": 401,
            "errors": [{"message": "You are not a member of this organisation.", "code": "not_a_member"}],
        }
        assert "refresh_token" not in response.cookies
    assert User.objects.count() == users
    assert SocialAccount.objects.count() == 0


def test_a_removed_member_gets_401(team: Team, providers: Providers) -> None:
    providers.google.add_person("g-member", email=team.member.email)
    Membership.objects.filter(user=team.member).update(is_active=False)

    response = token_login(ACME, providers, google_id_token(providers, "g-member"))

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_a_member"


def test_an_id_token_for_another_client_or_forged_is_refused(team: Team, providers: Providers) -> None:
    providers.google.add_person("g-member", email=team.member.email)
    other = providers.google.add_client([callback_uri("google")])
    foreign = providers.google.id_token("g-member", other.client_id)
    genuine = google_id_token(providers, "g-member")
    head, payload, signature = genuine.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"

    for id_token in (foreign, forged):
        response = token_login(ACME, providers, id_token)
        assert response.status_code == 400, response.content
        assert response.json()["errors"] == [{"message": "Invalid token.", "code": "invalid_token", "param": "token"}]


def test_the_public_host_gives_account_tokens(team: Team, providers: Providers) -> None:
    providers.google.add_person("g-member", email=team.member.email)

    response = token_login(PUBLIC, providers, google_id_token(providers, "g-member"))

    assert response.status_code == 200, response.content
    tenants = api(PUBLIC, response.json()["meta"]["access_token"]).get("/api/v1/account/tenants/")
    assert [row["subdomain"] for row in tenants.json()["results"]] == ["acme"]


def _totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_an_account_with_mfa_gets_no_tokens_before_its_second_factor(team: Team, providers: Providers) -> None:
    secret = generate_totp_secret()
    TOTP.activate(team.member, secret)
    RecoveryCodes.activate(team.member)
    providers.google.add_person("g-member", email=team.member.email)

    first = token_login(ACME, providers, google_id_token(providers, "g-member"))

    # allauth's own second step: 401 with the pending flow and a session token, no kit tokens.
    assert first.status_code == 401, first.content
    body = first.json()
    assert "access_token" not in body["meta"] and "refresh_token" not in body["meta"]
    assert [f for f in body["data"]["flows"] if f.get("is_pending")] == [
        {"id": "mfa_authenticate", "is_pending": True, "types": ["recovery_codes", "totp"]}
    ]
    session = body["meta"]["session_token"]
    wrong = Client(HTTP_HOST=ACME).post(
        f"{ALLAUTH}/auth/2fa/authenticate",
        {"code": "000000"},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session,
    )
    assert wrong.status_code == 400
    second = Client(HTTP_HOST=ACME).post(
        f"{ALLAUTH}/auth/2fa/authenticate",
        {"code": _totp(secret)},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session,
    )
    assert second.status_code == 200, second.content
    me = api(ACME, second.json()["meta"]["access_token"]).get("/api/v1/me/")
    assert me.json()["email"] == team.member.email


def test_the_redirect_flow_of_an_account_with_mfa_ends_at_the_kits_second_step(
    team: Team, providers: Providers, browser: Browser
) -> None:
    secret = generate_totp_secret()
    TOTP.activate(team.member, secret)
    providers.github.add_person("member-gh", email=team.member.email)

    end = browser.sign_in(ACME, "github", "member-gh")

    assert end.startswith(f"http://{ACME}/login?mfaToken=")
    query = query_of(end)
    assert query["methods"] == "totp"
    response = Client(HTTP_HOST=ACME).post(
        "/api/v1/auth/mfa/", {"mfaToken": query["mfaToken"], "code": _totp(secret)}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == team.member.email
    assert response.json()["role"] == "member"


def test_config_lists_the_configured_providers(acme: Signup, providers: Providers) -> None:
    for host in (ACME, PUBLIC):
        response = Client(HTTP_HOST=host).get(f"{ALLAUTH}/config")

        assert response.status_code == 200
        assert response.json()["data"]["socialaccount"] == {
            "providers": [
                {
                    "id": "github",
                    "name": "GitHub",
                    "flows": ["provider_redirect"],
                    "client_id": providers.clients["github"].client_id,
                },
                {
                    "id": "google",
                    "name": "Google",
                    "flows": ["provider_redirect", "provider_token"],
                    "client_id": providers.clients["google"].client_id,
                },
            ]
        }


def test_a_provider_without_credentials_is_not_offered(acme: Signup, providers: Providers, settings: Any) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {"google": settings.SOCIALACCOUNT_PROVIDERS["google"]}

    listed = Client(HTTP_HOST=ACME).get(f"{ALLAUTH}/config").json()["data"]["socialaccount"]["providers"]
    started = Browser().start(ACME, "github")
    by_token = Client(HTTP_HOST=ACME).post(
        f"{ALLAUTH}/auth/provider/token",
        {"provider": "github", "process": "login", "token": {"client_id": "x", "access_token": "y"}},
        content_type="application/json",
    )

    assert [p["id"] for p in listed] == ["google"]
    assert started.status_code == 400
    assert started.json()["errors"][0]["code"] == "unknown_provider"
    assert by_token.status_code == 400

    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert Client(HTTP_HOST=PUBLIC).get(f"{ALLAUTH}/config").json()["data"]["socialaccount"] == {"providers": []}


def _allauth_session(host: str, email: str) -> str:
    response = Client(HTTP_HOST=host).post(
        f"{ALLAUTH}/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["meta"]["session_token"])


def test_connect_a_provider_from_the_signed_in_profile_and_remove_it(team: Team, providers: Providers) -> None:
    # A different address at Google: connecting is what ties it to this account, not the email.
    providers.google.add_person("g-other", email="member.personal@example.com")
    session = _allauth_session(ACME, team.member.email)

    connected = token_login(ACME, providers, google_id_token(providers, "g-other"), process="connect", session=session)
    listed = Client(HTTP_HOST=ACME).get(f"{ALLAUTH}/account/providers", HTTP_X_SESSION_TOKEN=session)

    assert connected.status_code == 200, connected.content
    assert SocialAccount.objects.get(uid="g-other").user_id == team.member.pk
    assert listed.status_code == 200
    assert [(a["uid"], a["provider"]["id"]) for a in listed.json()["data"]] == [("g-other", "google")]
    # Now the provider signs the member in on acme, whatever its email.
    assert token_login(ACME, providers, google_id_token(providers, "g-other")).status_code == 200

    removed = Client(HTTP_HOST=ACME).delete(
        f"{ALLAUTH}/account/providers",
        {"provider": "google", "account": "g-other"},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session,
    )
    assert removed.status_code == 200, removed.content
    assert removed.json()["data"] == []
    assert not SocialAccount.objects.filter(uid="g-other").exists()


def test_an_account_cannot_take_a_provider_connected_to_another(team: Team, providers: Providers) -> None:
    providers.google.add_person("g-admin", email=team.admin.email)
    assert token_login(ACME, providers, google_id_token(providers, "g-admin")).status_code == 200  # the admin's now
    session = _allauth_session(ACME, team.member.email)

    response = token_login(ACME, providers, google_id_token(providers, "g-admin"), process="connect", session=session)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "connected_other"
    assert SocialAccount.objects.get(uid="g-admin").user_id == team.admin.pk


def test_providers_of_another_account_are_not_listed_or_removable(team: Team, providers: Providers) -> None:
    providers.google.add_person("g-admin", email=team.admin.email)
    assert token_login(ACME, providers, google_id_token(providers, "g-admin")).status_code == 200
    session = _allauth_session(ACME, team.member.email)

    listed = Client(HTTP_HOST=ACME).get(f"{ALLAUTH}/account/providers", HTTP_X_SESSION_TOKEN=session)
    removed = Client(HTTP_HOST=ACME).delete(
        f"{ALLAUTH}/account/providers",
        {"provider": "google", "account": "g-admin"},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session,
    )

    assert listed.json()["data"] == []
    assert removed.status_code == 400
    assert removed.json()["errors"][0]["code"] == "account_not_found"
    assert SocialAccount.objects.filter(uid="g-admin").exists()


def test_the_handoff_after_a_redirect_flow_is_the_same_session_as_a_password_login(
    team: Team, providers: Providers, browser: Browser
) -> None:
    providers.google.add_person("g-owner", email=team.owner.email)

    body = redeem(ACME, browser.sign_in(ACME, "google", "g-owner")).json()

    assert set(body) == {"access", "refresh", "user", "role"}
    assert body["role"] == "owner"


def test_the_token_flow_and_the_redirect_start_are_rate_limited(
    acme: Signup, providers: Providers, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (2, 60)}
    settings.RATE_LIMIT_MULTIPLIER = 1
    body = {"provider": "google", "process": "login", "token": {"client_id": "x", "id_token": "y"}}
    token = [
        Client(HTTP_HOST=ACME).post(f"{ALLAUTH}/auth/provider/token", body, content_type="application/json")
        for _ in range(2)
    ]
    limited = Client(HTTP_HOST=ACME).post(f"{ALLAUTH}/auth/provider/token", body, content_type="application/json")
    started = Browser().start(ACME, "github")

    assert [r.status_code for r in token] == [400, 400]
    assert limited.status_code == 429
    assert limited.json()["errors"][0]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0
    assert started.status_code == 429
