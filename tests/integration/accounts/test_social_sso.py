"""Issue 15: an organisation's own SSO (configured at /api/v1/sso/, shared_apps.memberships.sso) through the
social login flow: offered on its host only, the same one public callback, and `enforced` refusing other
providers to members. The IdP is the real oidc-provider on loopback."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.memberships.models import Membership
from tenants.entitlements import Unlimited
from tenants.models import Tenant
from tests.conftest import Team
from tests.helpers import api, login
from tests.plugins.oidc import OidcClient, OidcProvider

from .social_helpers import (
    ACME,
    ALLAUTH,
    GLOBEX,
    PUBLIC,
    Browser,
    Providers,
    redeem,
)

pytestmark = pytest.mark.django_db


def _configure(acme: Signup, oidc_provider: OidcProvider, *, enforced: bool = False) -> str:
    return _configure_client(acme, oidc_provider, enforced=enforced)[0]


def _configure_client(
    acme: Signup, oidc_provider: OidcProvider, *, enforced: bool = False, auto_join: bool = False
) -> tuple[str, OidcClient]:
    """acme's owner configures its SSO at /api/v1/sso/ (the client registered at the IdP with the callback)."""
    provider_id = f"sso-{acme.tenant.pk}"
    callback = f"http://{PUBLIC}/accounts/{provider_id}/login/callback/"
    client = oidc_provider.add_client(redirect_uris=[callback])
    body = {
        "issuer": oidc_provider.issuer,
        "clientId": client.client_id,
        "clientSecret": client.client_secret,
        "emailDomains": ["acme.test"],
        "enforced": enforced,
        "autoJoin": auto_join,
    }
    response = api(ACME, login(ACME, acme.user.email)["access"]).put(
        "/api/v1/sso/", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["providerId"], response.json()["callbackUrl"]) == (provider_id, callback)
    return provider_id, client


def _ids(host: str) -> list[str]:
    config = Client(HTTP_HOST=host).get(f"{ALLAUTH}/config").json()
    return [p["id"] for p in config["data"]["socialaccount"]["providers"]]


def test_the_sso_is_offered_on_its_organisations_host_only(
    acme: Signup, globex: Signup, oidc_provider: OidcProvider, settings: Any
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}
    provider_id = _configure(acme, oidc_provider)

    assert _ids(ACME) == [provider_id]
    assert _ids(GLOBEX) == []
    assert _ids(PUBLIC) == []
    # Nor can another host start a flow with it.
    assert Browser().start(GLOBEX, provider_id).json()["errors"][0]["code"] == "unknown_provider"
    assert Browser().start(PUBLIC, provider_id).json()["errors"][0]["code"] == "unknown_provider"


def test_an_organisations_idp_never_signs_in_on_the_public_host(
    team: Team, acme: Signup, oidc_provider: OidcProvider, settings: Any
) -> None:
    # The owner's IdP asserts a verified address of an account (here globex's owner): on the public host,
    # by the token flow, that must not sign in as that account.
    settings.SOCIALACCOUNT_PROVIDERS = {}
    provider_id, client = _configure_client(acme, oidc_provider)
    oidc_provider.add_account("victim", email=team.outsider.email, email_verified=True)
    tokens = oidc_provider.tokens_for(client, "victim")
    body = {
        "provider": provider_id,
        "process": "login",
        "token": {"client_id": client.client_id, "id_token": tokens["id_token"]},
    }

    on_public = Client(HTTP_HOST=PUBLIC).post(f"{ALLAUTH}/auth/provider/token", body, content_type="application/json")
    on_globex = Client(HTTP_HOST=GLOBEX).post(f"{ALLAUTH}/auth/provider/token", body, content_type="application/json")

    assert on_public.status_code == 401, on_public.content
    assert on_public.json()["errors"][0]["code"] == "not_a_member"
    assert "meta" not in on_public.json()
    # On another organisation's host the provider does not even exist.
    assert on_globex.status_code == 400
    assert on_globex.json()["errors"][0]["code"] == "invalid_token"
    assert SocialAccount.objects.count() == 0


def test_a_member_signs_in_with_the_organisations_sso(
    acme: Signup, team: Team, oidc_provider: OidcProvider, settings: Any
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}
    provider_id = _configure(acme, oidc_provider)
    oidc_provider.add_account("member-sso", email=team.member.email, email_verified=True)
    browser = Browser()

    authorize = browser.to_provider(ACME, provider_id)
    end = browser.back_from_provider(oidc_provider.login(authorize, "member-sso", session=browser.provider_session))

    response = redeem(ACME, end)
    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == team.member.email


def test_enforced_sso_refuses_other_providers_to_members_but_not_to_owners(
    acme: Signup, team: Team, providers: Providers, oidc_provider: OidcProvider
) -> None:
    _configure(acme, oidc_provider, enforced=True)
    providers.github.add_person("member-gh", email=team.member.email)
    providers.github.add_person("owner-gh", email=team.owner.email)

    member = Browser().sign_in(ACME, "github", "member-gh")
    owner = Browser().sign_in(ACME, "github", "owner-gh")

    assert member == f"http://{ACME}/login?error=sso_required&error_process=login"
    assert redeem(ACME, owner).status_code == 200  # break-glass, audited
    assert AuditLog.objects.filter(action="sso.break_glass_login", actor=team.owner).count() == 1


# ---- autoJoin -------------------------------------------------------------------------------------------


class OneSeat(Unlimited):
    """ENTITLEMENTS for the seat test: acme's owner takes the only seat."""

    def seat_limit(self, tenant: Tenant) -> int | None:
        return 1


def _sso_sign_in(acme: Signup, oidc_provider: OidcProvider, sub: str, email: str, *, verified: bool = True) -> str:
    provider_id, _ = _configure_client(acme, oidc_provider, auto_join=True)
    oidc_provider.add_account(sub, email=email, email_verified=verified)
    browser = Browser()
    authorize = browser.to_provider(ACME, provider_id)
    return browser.back_from_provider(oidc_provider.login(authorize, sub, session=browser.provider_session))


def _acme_members(acme: Signup) -> list[tuple[str, str]]:
    return sorted(Membership.objects.filter(tenant=acme.tenant, is_active=True).values_list("user__email", "role"))


def test_auto_join_makes_a_verified_address_in_the_domains_a_member_on_first_sign_in(
    acme: Signup, oidc_provider: OidcProvider, settings: Any
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}
    before = _acme_members(acme)

    end = _sso_sign_in(acme, oidc_provider, "newcomer", "Newcomer@Acme.test")

    response = redeem(ACME, end)
    assert response.status_code == 200, response.content
    assert (response.json()["user"]["email"], response.json()["role"]) == ("newcomer@acme.test", "member")
    assert _acme_members(acme) == sorted([*before, ("newcomer@acme.test", "member")])
    [entry] = AuditLog.objects.filter(action="member.auto_joined").values_list("tenant_id", "extra")
    assert entry == (acme.tenant.pk, {"email": "newcomer@acme.test", "via": "sso"})


def test_auto_join_refuses_other_domains_and_unverified_addresses(
    acme: Signup, oidc_provider: OidcProvider, settings: Any
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}
    before = (_acme_members(acme), User.objects.count())

    elsewhere = _sso_sign_in(acme, oidc_provider, "outsider", "someone@example.test")
    unverified = _sso_sign_in(acme, oidc_provider, "unverified", "unverified@acme.test", verified=False)

    refused = f"http://{ACME}/login?error=not_a_member&error_process=login"
    assert (elsewhere, unverified) == (refused, refused)
    assert (_acme_members(acme), User.objects.count()) == before
    assert not AuditLog.objects.filter(action="member.auto_joined").exists()


def test_auto_join_respects_the_seat_limit(acme: Signup, oidc_provider: OidcProvider, settings: Any) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}
    provider_id, _ = _configure_client(acme, oidc_provider, auto_join=True)
    settings.ENTITLEMENTS = f"{__name__}.OneSeat"
    oidc_provider.add_account("late", email="late@acme.test", email_verified=True)
    before = (_acme_members(acme), User.objects.count())
    browser = Browser()
    authorize = browser.to_provider(ACME, provider_id)

    end = browser.back_from_provider(oidc_provider.login(authorize, "late", session=browser.provider_session))

    assert end == f"http://{ACME}/login?error=seat_limit_reached&error_process=login"
    assert (_acme_members(acme), User.objects.count()) == before


def test_auto_join_never_brings_back_a_removed_member(
    acme: Signup, team: Team, oidc_provider: OidcProvider, settings: Any
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}
    Membership.objects.filter(tenant=acme.tenant, user=team.member).update(is_active=False)
    before = _acme_members(acme)

    end = _sso_sign_in(acme, oidc_provider, "removed", team.member.email)

    assert end == f"http://{ACME}/login?error=not_a_member&error_process=login"
    assert _acme_members(acme) == before


def test_auto_join_by_the_token_flow_answers_with_the_kits_tokens(
    acme: Signup, oidc_provider: OidcProvider, settings: Any
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}
    provider_id, client = _configure_client(acme, oidc_provider, auto_join=True)
    oidc_provider.add_account("app-user", email="app-user@acme.test", email_verified=True)
    tokens = oidc_provider.tokens_for(client, "app-user")
    body = {
        "provider": provider_id,
        "process": "login",
        "token": {"client_id": client.client_id, "id_token": tokens["id_token"]},
    }

    response = Client(HTTP_HOST=ACME).post(f"{ALLAUTH}/auth/provider/token", body, content_type="application/json")

    assert response.status_code == 200, response.content
    access = response.json()["meta"]["access_token"]
    me = api(ACME, access).get("/api/v1/me/")
    assert (me.status_code, me.json()["email"], me.json()["role"]) == (200, "app-user@acme.test", "member")


def test_the_organisations_sso_is_not_connected_from_the_profile(
    acme: Signup, oidc_provider: OidcProvider, settings: Any
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}
    provider_id = _configure(acme, oidc_provider)
    token = api(ACME, login(ACME, acme.user.email)["access"]).post("/api/v1/me/social/connect/").json()["connectToken"]

    response = Browser().start(ACME, provider_id, f"http://{ACME}/profile", "connect", {"connect_token": token})

    assert response.status_code == 400
    assert [(e["code"], e["param"]) for e in response.json()["errors"]] == [("unknown_provider", "provider")]
