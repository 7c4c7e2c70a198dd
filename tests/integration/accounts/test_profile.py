"""Issue 16: the signed-in person's profile on an organisation's host: GET/PATCH /api/v1/me/ (name, avatar URL,
the organisation switcher) and POST /api/v1/me/password/."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

from shared_apps.accounts.models import LoginCode, RefreshTokenRecord, User
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from tenants.models import OutboxMessage, Tenant
from tenants.routing import resolver
from tests.conftest import Team
from tests.factories import PASSWORD, UserFactory
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
PASSWORD_CHANGE = "/api/v1/me/password/"
NEW_PASSWORD = "a-much-longer-new-secret-42"
OWNER_PERMISSIONS = [
    "members.manage",
    "owners.manage",
    "billing.manage",
    "audit.read",
    "exports.manage",
    "organisation.manage",
    "organisation.security",
]


@pytest.fixture(autouse=True)
def _no_earlier_hits() -> None:
    # The password change counts in the login's windows, which other tests fill as the same people.
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis


def _patch(host: str, token: str | None, body: Any, **headers: Any) -> Any:
    return api(host, token).patch(ME, body, content_type="application/json", **headers)


def _refresh(host: str, pair: dict[str, Any]) -> Any:
    return api(host).post("/api/v1/auth/refresh/", {"refresh": pair["refresh"]}, content_type="application/json")


def _change(host: str, token: str | None, body: Any, **headers: Any) -> Any:
    return api(host, token).post(PASSWORD_CHANGE, body, content_type="application/json", **headers)


def _acme_entry(acme: Signup, globex: Signup, *, role: str = "owner", current: bool = True) -> dict[str, Any]:
    return {
        "id": str(acme.tenant.id),
        "name": "Acme",
        "subdomain": "acme",
        "url": "http://acme.localhost/",
        "role": role,
        "current": current,
    }


# ---- GET /api/v1/me/ -----------------------------------------------------------------------------------------


def test_me_describes_the_person_and_lists_their_active_organisations(acme: Signup, globex: Signup) -> None:
    User.objects.filter(pk=acme.user.pk).update(full_name="Ann Owner")
    membership_create(user=acme.user, tenant=globex.tenant, role=Membership.Role.MEMBER)
    response = api(acme.host, login(acme.host, acme.user.email)["access"]).get(ME)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": acme.user.id,
        "email": "owner@acme.test",
        "fullName": "Ann Owner",
        "avatarUrl": None,
        "role": "owner",
        "permissions": OWNER_PERMISSIONS,
        "tenant": {"id": str(acme.tenant.id), "name": "Acme", "subdomain": "acme"},
        # Every active organisation, by name, this one included and marked: the switcher.
        "organisations": [
            _acme_entry(acme, globex),
            {
                "id": str(globex.tenant.id),
                "name": "Globex",
                "subdomain": "globex",
                "url": "http://globex.localhost/",
                "role": "member",
                "current": False,
            },
        ],
        "impersonatedBy": None,
        "mfaSetupRequired": False,
    }
    # On globex's host the same person's list marks globex.
    on_globex = api(globex.host, login(globex.host, acme.user.email)["access"]).get(ME).json()
    assert [(o["subdomain"], o["role"], o["current"]) for o in on_globex["organisations"]] == [
        ("acme", "owner", False),
        ("globex", "member", True),
    ]


def test_suspended_organisations_and_ended_memberships_are_not_offered(acme: Signup, globex: Signup) -> None:
    membership_create(user=acme.user, tenant=globex.tenant, role=Membership.Role.MEMBER)
    token = login(acme.host, acme.user.email)["access"]
    Tenant.objects.filter(pk=globex.tenant.pk).update(status=Tenant.Status.SUSPENDED)
    assert api(acme.host, token).get(ME).json()["organisations"] == [_acme_entry(acme, globex)]
    Tenant.objects.filter(pk=globex.tenant.pk).update(status=Tenant.Status.ACTIVE)
    Membership.objects.filter(user=acme.user, tenant=globex.tenant).update(is_active=False)
    assert api(acme.host, token).get(ME).json()["organisations"] == [_acme_entry(acme, globex)]


def test_another_person_sees_only_their_own_organisations(acme: Signup, globex: Signup, team: Team) -> None:
    membership_create(user=acme.user, tenant=globex.tenant, role=Membership.Role.MEMBER)
    me = api(acme.host, login(acme.host, team.member.email)["access"]).get(ME).json()
    assert (me["email"], me["organisations"]) == (
        "member@acme.test",
        [_acme_entry(acme, globex, role="member")],
    )


# ---- PATCH /api/v1/me/ ---------------------------------------------------------------------------------------


def test_renaming_trims_answers_like_get_and_is_audited_once(acme: Signup, globex: Signup) -> None:
    token = login(acme.host, acme.user.email)["access"]
    response = _patch(acme.host, token, {"fullName": "  Ann   Smith \t"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200, response.content
    assert response.json() == api(acme.host, token).get(ME).json()
    assert response.json()["fullName"] == "Ann   Smith"
    assert User.objects.get(pk=acme.user.pk).full_name == "Ann   Smith"
    entry = AuditLog.objects.get(action="account.name_changed")
    assert (entry.actor_id, entry.tenant_id, entry.target_type, entry.target_id, entry.ip, entry.extra) == (
        acme.user.id,
        acme.tenant.id,
        "accounts.user",
        str(acme.user.id),
        "203.0.113.9",
        {"from": "", "to": "Ann   Smith"},
    )
    # The same name again changes nothing and records nothing; an empty body neither.
    assert _patch(acme.host, token, {"fullName": "Ann   Smith"}).status_code == 200
    assert _patch(acme.host, token, {}).json()["fullName"] == "Ann   Smith"
    assert AuditLog.objects.filter(action="account.name_changed").count() == 1
    # The account is global: globex's members list would show the new name too.
    assert api(globex.host, login(globex.host, globex.user.email)["access"]).get(ME).json()["fullName"] == ""


@pytest.mark.parametrize(
    ("body", "code", "detail"),
    [
        ({"fullName": ""}, "blank", "This field may not be blank."),
        ({"fullName": " \t\n "}, "blank", "This field may not be blank."),
        ({"fullName": "x" * 201}, "max_length", "Ensure this field has no more than 200 characters."),
        ({"fullName": 42}, "invalid", "Not a valid string."),
        ({"fullName": None}, "null", "This field may not be null."),
        ({"fullName": "a\x00b"}, "null_characters_not_allowed", "Null characters are not allowed."),
    ],
)
def test_bad_names_are_refused_naming_the_field_and_change_nothing(
    acme: Signup, body: dict[str, Any], code: str, detail: str
) -> None:
    User.objects.filter(pk=acme.user.pk).update(full_name="Kept")
    response = _patch(acme.host, login(acme.host, acme.user.email)["access"], body)
    assert response.status_code == 400, response.content
    assert error(response) == {"code": code, "detail": detail, "attr": "fullName"}
    assert User.objects.get(pk=acme.user.pk).full_name == "Kept"
    assert not AuditLog.objects.filter(action="account.name_changed").exists()


def test_two_hundred_characters_are_enough(acme: Signup) -> None:
    response = _patch(acme.host, login(acme.host, acme.user.email)["access"], {"fullName": " " + "é" * 200 + " "})
    assert response.status_code == 200, response.content
    assert User.objects.get(pk=acme.user.pk).full_name == "é" * 200


def test_refusals_are_in_french_when_asked(acme: Signup) -> None:
    token = login(acme.host, acme.user.email)["access"]
    blank = _patch(acme.host, token, {"fullName": " "}, HTTP_ACCEPT_LANGUAGE="fr")
    assert error(blank)["detail"] == "Ce champ ne peut être vide."
    wrong = _change(
        acme.host, token, {"currentPassword": "nope", "newPassword": NEW_PASSWORD}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert error(wrong)["detail"] == "Votre mot de passe actuel est incorrect."
    same = _change(acme.host, token, {"currentPassword": PASSWORD, "newPassword": PASSWORD}, HTTP_ACCEPT_LANGUAGE="fr")
    assert error(same)["detail"] == "Le nouveau mot de passe doit être différent de l'actuel."


def test_anonymous_and_other_organisations_tokens_change_nothing(acme: Signup, globex: Signup) -> None:
    assert _patch(acme.host, None, {"fullName": "Mallory"}).status_code == 401
    # globex's owner with globex's token, on acme's host: not valid here.
    foreign = login(globex.host, globex.user.email)["access"]
    assert _patch(acme.host, foreign, {"fullName": "Mallory"}).status_code == 401
    assert _change(acme.host, None, {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}).status_code == 401
    assert User.objects.get(pk=acme.user.pk).full_name == ""
    assert User.objects.get(pk=globex.user.pk).full_name == ""
    assert User.objects.get(pk=acme.user.pk).check_password(PASSWORD)


def test_an_impersonating_operator_reads_but_cannot_change_the_account(acme: Signup) -> None:
    operator = UserFactory.create(email="ops@saas.test", is_staff=True, is_superuser=True)
    link = api(PUBLIC, login(PUBLIC, operator.email)["access"]).post(
        f"/api/v1/operator/tenants/{acme.tenant.id}/impersonate/",
        {"reason": "ticket 42", "write": True},
        content_type="application/json",
    )
    assert link.status_code == 200, link.content
    code = link.json()["url"].rpartition("code=")[2]
    token = api(acme.host).post("/api/v1/auth/handoff/", {"code": code}, content_type="application/json").json()
    client = api(acme.host, token["access"])
    assert client.get(ME).json()["impersonatedBy"] == {"id": operator.id, "email": "ops@saas.test"}
    refused = [
        _patch(acme.host, token["access"], {"fullName": "Operator was here"}),
        _change(acme.host, token["access"], {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}),
        client.post("/api/v1/me/sessions/revoke-all/"),
        client.delete("/api/v1/me/avatar/"),
        client.post("/api/v1/me/social/connect/"),  # nor connect a provider to it
    ]
    for response in refused:
        assert response.status_code == 403, response.content
        assert error(response) == {
            "code": "impersonation_not_allowed",
            "detail": "An impersonation cannot change the person's own account.",
            "attr": None,
        }
    assert client.get("/api/v1/me/sessions/").status_code == 200
    owner = User.objects.get(pk=acme.user.pk)
    assert (owner.full_name, owner.check_password(PASSWORD)) == ("", True)
    assert RefreshTokenRecord.objects.filter(user=owner, revoked_at=None).exists()
    assert not LoginCode.objects.filter(purpose=LoginCode.Purpose.CONNECT).exists()


# ---- POST /api/v1/me/password/ -------------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_every_other(
    acme: Signup, globex: Signup, django_capture_on_commit_callbacks: Any
) -> None:
    membership_create(user=acme.user, tenant=globex.tenant, role=Membership.Role.MEMBER)
    here = login(acme.host, acme.user.email)
    others = [login(acme.host, acme.user.email), login(globex.host, acme.user.email), login(PUBLIC, acme.user.email)]
    hosts = [acme.host, globex.host, PUBLIC]
    bystander = login(globex.host, globex.user.email)  # someone else's session: untouched

    response = _change(
        acme.host, here["access"], {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="TestBrowser/1.0",
    )  # fmt: skip
    assert response.status_code == 204, response.content

    owner = User.objects.get(pk=acme.user.pk)
    assert (owner.check_password(NEW_PASSWORD), owner.check_password(PASSWORD)) == (True, False)
    for host, other in zip(hosts, others, strict=True):
        assert _refresh(host, other).status_code == 401, host
    kept = _refresh(acme.host, here)
    assert kept.status_code == 200, kept.content
    assert _refresh(globex.host, bystander).status_code == 200
    # The old password signs in nowhere any more; the new one does.
    old = api(acme.host).post(
        "/api/v1/auth/login/", {"email": acme.user.email, "password": PASSWORD}, content_type="application/json"
    )
    assert old.status_code == 401
    assert login(acme.host, acme.user.email, NEW_PASSWORD)["user"]["email"] == "owner@acme.test"

    entry = AuditLog.objects.get(action="account.password_changed")
    assert (entry.actor_id, entry.tenant_id, entry.target_id, entry.ip, entry.extra) == (
        acme.user.id,
        acme.tenant.id,
        str(acme.user.id),
        "203.0.113.5",
        {"sessions_ended": 3},
    )
    # The person is told, on this organisation's name and host (allauth's notice, through our adapter).
    [mail] = [m.kwargs for m in OutboxMessage.objects.filter(task_name="accounts.email_send")]
    assert (mail["to"], mail["subject"]) == (["owner@acme.test"], "Password Changed")
    assert "Your password has been changed." in mail["body"]
    assert "- IP address: 203.0.113.5\n- Browser: TestBrowser/1.0\n" in mail["body"]
    assert mail["body"].rstrip().endswith("acme.localhost")


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"currentPassword": "wrong-password-1", "newPassword": NEW_PASSWORD},
            [("currentPassword", "incorrect_password", "Your current password is not correct.")],
        ),
        (
            {"currentPassword": PASSWORD, "newPassword": PASSWORD},
            [("newPassword", "password_unchanged", "The new password must be different from the current one.")],
        ),
        (
            {"currentPassword": PASSWORD, "newPassword": "short"},
            [
                (
                    "newPassword",
                    "password_weak",
                    "This password is too short. It must contain at least 10 characters.",
                )
            ],
        ),
        (
            {"currentPassword": PASSWORD, "newPassword": "1234567890"},
            [
                ("newPassword", "password_weak", "This password is too common."),
                ("newPassword", "password_weak", "This password is entirely numeric."),
            ],
        ),
        (
            {"currentPassword": PASSWORD, "newPassword": "owner@acme.test"},
            [("newPassword", "password_weak", "The password is too similar to the email.")],
        ),
        (
            {"newPassword": NEW_PASSWORD},
            [("currentPassword", "required", "This field is required.")],
        ),
        (
            {"currentPassword": PASSWORD, "newPassword": ""},
            [("newPassword", "blank", "This field may not be blank.")],
        ),
        (
            {"currentPassword": PASSWORD, "newPassword": 12345678},
            [("newPassword", "invalid", "Not a valid string.")],
        ),
    ],
)
def test_a_refused_change_names_the_field_and_changes_nothing(
    acme: Signup, body: dict[str, Any], errors: list[tuple[str, str, str]]
) -> None:
    here = login(acme.host, acme.user.email)
    other = login(acme.host, acme.user.email)
    response = _change(acme.host, here["access"], body)
    assert response.status_code == 400, response.content
    assert [(e["attr"], e["code"], e["detail"]) for e in response.json()["errors"]] == errors
    assert User.objects.get(pk=acme.user.pk).check_password(PASSWORD)
    assert _refresh(acme.host, other).status_code == 200
    assert not AuditLog.objects.filter(action="account.password_changed").exists()
    assert not OutboxMessage.objects.filter(task_name="accounts.email_send").exists()


@override_settings(RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"login_ip": (100, 60), "login_email": (3, 60)})
def test_guesses_count_against_the_login_limit(acme: Signup) -> None:
    token = login(acme.host, acme.user.email)["access"]  # the login itself is the window's first hit
    for _ in range(2):
        wrong = _change(acme.host, token, {"currentPassword": "wrong-password-1", "newPassword": NEW_PASSWORD})
        assert wrong.status_code == 400
    blocked = _change(acme.host, token, {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD})
    assert blocked.status_code == 429
    assert error(blocked)["code"] == "rate_limited"
    assert 1 <= int(blocked["Retry-After"]) <= 60
    assert User.objects.get(pk=acme.user.pk).check_password(PASSWORD)
    # The login shares the window: no more guesses there either.
    assert (
        api(acme.host)
        .post("/api/v1/auth/login/", {"email": acme.user.email, "password": PASSWORD}, content_type="application/json")
        .status_code
        == 429
    )


def test_a_member_held_back_by_require_mfa_reads_me_but_changes_nothing(acme: Signup, team: Team) -> None:
    token = login(acme.host, team.member.email)["access"]
    Tenant.objects.filter(pk=acme.tenant.pk).update(require_mfa=True)
    resolver.clear()  # the update bypassed save(), whose signal would make routing forget the cached row
    client = api(acme.host, token)
    me = client.get(ME)
    assert (me.status_code, me.json()["mfaSetupRequired"]) == (200, True)
    refused = [
        _patch(acme.host, token, {"fullName": "New Name"}),
        _change(acme.host, token, {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}),
        client.get("/api/v1/me/sessions/"),
        client.post("/api/v1/me/sessions/revoke-all/"),
        client.delete("/api/v1/me/avatar/"),
    ]
    for response in refused:
        assert response.status_code == 403, response.content
        assert error(response)["code"] == "mfa_setup_required"
    member = User.objects.get(pk=team.member.pk)
    assert (member.full_name, member.check_password(PASSWORD)) == (team.member.full_name, True)
