"""Issue 15: social login's redirect flow through ONE callback on the public host (GitHub and Google fakes
over HTTP on loopback, driven by allauth's real provider classes)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import signing
from django.test import Client

from shared_apps.accounts.models import LoginCode, User
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tenants.models import Domain, Tenant
from tests.conftest import Team
from tests.factories import PASSWORD
from tests.helpers import api, login

from .social_helpers import (
    ACME,
    ALLAUTH,
    GLOBEX,
    PUBLIC,
    Browser,
    Providers,
    query_of,
    redeem,
)

pytestmark = pytest.mark.django_db


def test_a_flow_started_on_acme_comes_back_through_the_public_callback_signed_in_on_acme(
    team: Team, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("member-gh", email=team.member.email, verified=True, name="Mem Ber")

    authorize = browser.to_provider(ACME, "github")
    # The provider is sent our ONE redirect URI, on the public host, whichever host the flow started on.
    assert authorize.startswith(f"{providers.github.url}/login/oauth/authorize?")
    assert query_of(authorize)["redirect_uri"] == f"http://{PUBLIC}/accounts/github/login/callback/"
    assert query_of(authorize)["client_id"] == providers.clients["github"].client_id
    assert query_of(authorize)["code_challenge_method"] == "S256"
    end = browser.back_from_provider(browser.at_provider(authorize, "member-gh"))

    response = redeem(ACME, end)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["email"] == team.member.email
    assert body["role"] == "member"
    me = api(ACME, body["access"]).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == team.member.email
    assert me.json()["tenant"]["subdomain"] == "acme"
    # Verified at GitHub and the member's login: the provider is now connected to that account.
    account = SocialAccount.objects.get(provider="github")
    assert account.user_id == team.member.pk
    assert account.extra_data["login"] == "member-gh"
    # The public host keeps no session from it, and the code worked once.
    assert browser.on(PUBLIC).get(f"{ALLAUTH}/auth/session").status_code == 401
    assert redeem(ACME, end).status_code == 401


def test_the_handoff_code_is_for_acme_only(team: Team, providers: Providers, browser: Browser) -> None:
    providers.github.add_person("owner-gh", email=team.owner.email)

    end = browser.sign_in(ACME, "github", "owner-gh")

    code = query_of(end)["code"]
    wrong_host = Client(HTTP_HOST=GLOBEX).post("/api/v1/auth/handoff/", {"code": code}, content_type="application/json")
    assert wrong_host.status_code == 401
    assert redeem(ACME, end).status_code == 200


def test_google_too(team: Team, providers: Providers, browser: Browser) -> None:
    providers.google.add_person("1234567890", email=team.admin.email, verified=True, name="Ad Min")

    end = browser.sign_in(ACME, "google", "1234567890")

    response = redeem(ACME, end)
    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == team.admin.email
    assert response.json()["role"] == "admin"
    assert SocialAccount.objects.get(provider="google").uid == "1234567890"


def test_a_non_member_ends_refused_on_the_organisations_login_page(
    team: Team, providers: Providers, browser: Browser
) -> None:
    # globex's owner has an account, verified at GitHub, but is not a member of acme.
    providers.github.add_person("outsider-gh", email=team.outsider.email, verified=True)

    end = browser.sign_in(ACME, "github", "outsider-gh")

    assert end == f"http://{ACME}/login?error=not_a_member&error_process=login"
    assert LoginCode.objects.count() == 0
    assert not Membership.objects.filter(user=team.outsider, tenant=acme_tenant(team)).exists()


def test_a_person_without_an_account_is_refused_on_an_organisation_and_no_account_is_made(
    acme: Signup, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("stranger", email="stranger@example.com", verified=True)
    users = User.objects.count()

    end = browser.sign_in(ACME, "github", "stranger")

    assert end == f"http://{ACME}/login?error=not_a_member&error_process=login"
    assert User.objects.count() == users
    assert SocialAccount.objects.count() == 0


def test_an_inactive_membership_is_refused(team: Team, providers: Providers, browser: Browser) -> None:
    Membership.objects.filter(user=team.member).update(is_active=False)
    providers.github.add_person("member-gh", email=team.member.email)

    end = browser.sign_in(ACME, "github", "member-gh")

    assert end == f"http://{ACME}/login?error=not_a_member&error_process=login"


def test_on_the_public_host_a_provider_signs_in_to_the_account_page(
    team: Team, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("member-gh", email=team.member.email)

    end = browser.sign_in(PUBLIC, "github", "member-gh")

    assert end == f"http://{PUBLIC}/account"
    # The account page loads its access token with the refresh cookie, like after a password login.
    public = browser.on(PUBLIC)
    refreshed = public.post("/api/v1/auth/refresh/", {}, content_type="application/json", HTTP_X_REQUESTED_WITH="x")
    assert refreshed.status_code == 200, refreshed.content
    tenants = api(PUBLIC, refreshed.json()["access"]).get("/api/v1/account/tenants/")
    assert tenants.status_code == 200
    assert [row["subdomain"] for row in tenants.json()["results"]] == ["acme"]


def test_a_new_person_signs_up_on_the_public_host_and_joins_no_organisation(
    acme: Signup, providers: Providers, browser: Browser
) -> None:
    providers.google.add_person("999", email="New.Person@Example.com", verified=True, name="New Person")

    end = browser.sign_in(PUBLIC, "google", "999")

    assert end == f"http://{PUBLIC}/account"
    user = User.objects.get(email="new.person@example.com")
    assert user.full_name == "New Person"
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user).count() == 0
    assert EmailAddress.objects.get(user=user).verified is True
    assert SocialAccount.objects.get(user=user).provider == "google"


def test_an_unverified_email_never_links_to_or_signs_in_as_an_existing_account(
    team: Team, providers: Providers, browser: Browser
) -> None:
    # Someone registers the member's address at GitHub without verifying it.
    providers.github.add_person("impostor", email=team.member.email, verified=False)

    on_acme = browser.sign_in(ACME, "github", "impostor")
    on_public = Browser().sign_in(PUBLIC, "github", "impostor")

    # On an organisation: what anyone without a membership gets. On the public host: the address is taken.
    assert on_acme == f"http://{ACME}/login?error=not_a_member&error_process=login"
    assert on_public == f"http://{PUBLIC}/login?error=email_taken&error_process=login"
    assert SocialAccount.objects.count() == 0
    assert LoginCode.objects.count() == 0
    assert User.objects.filter(email=team.member.email).count() == 1
    # The member's password still works (allauth wipes it only when a verified address signs in).
    assert login(ACME, team.member.email)["user"]["email"] == team.member.email


def test_an_unverified_email_of_no_account_does_not_sign_up_on_an_organisation(
    acme: Signup, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("newbie", email="newbie@example.com", verified=False)

    end = browser.sign_in(ACME, "github", "newbie")

    assert end == f"http://{ACME}/login?error=not_a_member&error_process=login"
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_a_connected_provider_signs_in_even_after_the_email_changed_at_the_provider(
    team: Team, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("member-gh", email=team.member.email)
    assert redeem(ACME, browser.sign_in(ACME, "github", "member-gh")).status_code == 200
    providers.github.people["member-gh"]["emails"][0]["email"] = "elsewhere@example.com"

    end = Browser().sign_in(ACME, "github", "member-gh")

    assert redeem(ACME, end).json()["user"]["email"] == team.member.email


def test_a_callback_url_on_another_host_is_refused(team: Team, providers: Providers, browser: Browser) -> None:
    for callback_url in (
        "https://evil.example/login",
        f"http://{GLOBEX}/login",  # another organisation: the flow returns where it started
        f"http://{PUBLIC}/login",
        "//evil.example/login",
    ):
        response = browser.start(ACME, "github", callback_url)

        assert response.status_code == 400, callback_url
        # allauth's own check (a host it does not know) or ours (one of our hosts, but not this one).
        assert [(e["code"], e["param"]) for e in response.json()["errors"]] == [("invalid_url", "callback_url")]


def test_an_unknown_provider_and_connect_by_redirect_are_refused(
    acme: Signup, providers: Providers, browser: Browser
) -> None:
    response = browser.start(ACME, "gitlab")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_provider"

    response = browser.start(ACME, "github", process="connect")  # no connect token: nobody to connect to
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "connect_token"

    response = browser.start(ACME, "github", process="signup")
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "process"


def _start_state(browser: Browser) -> str:
    response = browser.start(ACME, "github")
    assert response.status_code == 302
    return query_of(response["Location"])["state"]


def test_a_tampered_start_is_refused(acme: Signup, providers: Providers, browser: Browser) -> None:
    state = _start_state(browser)
    payload = signing.loads(state, salt="shared_apps.accounts.social.start")
    assert payload["r"]["h"] == ACME
    # The same content pointing somewhere else, and the signed one with a byte changed.
    forged = signing.dumps({**payload, "r": {**payload["r"], "h": "evil.example"}}, salt="wrong")
    flipped = state[:-2] + ("A" if state[-2] != "A" else "B") + state[-1]

    for bad in (forged, flipped, "", "not-a-state"):
        response = browser.on(PUBLIC).get("/accounts/social/start/", {"state": bad})
        assert response.status_code == 400, bad
        assert response.content == b"This sign-in link is not valid."


def test_a_signed_target_that_is_not_ours_is_refused(acme: Signup, providers: Providers, browser: Browser) -> None:
    # Even with our signature (a leaked key, an old link): only our hosts, routing to the named organisation.
    for target in (
        {"h": "evil.example", "t": None, "e": "/login"},
        {"h": GLOBEX, "t": str(acme.tenant.pk), "e": "/login"},
        {"h": PUBLIC, "t": str(acme.tenant.pk), "e": "/login"},
        {"h": "nobody.localhost", "t": None, "e": "/login"},
    ):
        state = signing.dumps({"p": "github", "r": target}, salt="shared_apps.accounts.social.start")
        response = browser.on(PUBLIC).get("/accounts/social/start/", {"state": state})
        assert response.status_code == 400, target


def test_a_tampered_provider_state_at_the_callback_is_refused(
    team: Team, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("member-gh", email=team.member.email)
    callback = browser.at_provider(browser.to_provider(ACME, "github"), "member-gh")
    query = query_of(callback)

    response = browser.on(PUBLIC).get("/accounts/github/login/callback/", {"code": query["code"], "state": "forged"})

    # allauth finds no such flow in this browser's session: its error, on the public host's login page.
    assert response.status_code == 302
    assert response["Location"] == f"http://{PUBLIC}/login?error=unknown&error_process=login"
    assert LoginCode.objects.count() == 0


def test_another_browser_cannot_finish_someone_elses_flow(team: Team, providers: Providers, browser: Browser) -> None:
    providers.github.add_person("member-gh", email=team.member.email)
    callback = browser.at_provider(browser.to_provider(ACME, "github"), "member-gh")

    # The callback in another browser (a link sent to a victim: login CSRF) finds no state there.
    other = Browser()
    response = other.get(callback)

    assert response.status_code == 302
    assert response["Location"] == f"http://{PUBLIC}/login?error=unknown&error_process=login"
    assert LoginCode.objects.count() == 0


def test_the_end_of_a_flow_works_once_and_only_in_its_browser(
    team: Team, providers: Providers, browser: Browser
) -> None:
    providers.github.add_person("member-gh", email=team.member.email)
    callback = browser.at_provider(browser.to_provider(ACME, "github"), "member-gh")
    finish = browser.get(callback)["Location"]

    assert Browser().get(finish).status_code == 400  # another browser: no nonce
    end = browser.get(finish)
    assert end.status_code == 302
    assert redeem(ACME, end["Location"]).status_code == 200
    assert browser.get(finish).status_code == 400  # used: the session that held the nonce is gone


def test_a_provider_error_ends_on_the_login_page_of_the_host_it_started_on(
    team: Team, providers: Providers, browser: Browser
) -> None:
    authorize = browser.to_provider(ACME, "github")
    # A login the provider refuses (unknown person: access_denied), like a person pressing "Cancel".
    callback = browser.at_provider(authorize, "nobody-at-github")
    assert query_of(callback)["error"] == "access_denied"

    end = browser.back_from_provider(callback)

    assert end == f"http://{ACME}/login?error=cancelled&error_process=login"


def test_a_stolen_code_without_the_pkce_verifier_is_useless(team: Team, providers: Providers, browser: Browser) -> None:
    providers.github.add_person("member-gh", email=team.member.email)
    authorize = browser.to_provider(ACME, "github")
    code = query_of(browser.at_provider(authorize, "member-gh"))["code"]
    gh = providers.clients["github"]

    exchange = requests.post(
        f"{providers.github.url}/login/oauth/access_token",
        data={
            "client_id": gh.client_id,
            "client_secret": gh.client_secret,
            "code": code,
            "redirect_uri": f"http://{PUBLIC}/accounts/github/login/callback/",
        },
        headers={"Accept": "application/json"},
        timeout=10,
    )

    assert exchange.json() == {"error": "invalid_grant", "error_description": "invalid grant"}


def test_custom_domain_of_an_organisation_is_a_return_target(
    team: Team, providers: Providers, browser: Browser, settings: Any
) -> None:
    host = "sso.acme-corp.test"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]  # a deployment lists its custom domains
    Domain.objects.create(domain=host, tenant=acme_tenant(team), is_primary=False)
    providers.github.add_person("member-gh", email=team.member.email)

    end = browser.sign_in(host, "github", "member-gh", f"http://{host}/login")

    assert end.startswith(f"http://{host}/auth/handoff?code=")
    assert redeem(host, end).status_code == 200


def test_password_login_of_the_member_still_works_afterwards(
    team: Team, providers: Providers, browser: Browser
) -> None:
    # The member's address was verified (EmailAddress row), so allauth's email authentication keeps the password.
    EmailAddress.objects.update_or_create(
        user=team.member, email=team.member.email, defaults={"verified": True, "primary": True}
    )
    providers.github.add_person("member-gh", email=team.member.email)
    assert redeem(ACME, browser.sign_in(ACME, "github", "member-gh")).status_code == 200

    assert login(ACME, team.member.email, PASSWORD)["role"] == "member"


def acme_tenant(team: Team) -> Tenant:
    return Membership.objects.get(user=team.member).tenant


def test_a_verified_provider_email_over_an_unverified_account_address_ends_its_password(
    team: Team, providers: Providers, browser: Browser
) -> None:
    # allauth's guard against a pre-registered account: whoever set the password never proved the address,
    # the provider did, so the password stops working (the person can set one with a reset).
    assert not EmailAddress.objects.filter(user=team.member, verified=True).exists()
    providers.github.add_person("member-gh", email=team.member.email)

    assert redeem(ACME, browser.sign_in(ACME, "github", "member-gh")).status_code == 200

    refused = Client(HTTP_HOST=ACME).post(
        "/api/v1/auth/login/", {"email": team.member.email, "password": PASSWORD}, content_type="application/json"
    )
    assert refused.status_code == 401
    assert not User.objects.get(pk=team.member.pk).has_usable_password()
