"""Issue 15: connecting a provider to the signed-in account from an organisation's profile. The provider's
login runs through the public host's one callback (no session of the person there), so a single-use connect
token issued on the organisation's host (POST /api/v1/me/social/connect/) names the account: against the
GitHub fake and the real OpenID Connect provider."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from shared_apps.accounts.models import LoginCode, User
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from tests.conftest import Team
from tests.factories import PASSWORD
from tests.helpers import api, login
from tests.plugins.oidc import OidcClient, OidcProvider

from .social_helpers import ACME, ALLAUTH, GLOBEX, PUBLIC, Browser, Providers, host_of, query_of
from .test_social_oidc import PROVIDER_ID, idp  # noqa: F401  # the OpenID Connect provider's fixture

pytestmark = pytest.mark.django_db


def _connect_token(host: str, user: User) -> str:
    access = login(host, user.email)["access"]
    response = api(host, access).post("/api/v1/me/social/connect/")
    assert response.status_code == 200, response.content
    token = response.json()["connectToken"]
    assert isinstance(token, str) and len(token) > 40
    return str(token)


def _connect(browser: Browser, host: str, provider: str, token: str, authorize: Callable[[str], str]) -> str:
    """The profile's form post with process=connect, the provider's login, and our callback: where the
    browser ends (the organisation's /profile)."""
    url = browser.to_provider(
        host, provider, f"http://{host}/profile", process="connect", extra={"connect_token": token}
    )
    callback = authorize(url)
    assert host_of(callback) == PUBLIC, callback
    response = browser.get(callback)
    assert response.status_code == 302, response.content
    return str(response["Location"])


def _github(providers: Providers, browser: Browser, login_name: str) -> Callable[[str], str]:
    return lambda url: browser.at_provider(url, login_name)


def test_connect_binds_the_provider_to_the_signed_in_member_and_lists_it(
    acme: Signup, team: Team, providers: Providers, browser: Browser
) -> None:
    # Another address at GitHub, unverified there: connecting is what ties it, never the email.
    providers.github.add_person("member-gh", email="someone-else@example.test", verified=False)
    token = _connect_token(ACME, team.member)

    end = _connect(browser, ACME, "github", token, _github(providers, browser, "member-gh"))

    assert end == f"http://{ACME}/profile?connected=github"
    account = SocialAccount.objects.get(provider="github")
    assert account.user_id == team.member.pk
    assert account.extra_data["login"] == "member-gh"
    # The provider's address is not added to the account (verified or not): it signs in as nothing.
    assert not EmailAddress.objects.filter(email="someone-else@example.test").exists()
    audit = AuditLog.objects.get(action="account.social_connected")
    assert (audit.actor_id, audit.tenant_id, audit.extra) == (
        team.member.pk,
        acme.tenant.pk,
        {"provider": "github", "uid": account.uid},
    )
    # The profile's list (allauth's, with the member's allauth session) shows it.
    session = _allauth_session(team.member)
    listed = api(ACME).get(f"{ALLAUTH}/account/providers", HTTP_X_SESSION_TOKEN=session)
    assert listed.status_code == 200, listed.content
    assert [(p["provider"]["id"], p["uid"]) for p in listed.json()["data"]] == [("github", account.uid)]
    # The public host keeps no session of it, and the connect token is spent.
    assert browser.on(PUBLIC).get(f"{ALLAUTH}/auth/session").status_code == 401
    assert LoginCode.objects.get(purpose=LoginCode.Purpose.CONNECT).used_at is not None


def _allauth_session(user: User) -> str:
    response = api(ACME).post(
        f"{ALLAUTH}/auth/login", {"email": user.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["meta"]["session_token"])


def test_a_replayed_token_and_another_hosts_token_are_refused(
    team: Team, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("member-gh", email=team.member.email)
    providers.github.add_person("other-gh", email="other@example.test")
    token = _connect_token(ACME, team.member)
    assert _connect(browser, ACME, "github", token, _github(providers, browser, "member-gh")).endswith(
        "connected=github"
    )

    replayed = _connect(Browser(), ACME, "github", token, _github(providers, Browser(), "other-gh"))

    assert replayed == f"http://{ACME}/profile?error=connect_invalid&error_process=connect"
    assert list(SocialAccount.objects.values_list("extra_data__login", flat=True)) == ["member-gh"]

    # Isolation: a token of acme's profile started on globex's host ends on globex, connecting nothing.
    fresh = _connect_token(ACME, team.member)
    on_globex = _connect(Browser(), GLOBEX, "github", fresh, _github(providers, Browser(), "other-gh"))
    assert on_globex == f"http://{GLOBEX}/profile?error=connect_invalid&error_process=connect"
    assert SocialAccount.objects.count() == 1
    assert AuditLog.objects.filter(action="account.social_connected").count() == 1


def test_a_handoff_code_does_not_connect_and_a_connect_token_does_not_sign_in(
    team: Team, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("other-gh", email="other@example.test")
    token = _connect_token(ACME, team.member)

    handoff = api(ACME).post("/api/v1/auth/handoff/", {"code": token}, content_type="application/json")

    assert handoff.status_code == 401
    assert LoginCode.objects.get(purpose=LoginCode.Purpose.CONNECT).used_at is None


def test_a_provider_account_connected_to_another_account_is_refused(
    team: Team, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("admin-gh", email=team.admin.email)
    assert _connect(
        browser, ACME, "github", _connect_token(ACME, team.admin), _github(providers, browser, "admin-gh")
    ).endswith("connected=github")

    # The member completes the provider login as the admin's GitHub account.
    other = Browser()
    end = _connect(other, ACME, "github", _connect_token(ACME, team.member), _github(providers, other, "admin-gh"))

    assert end == f"http://{ACME}/profile?error=connected_other&error_process=connect"
    assert list(SocialAccount.objects.values_list("user_id", flat=True)) == [team.admin.pk]


def test_connect_needs_a_token_from_an_organisations_profile(
    team: Team, providers: Providers, browser: Browser
) -> None:
    response = browser.start(ACME, "github", f"http://{ACME}/profile", process="connect")
    assert response.status_code == 400
    assert [(e["code"], e["param"]) for e in response.json()["errors"]] == [("invalid", "connect_token")]
    # The public host has no profile to connect from.
    response = browser.start(PUBLIC, "github", f"http://{PUBLIC}/account", "connect", {"connect_token": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "connect_token"
    # Anonymous: no token.
    assert api(ACME).post("/api/v1/me/social/connect/").status_code == 401
    assert LoginCode.objects.count() == 0


def test_connect_with_the_real_openid_connect_provider(
    team: Team,
    idp: OidcClient,  # noqa: F811
    oidc_provider: OidcProvider,
    browser: Browser,
) -> None:
    oidc_provider.add_account("member-oidc", email="member@corp.test", email_verified=True)
    token = _connect_token(ACME, team.member)

    end = _connect(
        browser,
        ACME,
        PROVIDER_ID,
        token,
        lambda url: oidc_provider.login(url, "member-oidc", session=browser.provider_session),
    )

    assert end == f"http://{ACME}/profile?connected={PROVIDER_ID}"
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user_id == team.member.pk
    assert query_of(end) == {"connected": PROVIDER_ID}
