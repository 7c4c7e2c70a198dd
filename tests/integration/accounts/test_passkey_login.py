"""Issue 15 item 4: a passkey as a passwordless sign-in (POST /api/v1/auth/passkey/options/, then
POST /api/v1/auth/passkey/ with the assertion), ending with the same tenant-bound tokens as a password login.
The software authenticator of test_passkeys.py plays the browser and the key."""

from __future__ import annotations

import os
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.test import override_settings
from fido2.utils import websafe_encode

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from shared_apps.memberships.sso_models import SsoConfiguration
from tests.conftest import Team
from tests.factories import PASSWORD
from tests.helpers import api, error

from .test_passkeys import ACME, ALLAUTH, GLOBEX, SoftAuthenticator, with_passkey

pytestmark = pytest.mark.django_db

PUBLIC = "localhost"


@pytest.fixture(autouse=True)
def _clean_limits() -> None:
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis


def options(host: str = ACME, **extra: Any) -> Any:
    return api(host).post("/api/v1/auth/passkey/options/", content_type="application/json", **extra)


def challenge_of(host: str = ACME) -> str:
    response = options(host)
    assert response.status_code == 200, response.content
    return str(response.json()["requestOptions"]["publicKey"]["challenge"])


def passkey_login(credential: Any, host: str = ACME, **extra: Any) -> Any:
    return api(host).post("/api/v1/auth/passkey/", {"credential": credential}, content_type="application/json", **extra)


def handle(user: User) -> str:
    """allauth's user handle: the account's id, base 36 (what a discoverable passkey returns)."""
    return user_pk_to_url_str(user)


def _entries(action: str) -> list[tuple[Any, ...]]:
    return list(AuditLog.objects.filter(action=action).values_list("actor_id", "tenant_id", "target_id", "extra"))


def test_a_passwordless_passkey_signs_a_member_in_with_no_password(team: Team, acme: Signup) -> None:
    key = with_passkey(team.member, passwordless=True)

    started = options()
    assert started.status_code == 200, started.content
    public_key = started.json()["requestOptions"]["publicKey"]
    # For this host's passkeys, whichever the browser holds (none listed: discoverable ones), verified.
    assert public_key["rpId"] == ACME
    assert public_key["userVerification"] == "required"
    assert public_key.get("allowCredentials", []) == []
    response = passkey_login(key.sign_in(public_key["challenge"], user_handle=handle(team.member)))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["user"]["email"], body["role"]) == (team.member.email, "member")
    assert response.cookies["refresh_token"].value == body["refresh"]  # like every kit login
    me = api(ACME, body["access"]).get("/api/v1/me/")
    assert (me.status_code, me.json()["email"], me.json()["tenant"]["subdomain"]) == (200, team.member.email, "acme")
    # The token is acme's only.
    assert api(GLOBEX, body["access"]).get("/api/v1/me/").status_code == 401
    assert Authenticator.objects.get(user=team.member, type="webauthn").last_used_at is not None
    entry = (team.member.pk, acme.tenant.pk, str(team.member.pk), {"passkey": "Laptop"})
    assert _entries("mfa.passkey_login") == [entry]


def test_no_second_step_follows_even_with_an_authenticator_app(team: Team) -> None:
    # The passkey verified the person (PIN or biometrics): it is both factors.
    TOTP.activate(team.member, generate_totp_secret())
    key = with_passkey(team.member, passwordless=True)

    response = passkey_login(key.sign_in(challenge_of(), user_handle=handle(team.member)))

    assert response.status_code == 200, response.content
    assert "mfaRequired" not in response.json()
    assert response.json()["role"] == "member"


def test_a_challenge_works_once(team: Team) -> None:
    key = with_passkey(team.member, passwordless=True)
    challenge = challenge_of()
    assertion = key.sign_in(challenge, user_handle=handle(team.member))
    assert passkey_login(assertion).status_code == 200

    replayed = passkey_login(assertion)
    again = passkey_login(key.sign_in(challenge, user_handle=handle(team.member)))

    assert (replayed.status_code, error(replayed)["code"]) == (401, "passkey_invalid")
    assert (again.status_code, error(again)["code"]) == (401, "passkey_invalid")
    assert len(_entries("mfa.passkey_login")) == 1


def test_a_refused_attempt_uses_the_challenge_up(team: Team) -> None:
    key = with_passkey(team.member, passwordless=True)
    challenge = challenge_of()
    forged = key.sign_in(challenge, user_handle=handle(team.member), signer=ec.generate_private_key(ec.SECP256R1()))
    assert passkey_login(forged).status_code == 401

    right = passkey_login(key.sign_in(challenge, user_handle=handle(team.member)))

    assert (right.status_code, error(right)["code"]) == (401, "passkey_invalid")


def test_wrong_assertions_sign_nobody_in(team: Team) -> None:
    key = with_passkey(team.member, passwordless=True)
    admin_key = with_passkey(team.admin, passwordless=True)
    cases = {
        "forged signature": lambda c: key.sign_in(
            c, user_handle=handle(team.member), signer=ec.generate_private_key(ec.SECP256R1())
        ),
        "a challenge never issued": lambda c: key.sign_in(
            websafe_encode(os.urandom(32)), user_handle=handle(team.member)
        ),
        "made for another host": lambda c: key.sign_in(c, user_handle=handle(team.member), rp_id=GLOBEX),
        "collected on another site": lambda c: key.sign_in(
            c, user_handle=handle(team.member), origin="https://evil.example"
        ),
        "no user verification": lambda c: key.sign_in(c, user_handle=handle(team.member), verified=False),
        "no user handle": lambda c: key.sign_in(c),
        "another account's handle": lambda c: key.sign_in(c, user_handle=handle(team.admin)),
        "an unknown account": lambda c: key.sign_in(c, user_handle="zzzzzz"),
        "beyond any id": lambda c: key.sign_in(c, user_handle="z" * 13),
        "not an id": lambda c: key.sign_in(c, user_handle="not-a-number"),
        "not base36 at all": lambda c: key.sign_in(c, user_handle="\u00e9t\u00e9"),
        "the admin's passkey as the member": lambda c: admin_key.sign_in(c, user_handle=handle(team.member)),
    }
    for what, make in cases.items():
        response = passkey_login(make(challenge_of()))
        assert (response.status_code, error(response)["code"]) == (401, "passkey_invalid"), what
        assert "access" not in response.json()
    assert _entries("mfa.passkey_login") == []
    assert Authenticator.objects.filter(type="webauthn", last_used_at__isnull=False).count() == 0


def test_a_challenge_of_another_host_is_refused(team: Team, globex: Signup) -> None:
    # The member is in both organisations and has a passkey on acme's host: globex's challenge does not
    # work on acme (nor does acme's passkey on globex, its relying party is acme's host).
    membership_create(user=team.member, tenant=globex.tenant, role=Membership.Role.MEMBER)
    key = with_passkey(team.member, passwordless=True)

    on_acme = passkey_login(key.sign_in(challenge_of(GLOBEX), user_handle=handle(team.member)))
    on_globex = passkey_login(key.sign_in(challenge_of(GLOBEX), user_handle=handle(team.member)), host=GLOBEX)

    assert (on_acme.status_code, error(on_acme)["code"]) == (401, "passkey_invalid")
    assert (on_globex.status_code, error(on_globex)["code"]) == (401, "passkey_invalid")


def test_a_non_member_gets_no_token_of_the_organisation(team: Team) -> None:
    # globex's owner has a valid passkey for acme's host (added while a member, say): not a member now.
    key = with_passkey(team.outsider, passwordless=True)
    removed = with_passkey(team.admin, passwordless=True)
    Membership.objects.filter(user=team.admin).update(is_active=False)

    outsider = passkey_login(key.sign_in(challenge_of(), user_handle=handle(team.outsider)))
    gone = passkey_login(removed.sign_in(challenge_of(), user_handle=handle(team.admin)))

    # The same answer as an unknown passkey: nothing to tell the two apart.
    assert (outsider.status_code, error(outsider)["code"]) == (401, "passkey_invalid")
    assert (gone.status_code, error(gone)["code"]) == (401, "passkey_invalid")
    assert _entries("mfa.passkey_login") == []


def test_an_inactive_account_is_refused(team: Team) -> None:
    key = with_passkey(team.member, passwordless=True)
    User.objects.filter(pk=team.member.pk).update(is_active=False)

    response = passkey_login(key.sign_in(challenge_of(), user_handle=handle(team.member)))

    assert (response.status_code, error(response)["code"]) == (401, "passkey_invalid")


def test_a_passkey_added_as_a_second_step_only_does_not_sign_in_alone(team: Team) -> None:
    key = with_passkey(team.member, passwordless=False)

    response = passkey_login(key.sign_in(challenge_of(), user_handle=handle(team.member)))

    assert response.status_code == 403
    assert error(response)["code"] == "passkey_not_passwordless"
    assert "access" not in response.json()
    assert Authenticator.objects.get(user=team.member, type="webauthn").last_used_at is None


def test_on_the_public_host_a_passkey_of_that_host_gives_the_account_token(team: Team) -> None:
    key = with_passkey(team.member, rp_id=PUBLIC, passwordless=True)

    response = passkey_login(key.sign_in(challenge_of(PUBLIC), user_handle=handle(team.member)), host=PUBLIC)

    assert response.status_code == 200, response.content
    assert "role" not in response.json()
    tenants = api(PUBLIC, response.json()["access"]).get("/api/v1/account/tenants/")
    assert [row["subdomain"] for row in tenants.json()["results"]] == ["acme"]
    assert api(ACME, response.json()["access"]).get("/api/v1/me/").status_code == 401


def test_where_sso_is_enforced_members_are_refused_and_owners_pass_audited(team: Team, acme: Signup) -> None:
    SsoConfiguration.objects.create(
        tenant=acme.tenant,
        provider_id=f"sso-{acme.tenant.pk}",
        issuer="https://idp.acme.test",
        client_id="acme",
        client_secret_encrypted="x",
        email_domains=["acme.test"],
        enforced=True,
    )
    member = with_passkey(team.member, passwordless=True)
    owner = with_passkey(team.owner, passwordless=True)

    refused = passkey_login(member.sign_in(challenge_of(), user_handle=handle(team.member)))
    passed = passkey_login(owner.sign_in(challenge_of(), user_handle=handle(team.owner)))

    assert (refused.status_code, error(refused)["code"]) == (403, "sso_required")
    assert (passed.status_code, passed.json()["role"]) == (200, "owner")
    [(actor, tenant, _target, extra)] = _entries("sso.break_glass_login")
    assert (actor, tenant, extra) == (team.owner.pk, acme.tenant.pk, {"method": "passkey"})
    assert [entry[0] for entry in _entries("mfa.passkey_login")] == [team.owner.pk]


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_an_unverified_email_is_refused_as_for_a_password(team: Team) -> None:
    key = with_passkey(team.member, passwordless=True)

    refused = passkey_login(key.sign_in(challenge_of(), user_handle=handle(team.member)))
    EmailAddress.objects.create(user=team.member, email=team.member.email, verified=True, primary=True)
    accepted = passkey_login(key.sign_in(challenge_of(), user_handle=handle(team.member)))

    assert (refused.status_code, error(refused)["code"]) == (403, "email_not_verified")
    assert accepted.status_code == 200, accepted.content


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({}, "credential", "required"),
        ({"credential": "not an object"}, "credential", "not_a_dict"),
        ({"credential": {}}, "credential", "invalid"),
        ({"credential": {"id": "x", "type": "public-key"}}, "credential", "invalid"),
        ({"credential": {"id": "x", "rawId": "x", "type": "public-key", "response": {}}}, "credential", "invalid"),
    ],
)
def test_a_body_that_is_no_assertion_is_a_400_naming_the_field(team: Team, body: Any, field: str, code: str) -> None:
    challenge_of()  # a challenge is waiting: a malformed body touches nothing
    response = api(ACME).post("/api/v1/auth/passkey/", body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert (error(response)["code"], error(response)["attr"]) == (code, field)
    assert _entries("mfa.passkey_login") == []


@override_settings(RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"login_ip": (3, 60), "login_email": (100, 60)})
def test_options_and_assertions_count_against_the_login_limit(team: Team) -> None:
    key = with_passkey(team.member, passwordless=True)
    ip = {"REMOTE_ADDR": "198.51.100.40"}
    challenge = options(**ip).json()["requestOptions"]["publicKey"]["challenge"]
    assert passkey_login(key.sign_in(challenge, user_handle="zzzzzz"), **ip).status_code == 401
    assert options(**ip).status_code == 200

    limited_options = options(**ip)
    limited_login = passkey_login(key.sign_in(challenge_of(), user_handle=handle(team.member)), **ip)

    assert (limited_options.status_code, error(limited_options)["code"]) == (429, "rate_limited")
    assert (limited_login.status_code, error(limited_login)["code"]) == (429, "rate_limited")
    # The password login shares it.
    body = {"email": team.member.email, "password": PASSWORD}
    login = api(ACME).post("/api/v1/auth/login/", body, content_type="application/json", REMOTE_ADDR=ip["REMOTE_ADDR"])
    assert login.status_code == 429
    # Another address is not affected.
    assert options(REMOTE_ADDR="198.51.100.41").status_code == 200


def _profile_session(user: User) -> dict[str, Any]:
    """The profile's allauth session, reauthenticated (what adding a passkey asks first)."""
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    client = api(ACME)
    signed_in = client.post(
        f"{ALLAUTH}/auth/login", {"email": user.email, "password": PASSWORD}, content_type="application/json"
    )
    session = {"HTTP_X_SESSION_TOKEN": signed_in.json()["meta"]["session_token"]}
    client.post(f"{ALLAUTH}/auth/reauthenticate", {"password": PASSWORD}, content_type="application/json", **session)
    return session


def test_a_passwordless_passkey_must_verify_the_person_when_added(team: Team) -> None:
    session = _profile_session(team.member)
    client = api(ACME)
    public_key = client.get(f"{ALLAUTH}/account/authenticators/webauthn?passwordless", **session).json()["data"][
        "creation_options"
    ]["publicKey"]
    key = SoftAuthenticator(ACME, passwordless=True)

    added = client.post(
        f"{ALLAUTH}/account/authenticators/webauthn",
        {"name": "Key", "credential": key.register(public_key["challenge"], verified=False), "passwordless": True},
        content_type="application/json",
        **session,
    )

    assert (added.status_code, [e["code"] for e in added.json()["errors"]]) == (400, ["incorrect_code"])
    assert not Authenticator.objects.filter(user=team.member).exists()


def test_a_passkey_added_in_the_profile_for_passwordless_sign_in_signs_in(team: Team) -> None:
    """The profile's flow (allauth's endpoints): creation options with `?passwordless` ask for a discoverable,
    verified credential; the passkey then signs in alone."""
    session = _profile_session(team.member)
    client = api(ACME)
    created = client.get(f"{ALLAUTH}/account/authenticators/webauthn?passwordless", **session)
    assert created.status_code == 200, created.content
    public_key = created.json()["data"]["creation_options"]["publicKey"]
    assert public_key["authenticatorSelection"]["residentKey"] == "required"
    assert public_key["authenticatorSelection"]["userVerification"] == "required"
    assert public_key["user"]["id"] == websafe_encode(handle(team.member).encode())
    key = SoftAuthenticator(ACME, passwordless=True)
    added = client.post(
        f"{ALLAUTH}/account/authenticators/webauthn",
        {"name": "Phone", "credential": key.register(public_key["challenge"]), "passwordless": True},
        content_type="application/json",
        **session,
    )
    assert added.status_code == 200, added.content
    assert added.json()["data"]["is_passwordless"] is True

    response = passkey_login(key.sign_in(challenge_of(), user_handle=handle(team.member)))

    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == team.member.email
