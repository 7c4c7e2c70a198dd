"""Issue 15 part 4: MFA (allauth.mfa) at sign-in, set up through allauth's headless endpoints, audited."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import signing
from django.core.cache import cache

from shared_apps.accounts.mfa import MFA_TOKEN_MAX_AGE, MFA_TOKEN_MAX_ATTEMPTS, mfa_enabled
from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.memberships.models import Membership
from tests.conftest import Team
from tests.factories import PASSWORD
from tests.helpers import api, error

pytestmark = pytest.mark.django_db

ACME = "acme.localhost"
GLOBEX = "globex.localhost"
ALLAUTH = "/_allauth/app/v1"


@pytest.fixture(autouse=True)
def _clean_limits(settings: Any) -> None:
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis
    # A code computed at the end of a 30 s period must still count when it arrives in the next one.
    settings.MFA_TOTP_TOLERANCE = 1


def totp_code(secret: str, offset: int = 0) -> str:
    """RFC 6238 (allauth's HOTP helper over the current 30 s counter)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def with_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def password_step(host: str, email: str) -> dict[str, Any]:
    response = api(host).post(
        "/api/v1/auth/login/", {"email": email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def code_step(host: str, token: str, code: str) -> Any:
    return api(host).post("/api/v1/auth/mfa/", {"mfaToken": token, "code": code}, content_type="application/json")


def test_login_with_mfa_asks_for_a_code_and_issues_nothing(team: Team) -> None:
    with_totp(team.member)
    body = password_step(ACME, team.member.email)
    assert body["mfaRequired"] is True
    assert body["methods"] == ["recovery_codes", "totp"]
    assert set(body) == {"mfaRequired", "mfaToken", "methods"}
    assert mfa_enabled(team.member)


def test_a_right_totp_code_gives_working_tokens(team: Team) -> None:
    secret = with_totp(team.member)
    token = password_step(ACME, team.member.email)["mfaToken"]
    response = code_step(ACME, token, totp_code(secret))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["role"] == "member" and body["user"]["email"] == team.member.email
    me = api(ACME, body["access"]).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["email"] == team.member.email
    # Redeemed once: the same token again is refused.
    again = code_step(ACME, token, totp_code(secret, 1))
    assert (again.status_code, error(again)["code"]) == (401, "mfa_token_invalid")


def test_a_wrong_code_is_refused_and_issues_nothing(team: Team) -> None:
    secret = with_totp(team.member)
    token = password_step(ACME, team.member.email)["mfaToken"]
    right = {totp_code(secret, offset) for offset in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in right)
    response = code_step(ACME, token, wrong)
    assert response.status_code == 400
    assert (error(response)["code"], error(response)["attr"]) == ("invalid_code", "code")
    assert "access" not in response.json() and "refresh_token" not in response.cookies


def test_a_recovery_code_works_once(team: Team) -> None:
    with_totp(team.member)
    codes = RecoveryCodes(Authenticator.objects.get(user=team.member, type="recovery_codes")).get_unused_codes()
    first = code_step(ACME, password_step(ACME, team.member.email)["mfaToken"], codes[0])
    assert first.status_code == 200, first.content
    second = code_step(ACME, password_step(ACME, team.member.email)["mfaToken"], codes[0])
    assert (second.status_code, error(second)["code"]) == (400, "invalid_code")
    third = code_step(ACME, password_step(ACME, team.member.email)["mfaToken"], codes[1])
    assert third.status_code == 200, third.content


def test_too_many_wrong_codes_refuse_even_the_right_one(team: Team) -> None:
    secret = with_totp(team.member)
    token = password_step(ACME, team.member.email)["mfaToken"]
    right = {totp_code(secret, offset) for offset in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in right)
    for _ in range(MFA_TOKEN_MAX_ATTEMPTS):
        assert error(code_step(ACME, token, wrong))["code"] == "invalid_code"
    response = code_step(ACME, token, totp_code(secret))
    assert (response.status_code, error(response)["code"]) == (401, "mfa_attempts_exceeded")


def test_an_expired_token_is_refused(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = with_totp(team.member)
    token = password_step(ACME, team.member.email)["mfaToken"]
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + MFA_TOKEN_MAX_AGE + 1)  # type: ignore[attr-defined]
    response = code_step(ACME, token, totp_code(secret))
    monkeypatch.undo()
    assert (response.status_code, error(response)["code"]) == (401, "mfa_token_expired")


def test_a_token_from_another_host_or_tampered_is_refused(acme: Signup, globex: Signup, team: Team) -> None:
    # An account in both organisations: acme's challenge is acme's only.
    from shared_apps.memberships.services import membership_create

    membership_create(user=team.member, tenant=globex.tenant, role=Membership.Role.MEMBER)
    secret = with_totp(team.member)
    token = password_step(ACME, team.member.email)["mfaToken"]
    for host, raw in ((GLOBEX, token), ("localhost", token), (ACME, token[:-2] + "xx")):
        response = code_step(host, raw, totp_code(secret))
        assert (response.status_code, error(response)["code"]) == (401, "mfa_token_invalid"), host
    assert code_step(ACME, token, totp_code(secret)).status_code == 200


def test_an_account_without_mfa_logs_in_as_before(team: Team) -> None:
    body = password_step(ACME, team.member.email)
    assert {"access", "refresh", "user", "role"} <= set(body) and "mfaRequired" not in body
    assert not mfa_enabled(team.member)


def _allauth_session(email: str) -> str:
    response = api(ACME).post(
        f"{ALLAUTH}/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["meta"]["session_token"])


def test_totp_setup_through_allauth_headless_is_audited(team: Team, django_capture_on_commit_callbacks: Any) -> None:
    from allauth.account.models import EmailAddress

    # allauth.mfa sets up MFA only for an account whose address is verified.
    EmailAddress.objects.update_or_create(
        user=team.member, email=team.member.email, defaults={"verified": True, "primary": True}
    )
    session: dict[str, Any] = {"HTTP_X_SESSION_TOKEN": _allauth_session(team.member.email)}
    client = api(ACME)
    # allauth sends its added/reset signals on commit.
    commits = django_capture_on_commit_callbacks(execute=True)
    commits.__enter__()
    pending = client.get(f"{ALLAUTH}/account/authenticators/totp", **session)
    assert pending.status_code == 404, pending.content
    secret = pending.json()["meta"]["secret"]
    # Changing the account's authenticators asks for the password again (allauth's reauthentication).
    reauth = client.post(
        f"{ALLAUTH}/auth/reauthenticate", {"password": PASSWORD}, content_type="application/json", **session
    )
    assert reauth.status_code == 200, reauth.content
    activated = client.post(
        f"{ALLAUTH}/account/authenticators/totp",
        {"code": totp_code(secret)},
        content_type="application/json",
        **session,
    )
    assert activated.status_code == 200, activated.content
    assert mfa_enabled(team.member)
    regenerated = client.post(
        f"{ALLAUTH}/account/authenticators/recovery-codes", {}, content_type="application/json", **session
    )
    assert regenerated.status_code == 200, regenerated.content
    removed = client.delete(f"{ALLAUTH}/account/authenticators/totp", **session)
    assert removed.status_code == 200, removed.content
    assert not mfa_enabled(team.member)
    commits.__exit__(None, None, None)
    entries = list(
        AuditLog.objects.filter(target_id=str(team.member.pk), action__startswith="mfa.")
        .order_by("id")
        .values_list("action", "extra", "actor_id", "tenant_id")
    )
    tenant_id = Membership.objects.get(user=team.member).tenant_id
    # (The on-commit ones land at the end of the block: compare without order.)
    assert sorted((a, e["type"]) for a, e, _, _ in entries) == [
        ("mfa.authenticator_added", "recovery_codes"),
        ("mfa.authenticator_added", "totp"),
        ("mfa.authenticator_removed", "recovery_codes"),
        ("mfa.authenticator_removed", "totp"),
        ("mfa.recovery_codes_regenerated", "recovery_codes"),
    ]
    assert {(actor, tenant) for _, _, actor, tenant in entries} == {(team.member.pk, tenant_id)}


def test_an_operator_resets_mfa_audited(team: Team) -> None:
    from tests.factories import UserFactory

    operator = UserFactory.create(email="operator@example.test", is_staff=True)
    with_totp(team.member)
    token = password_step("localhost", operator.email)["access"]
    url = f"/api/v1/operator/users/{team.member.pk}/mfa/reset/"
    # Staff only: a member of an organisation, even its owner, is refused.
    owner_token = password_step("localhost", team.owner.email)["access"]
    assert api("localhost", owner_token).post(url).status_code == 403
    assert mfa_enabled(team.member)
    response = api("localhost", token).post(url)
    assert response.status_code == 204, response.content
    assert not mfa_enabled(team.member)
    assert "access" in password_step(ACME, team.member.email)
    entry = AuditLog.objects.get(action="mfa.reset", target_id=str(team.member.pk))
    assert (entry.actor_id, entry.tenant_id, entry.extra) == (operator.pk, None, {"types": ["recovery_codes", "totp"]})
    assert api("localhost", token).post("/api/v1/operator/users/999999999/mfa/reset/").status_code == 404


def test_codes_are_limited_per_address(team: Team, settings: Any) -> None:
    settings.RATE_LIMIT_MULTIPLIER = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "mfa": (2, 60)}
    secret = with_totp(team.member)
    token = password_step(ACME, team.member.email)["mfaToken"]
    for _ in range(2):
        assert code_step(ACME, token, "not-a-code").status_code == 400
    blocked = code_step(ACME, token, totp_code(secret))
    assert (blocked.status_code, error(blocked)["code"]) == (429, "rate_limited")
