"""Issue 15: accepting an invitation by signing in with a provider (accept-invite's provider buttons post the
invitation's token with allauth's redirect form). The flow carries the invitation in its signed state; on
return the invitation is accepted iff the provider's address equal to the invited one is verified. GitHub
and Google fakes over HTTP on loopback, and the real oidc-provider for an organisation's SSO."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.core import signing
from django.utils import timezone

from shared_apps.accounts.models import LoginCode, User
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.memberships.models import Invitation, Membership
from tests.conftest import Team
from tests.factories import PASSWORD
from tests.helpers import api
from tests.integration.memberships.test_invitations import TwoSeats, invitation
from tests.plugins.oidc import OidcProvider

from .social_helpers import ACME, ALLAUTH, GLOBEX, PUBLIC, Browser, Providers, query_of, redeem
from .test_social_sso import _configure_client

pytestmark = pytest.mark.django_db

INVITED = "new.person@example.com"
CALLBACK = f"http://{ACME}/accept-invite"


def _refused(code: str, host: str = ACME) -> str:
    return f"http://{host}/accept-invite?error={code}&error_process=login"


def _start(browser: Browser, token: str, provider: str = "github", host: str = ACME) -> Any:
    """accept-invite's provider button: allauth's redirect form with the invitation's token."""
    callback = f"http://{host}/accept-invite"
    body = {"provider": provider, "process": "login", "callback_url": callback, "invitation": token}
    return browser.on(host).post(f"{ALLAUTH}/auth/provider/redirect", body)


def _to_provider(browser: Browser, token: str, provider: str = "github", host: str = ACME) -> str:
    response = _start(browser, token, provider, host)
    assert response.status_code == 302, response.content
    response = browser.get(response["Location"])
    assert response.status_code == 302, response.content
    return str(response["Location"])


def _accept_with(browser: Browser, token: str, login_name: str, provider: str = "github", host: str = ACME) -> str:
    return browser.back_from_provider(browser.at_provider(_to_provider(browser, token, provider, host), login_name))


def _snapshot(row: Invitation) -> tuple[Any, ...]:
    """What a refused acceptance must leave as it was."""
    row.refresh_from_db()
    members = sorted(Membership.objects.filter(tenant=row.tenant).values_list("user__email", "role", "is_active"))
    return (row.accepted_at, row.revoked_at, members, User.objects.count(), SocialAccount.objects.count())


def test_a_new_person_accepts_with_a_provider_that_verified_the_invited_email(
    acme: Signup, providers: Providers, browser: Browser
) -> None:
    row, token = invitation(acme.tenant, INVITED, "admin")
    providers.github.add_person("newbie-gh", email="New.Person@Example.com", verified=True, name="New Person")

    end = _accept_with(browser, token, "newbie-gh")

    # Signed in on acme through the handoff, as a member with the invitation's role.
    response = redeem(ACME, end)
    assert response.status_code == 200, response.content
    assert (response.json()["user"]["email"], response.json()["role"]) == (INVITED, "admin")
    me = api(ACME, response.json()["access"]).get("/api/v1/me/")
    assert (me.status_code, me.json()["email"], me.json()["tenant"]["subdomain"]) == (200, INVITED, "acme")
    user = User.objects.get(email=INVITED)
    assert user.full_name == "New Person"
    assert not user.has_usable_password()
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        (INVITED, True, True)
    ]
    assert SocialAccount.objects.get(user=user).provider == "github"
    # Consumed, and audited once with the provider.
    row.refresh_from_db()
    assert row.status == Invitation.Status.ACCEPTED
    entries = AuditLog.objects.filter(action="invitation.accepted", target_id=str(row.pk))
    assert list(entries.values_list("tenant_id", "actor_id", "extra")) == [(acme.tenant.pk, user.pk, {"via": "github"})]


def test_an_existing_account_accepts_and_keeps_its_other_organisations(
    team: Team, acme: Signup, globex: Signup, providers: Providers, browser: Browser
) -> None:
    # acme's member is invited to globex; GitHub verified that address.
    row, token = invitation(globex.tenant, team.member.email)
    providers.github.add_person("member-gh", email=team.member.email, verified=True)

    end = _accept_with(browser, token, "member-gh", host=GLOBEX)

    response = redeem(GLOBEX, end)
    assert response.status_code == 200, response.content
    assert (response.json()["user"]["email"], response.json()["role"]) == (team.member.email, "member")
    assert sorted(Membership.objects.filter(user=team.member).values_list("tenant__name", "role")) == [
        ("Acme", "member"),
        ("Globex", "member"),
    ]
    row.refresh_from_db()
    assert row.status == Invitation.Status.ACCEPTED
    assert SocialAccount.objects.get(provider="github").user_id == team.member.pk


def test_a_provider_already_connected_to_the_invited_account_accepts(
    team: Team, globex: Signup, providers: Providers, browser: Browser
) -> None:
    providers.google.add_person("42", email=team.member.email, verified=True)
    assert redeem(ACME, Browser().sign_in(ACME, "google", "42")).status_code == 200  # connected by a login
    _row, token = invitation(globex.tenant, team.member.email, "admin")

    end = _accept_with(browser, token, "42", "google", GLOBEX)

    assert redeem(GLOBEX, end).json()["role"] == "admin"
    assert Membership.objects.get(user=team.member, tenant=globex.tenant).role == "admin"


def test_a_provider_email_that_is_not_the_invited_one_is_refused(
    team: Team, acme: Signup, providers: Providers, browser: Browser
) -> None:
    row, token = invitation(acme.tenant, INVITED)
    providers.github.add_person("other-gh", email="someone.else@example.com", verified=True)
    before = _snapshot(row)

    end = _accept_with(browser, token, "other-gh")

    assert end == _refused("invitation_email_mismatch")
    assert _snapshot(row) == before
    assert not User.objects.filter(email="someone.else@example.com").exists()
    assert LoginCode.objects.count() == 0
    # Still pending: the right person can accept it (here with a password).
    accepted = api(ACME).post(
        "/api/v1/invitations/accept/", {"token": token, "password": "a-brand-new-passphrase-7"}, "application/json"
    )
    assert accepted.status_code == 200, accepted.content


def test_an_existing_member_signing_in_with_another_address_is_refused(
    team: Team, acme: Signup, providers: Providers, browser: Browser
) -> None:
    # Someone holding the link signs in as an account of theirs (acme's member): not the invited address.
    row, token = invitation(acme.tenant, INVITED)
    providers.github.add_person("member-gh", email=team.member.email, verified=True)
    before = _snapshot(row)

    end = _accept_with(browser, token, "member-gh")

    assert end == _refused("invitation_email_mismatch")
    assert _snapshot(row) == before


def test_an_unverified_provider_email_is_refused(
    team: Team, acme: Signup, providers: Providers, browser: Browser
) -> None:
    new_row, new_token = invitation(acme.tenant, INVITED)
    providers.github.add_person("unverified-gh", email=INVITED, verified=False)
    # ... and for an address that is an account's: an unverified address never signs in as it either.
    own_row, own_token = invitation(acme.tenant, team.outsider.email)
    providers.google.add_person("7", email=team.outsider.email, verified=False)
    before = (_snapshot(new_row), _snapshot(own_row))

    new = _accept_with(browser, new_token, "unverified-gh")
    own = _accept_with(Browser(), own_token, "7", "google")

    assert (new, own) == (_refused("invitation_email_unverified"), _refused("invitation_email_unverified"))
    assert (_snapshot(new_row), _snapshot(own_row)) == before
    assert not User.objects.filter(email=INVITED).exists()
    assert not AuditLog.objects.filter(action="invitation.accepted").exists()


@pytest.mark.parametrize("state", ["revoked", "expired", "accepted", "resent", "unknown"])
def test_an_invitation_that_cannot_be_accepted_is_refused_at_the_start(
    acme: Signup, providers: Providers, browser: Browser, state: str
) -> None:
    row, token = invitation(acme.tenant, INVITED)
    if state == "revoked":
        Invitation.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        Invitation.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "accepted":
        Invitation.objects.filter(pk=row.pk).update(accepted_at=timezone.now())
    elif state == "resent":
        Invitation.objects.filter(pk=row.pk).update(token_hash="0" * 64)
    else:
        token = "not-a-token"
    before = _snapshot(row)

    response = _start(browser, token)

    # Straight back to the page, with the reason: the provider is never asked.
    assert response.status_code == 302
    assert response["Location"] == _refused("invitation_invalid")
    assert _snapshot(row) == before


@pytest.mark.parametrize("state", ["revoked", "expired"])
def test_an_invitation_revoked_or_expired_during_the_flow_is_refused_on_return(
    acme: Signup, providers: Providers, browser: Browser, state: str
) -> None:
    row, token = invitation(acme.tenant, INVITED)
    providers.github.add_person("newbie-gh", email=INVITED, verified=True)
    callback = browser.at_provider(_to_provider(browser, token), "newbie-gh")
    if state == "revoked":
        Invitation.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
    else:
        Invitation.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    before = _snapshot(row)

    end = browser.back_from_provider(callback)

    assert end == _refused("invitation_invalid")
    assert _snapshot(row) == before
    assert not User.objects.filter(email=INVITED).exists()


def test_an_invitation_is_consumed_exactly_once(acme: Signup, providers: Providers, browser: Browser) -> None:
    # Two tabs start from the same link; both come back from the provider.
    row, token = invitation(acme.tenant, INVITED)
    providers.github.add_person("newbie-gh", email=INVITED, verified=True)
    second = Browser()
    first_callback = browser.at_provider(_to_provider(browser, token), "newbie-gh")
    second_callback = second.at_provider(_to_provider(second, token), "newbie-gh")

    first = browser.back_from_provider(first_callback)
    again = second.back_from_provider(second_callback)

    assert redeem(ACME, first).status_code == 200
    assert again == _refused("invitation_invalid")
    assert Membership.objects.filter(tenant=acme.tenant, user__email=INVITED).count() == 1
    assert AuditLog.objects.filter(action="invitation.accepted", target_id=str(row.pk)).count() == 1


def test_another_organisations_invitation_does_nothing_on_this_host(
    acme: Signup, globex: Signup, providers: Providers, browser: Browser
) -> None:
    row, token = invitation(globex.tenant, INVITED)
    providers.github.add_person("newbie-gh", email=INVITED, verified=True)
    before = _snapshot(row)

    # globex's link used on acme's accept-invite: refused before the provider.
    response = _start(browser, token)
    assert response["Location"] == _refused("invitation_invalid")

    # Even with a validly signed state naming globex's invitation for a flow that returns to acme.
    state = signing.dumps(
        {"p": "github", "r": {"h": ACME, "t": str(acme.tenant.pk), "e": "/accept-invite"}, "i": row.token_hash},
        salt="shared_apps.accounts.social.start",
    )
    authorize = browser.get(f"http://{PUBLIC}/accounts/social/start/?state={state}")["Location"]
    end = browser.back_from_provider(browser.at_provider(authorize, "newbie-gh"))

    assert end == _refused("invitation_invalid")
    assert _snapshot(row) == before
    assert not Membership.objects.filter(tenant=acme.tenant, user__email=INVITED).exists()
    assert not User.objects.filter(email=INVITED).exists()


def test_the_public_host_has_no_invitations(acme: Signup, providers: Providers, browser: Browser) -> None:
    row, token = invitation(acme.tenant, INVITED)
    before = _snapshot(row)

    response = _start(browser, token, host=PUBLIC)

    assert response["Location"] == _refused("invitation_invalid", PUBLIC)
    # A signed state naming an invitation but no organisation is not a valid start either.
    state = signing.dumps(
        {"p": "github", "r": {"h": PUBLIC, "t": None, "e": "/accept-invite"}, "i": row.token_hash},
        salt="shared_apps.accounts.social.start",
    )
    assert browser.on(PUBLIC).get("/accounts/social/start/", {"state": state}).status_code == 400
    assert _snapshot(row) == before


def test_the_seat_limit_applies_as_for_a_password(
    acme: Signup, team: Team, providers: Providers, browser: Browser, settings: Any
) -> None:
    # acme has three members; its pending invitation does not count against itself, the members do.
    row, token = invitation(acme.tenant, INVITED)
    providers.github.add_person("newbie-gh", email=INVITED, verified=True)
    callback = browser.at_provider(_to_provider(browser, token), "newbie-gh")
    settings.ENTITLEMENTS = f"{TwoSeats.__module__}.TwoSeats"
    before = _snapshot(row)

    end = browser.back_from_provider(callback)

    assert end == _refused("seat_limit_reached")
    assert _snapshot(row) == before
    assert not User.objects.filter(email=INVITED).exists()  # the account and the membership, or neither


def test_an_active_member_is_told_so(team: Team, acme: Signup, providers: Providers, browser: Browser) -> None:
    # A stale invitation to someone who has joined since (by another invitation or SSO).
    row, token = invitation(acme.tenant, "late@acme.test")
    late = User.objects.create_user(email="late@acme.test", password=PASSWORD)
    Membership.objects.create(user=late, tenant=acme.tenant, role="member")
    providers.github.add_person("late-gh", email="late@acme.test", verified=True)
    before = _snapshot(row)

    end = _accept_with(browser, token, "late-gh")

    assert end == _refused("already_member")
    assert _snapshot(row) == before


def test_a_removed_member_comes_back_by_invitation(
    team: Team, acme: Signup, providers: Providers, browser: Browser
) -> None:
    Membership.objects.filter(user=team.member, tenant=acme.tenant).update(is_active=False)
    _row, token = invitation(acme.tenant, team.member.email, "admin")
    providers.github.add_person("member-gh", email=team.member.email, verified=True)

    end = _accept_with(browser, token, "member-gh")

    assert redeem(ACME, end).json()["role"] == "admin"
    membership = Membership.objects.get(user=team.member, tenant=acme.tenant)
    assert (membership.is_active, membership.role) == (True, "admin")


def test_an_account_with_mfa_accepts_then_answers_its_second_step(
    team: Team, globex: Signup, providers: Providers, browser: Browser
) -> None:
    TOTP.activate(team.member, generate_totp_secret())
    _row, token = invitation(globex.tenant, team.member.email)
    providers.github.add_person("member-gh", email=team.member.email, verified=True)

    end = _accept_with(browser, token, "member-gh", host=GLOBEX)

    # The invitation is accepted (the provider proved the address); signing in still takes the second factor.
    assert end.startswith(f"http://{GLOBEX}/login?mfaToken=")
    assert query_of(end)["methods"] == "totp"
    assert Membership.objects.filter(user=team.member, tenant=globex.tenant, is_active=True).exists()
    assert LoginCode.objects.count() == 0


def test_the_invited_address_of_another_account_is_refused(
    team: Team, globex: Signup, providers: Providers, browser: Browser
) -> None:
    # The invited address is acme's member's; this GitHub account is connected to acme's admin.
    providers.github.add_person("admin-gh", email=team.admin.email, verified=True)
    assert redeem(ACME, Browser().sign_in(ACME, "github", "admin-gh")).status_code == 200
    providers.github.people["admin-gh"]["emails"][0]["email"] = team.member.email
    row, token = invitation(globex.tenant, team.member.email)
    before = _snapshot(row)

    end = _accept_with(browser, token, "admin-gh", host=GLOBEX)

    assert end == _refused("email_taken", GLOBEX)
    assert _snapshot(row) == before


# ---- an organisation that enforces its SSO --------------------------------------------------------------


def test_with_sso_enforced_a_member_invitation_is_accepted_by_the_sso_only(
    acme: Signup, providers: Providers, oidc_provider: OidcProvider, settings: Any
) -> None:
    gh = settings.SOCIALACCOUNT_PROVIDERS["github"]
    provider_id, _ = _configure_client(acme, oidc_provider, enforced=True)
    settings.SOCIALACCOUNT_PROVIDERS = {"github": gh}
    row, token = invitation(acme.tenant, INVITED)
    providers.github.add_person("newbie-gh", email=INVITED, verified=True)
    oidc_provider.add_account("newbie-sso", email=INVITED, email_verified=True)
    before = _snapshot(row)

    by_github = _accept_with(Browser(), token, "newbie-gh")
    assert by_github == _refused("sso_required")
    assert _snapshot(row) == before

    browser = Browser()
    authorize = _to_provider(browser, token, provider_id)
    end = browser.back_from_provider(oidc_provider.login(authorize, "newbie-sso", session=browser.provider_session))

    response = redeem(ACME, end)
    assert response.status_code == 200, response.content
    assert (response.json()["user"]["email"], response.json()["role"]) == (INVITED, "member")
    entry = AuditLog.objects.get(action="invitation.accepted", target_id=str(row.pk))
    assert entry.extra == {"via": provider_id}
