"""Invitation rules on the tenant host (API.md; issue 3 item 6). Emails are covered in
test_invitations_email.py: here invitations whose token the test needs are made with a known token."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.accounts.tokens import access_token_decode
from shared_apps.memberships.models import Invitation, Membership
from tenants.entitlements import Unlimited
from tenants.models import Tenant
from tests.conftest import Team
from tests.factories import PASSWORD, UserFactory
from tests.helpers import api, error, login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-7"


class TwoSeats(Unlimited):
    """ENTITLEMENTS for the seat tests."""

    def seat_limit(self, tenant: Tenant) -> int | None:
        return 2


def invitation(
    tenant: Tenant, email: str, role: str = "member", *, expires_in: timedelta = timedelta(hours=72)
) -> tuple[Invitation, str]:
    """A pending invitation with a token the test knows (the API shows tokens only in emails)."""
    token = secrets.token_urlsafe(32)
    row = Invitation.objects.create(
        tenant=tenant,
        email=email,
        role=role,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + expires_in,
    )
    return row, token


def _token(acme: Signup, who: str) -> str | None:
    if who == "anonymous":
        return None
    if who == "outsider":  # a valid token, for another organisation
        return login("globex.localhost", "owner@globex.test")["access"]
    return login(acme.host, f"{who}@acme.test")["access"]


def _invite(host: str, token: str | None, email: str, role: str = "member", **extra: Any):
    return api(host, token).post(
        "/api/v1/invitations/", {"email": email, "role": role}, content_type="application/json", **extra
    )


def _accept(host: str, token: str, password: str = NEW_PASSWORD, **extra: Any):
    body = {"token": token, "password": password, **extra}
    return api(host).post("/api/v1/invitations/accept/", body, content_type="application/json")


def _state(tenant: Tenant) -> dict[str, Any]:
    """Everything an invitation call could change."""
    return {
        "invitations": sorted(
            (i.email, i.role, i.token_hash, i.expires_at, i.accepted_at, i.revoked_at)
            for i in Invitation.objects.filter(tenant=tenant)
        ),
        "members": sorted(Membership.objects.filter(tenant=tenant).values_list("user__email", "role", "version")),
        "users": User.objects.count(),
    }


# ---- create and list: who may --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 201), ("admin", 201), ("member", 403), ("outsider", 401), ("anonymous", 401)]
)
def test_create_invitation_access(acme: Signup, team: Team, who: str, status: int) -> None:
    token = _token(acme, who)
    before = _state(acme.tenant)
    response = _invite(acme.host, token, "New.Person@Example.test")
    assert response.status_code == status, response.content
    if status != 201:
        assert _state(acme.tenant) == before
        return
    body = response.json()
    row = Invitation.objects.get(tenant=acme.tenant)
    assert body == {
        "id": str(row.id),
        "email": "new.person@example.test",  # normalised
        "role": "member",
        "status": "pending",
        "expiresAt": body["expiresAt"],
        "invitedBy": {"id": row.invited_by_id, "email": f"{who}@acme.test"},
    }
    assert "token" not in response.content.decode().lower()
    # 72 hours, and only a SHA-256 of a 256-bit token is stored.
    assert abs((row.expires_at - timezone.now()) - timedelta(hours=72)) < timedelta(minutes=1)
    assert len(row.token_hash) == 64 and row.invited_by == User.objects.get(email=f"{who}@acme.test")


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("admin", 200), ("member", 403), ("outsider", 401), ("anonymous", 401)]
)
def test_list_pending_invitations_access(acme: Signup, globex: Signup, team: Team, who: str, status: int) -> None:
    pending, _ = invitation(acme.tenant, "pending@example.test", "admin")
    pending.invited_by = team.owner
    pending.save()
    invitation(acme.tenant, "expired@example.test", expires_in=timedelta(seconds=-1))
    Invitation.objects.filter(pk=invitation(acme.tenant, "revoked@example.test")[0].pk).update(
        revoked_at=timezone.now()
    )
    Invitation.objects.filter(pk=invitation(acme.tenant, "used@example.test")[0].pk).update(accepted_at=timezone.now())
    invitation(globex.tenant, "globex-only@example.test")

    response = api(acme.host, _token(acme, who)).get("/api/v1/invitations/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["count"] == 1
        assert body["results"] == [
            {
                "id": str(pending.id),
                "email": "pending@example.test",
                "role": "admin",
                "status": "pending",
                "expiresAt": body["results"][0]["expiresAt"],
                "invitedBy": {"id": team.owner.id, "email": team.owner.email},
            }
        ]


def test_the_inviter_grants_at_most_their_own_role(acme: Signup, team: Team) -> None:
    admin = _token(acme, "admin")
    before = _state(acme.tenant)
    response = _invite(acme.host, admin, "boss@example.test", "owner")
    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"
    assert _state(acme.tenant) == before
    assert _invite(acme.host, admin, "peer@example.test", "admin").status_code == 201
    assert _invite(acme.host, _token(acme, "owner"), "boss@example.test", "owner").status_code == 201


def test_an_admin_cannot_revoke_or_resend_an_owner_invitation(acme: Signup, team: Team) -> None:
    row, _ = invitation(acme.tenant, "boss@example.test", "owner")
    admin = _token(acme, "admin")
    before = _state(acme.tenant)
    assert api(acme.host, admin).delete(f"/api/v1/invitations/{row.id}/").status_code == 403
    assert api(acme.host, admin).post(f"/api/v1/invitations/{row.id}/resend/").status_code == 403
    assert _state(acme.tenant) == before


def test_inviting_a_member_is_refused_naming_the_email(acme: Signup, team: Team) -> None:
    before = _state(acme.tenant)
    response = _invite(acme.host, _token(acme, "owner"), "Member@Acme.test")
    assert response.status_code == 400
    assert error(response) == {
        "code": "already_member",
        "detail": "member@acme.test is already a member of this organisation.",
        "attr": "email",
    }
    assert _state(acme.tenant) == before


def test_a_second_pending_invitation_for_one_email_is_refused(acme: Signup, team: Team) -> None:
    owner = _token(acme, "owner")
    assert _invite(acme.host, owner, "twice@example.test").status_code == 201
    before = _state(acme.tenant)
    response = _invite(acme.host, owner, "TWICE@example.test", "admin")
    assert response.status_code == 400
    assert (error(response)["code"], error(response)["attr"]) == ("already_invited", "email")
    assert _state(acme.tenant) == before


def test_an_expired_invitation_can_be_replaced(acme: Signup, team: Team) -> None:
    old, old_token = invitation(acme.tenant, "late@example.test", expires_in=timedelta(seconds=-1))
    assert _invite(acme.host, _token(acme, "owner"), "late@example.test").status_code == 201
    old.refresh_from_db()
    assert old.status == "revoked"
    assert _accept(acme.host, old_token).status_code == 404


def test_invalid_input_is_a_field_error(acme: Signup, team: Team) -> None:
    owner = _token(acme, "owner")
    bad_email = _invite(acme.host, owner, "not-an-email")
    assert bad_email.status_code == 400 and error(bad_email)["attr"] == "email"
    bad_role = _invite(acme.host, owner, "x@example.test", "emperor")
    assert bad_role.status_code == 400 and error(bad_role)["attr"] == "role"
    assert not Invitation.objects.filter(tenant=acme.tenant).exists()


# ---- revoke, resend: who may, and other organisations ---------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 204), ("admin", 204), ("member", 403), ("outsider", 401), ("anonymous", 401)]
)
def test_revoke_access(acme: Signup, team: Team, who: str, status: int) -> None:
    row, token = invitation(acme.tenant, "bye@example.test")
    before = _state(acme.tenant)
    response = api(acme.host, _token(acme, who)).delete(f"/api/v1/invitations/{row.id}/")
    assert response.status_code == status
    if status == 204:
        row.refresh_from_db()
        assert row.status == "revoked"
        assert api(acme.host).get("/api/v1/invitations/preview/", {"token": token}).status_code == 404
        assert _accept(acme.host, token).status_code == 404
        # Revoked is final.
        again = api(acme.host, _token(acme, who)).delete(f"/api/v1/invitations/{row.id}/")
        assert again.status_code == 404
    else:
        assert _state(acme.tenant) == before


def test_a_globex_admin_cannot_see_or_touch_acme_invitations(acme: Signup, globex: Signup, team: Team) -> None:
    row, token = invitation(acme.tenant, "acme-only@example.test")
    globex_admin: User = UserFactory.create(email="admin@globex.test")
    Membership.objects.create(user=globex_admin, tenant=globex.tenant, role="admin")
    on_globex = login(globex.host, "admin@globex.test")["access"]
    before = _state(acme.tenant)

    # On globex's host: acme's invitation does not exist.
    assert api(globex.host, on_globex).get("/api/v1/invitations/").json()["count"] == 0
    assert api(globex.host, on_globex).delete(f"/api/v1/invitations/{row.id}/").status_code == 404
    assert api(globex.host, on_globex).post(f"/api/v1/invitations/{row.id}/resend/").status_code == 404
    # On acme's host: globex's token is not valid.
    assert api(acme.host, on_globex).get("/api/v1/invitations/").status_code == 401
    assert api(acme.host, on_globex).delete(f"/api/v1/invitations/{row.id}/").status_code == 401
    # The link itself works only on acme's host.
    assert api(globex.host).get("/api/v1/invitations/preview/", {"token": token}).status_code == 404
    assert _accept(globex.host, token).status_code == 404
    assert _state(acme.tenant) == before
    assert not Membership.objects.filter(tenant=globex.tenant, user__email="acme-only@example.test").exists()


def test_invitations_are_not_served_on_the_public_host(acme: Signup, public_client: Any) -> None:
    _, token = invitation(acme.tenant, "pub@example.test")
    assert public_client.get("/api/v1/invitations/preview/", {"token": token}).status_code == 404


# ---- preview and accept ---------------------------------------------------------------------------------


def test_preview_without_login(acme: Signup, team: Team) -> None:
    _, fresh = invitation(acme.tenant, "fresh@example.test", "admin")
    _, known = invitation(acme.tenant, "owner@globex.test")
    response = api(acme.host).get("/api/v1/invitations/preview/", {"token": fresh})
    assert response.status_code == 200
    assert response.json() == {
        "organisationName": "Acme",
        "email": "fresh@example.test",
        "role": "admin",
        "accountExists": False,
    }
    assert api(acme.host).get("/api/v1/invitations/preview/", {"token": known}).json()["accountExists"] is True


@pytest.mark.parametrize("token", ["", "nope", "x" * 300])
def test_preview_of_an_unknown_token_is_404(acme: Signup, token: str) -> None:
    response = api(acme.host).get("/api/v1/invitations/preview/", {"token": token})
    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


def test_accept_creates_the_invited_account_and_signs_in(acme: Signup, team: Team) -> None:
    row, token = invitation(acme.tenant, "joiner@example.test", "admin")
    response = _accept(acme.host, token, fullName="Jo Iner")
    assert response.status_code == 200, response.content
    body = response.json()
    user = User.objects.get(email="joiner@example.test")
    assert set(body) == {"access", "refresh", "user", "role"}
    assert body["user"] == {"id": user.id, "email": "joiner@example.test", "fullName": "Jo Iner"}
    assert body["role"] == "admin"
    assert response.cookies["refresh_token"].value == body["refresh"]
    assert access_token_decode(body["access"])["tid"] == str(acme.tenant.id)
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user, tenant=acme.tenant).role == "admin"
    row.refresh_from_db()
    assert row.status == "accepted"
    # The link reached this mailbox: the address counts as verified.
    assert EmailAddress.objects.get(user=user).verified
    # The token works on this host, and the new member can sign in again.
    assert api(acme.host, body["access"]).get("/api/v1/me/").json()["role"] == "admin"
    assert login(acme.host, "joiner@example.test", NEW_PASSWORD)["role"] == "admin"


def test_an_invitation_works_once(acme: Signup, team: Team) -> None:
    _, token = invitation(acme.tenant, "once@example.test")
    assert _accept(acme.host, token).status_code == 200
    before = _state(acme.tenant)
    again = _accept(acme.host, token)
    assert again.status_code == 404
    assert api(acme.host).get("/api/v1/invitations/preview/", {"token": token}).status_code == 404
    assert _state(acme.tenant) == before


def test_an_expired_invitation_cannot_be_previewed_or_accepted(acme: Signup, team: Team) -> None:
    row, token = invitation(acme.tenant, "slow@example.test")
    assert api(acme.host).get("/api/v1/invitations/preview/", {"token": token}).status_code == 200
    # Time travel: the link's 72 hours are over.
    Invitation.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    before = _state(acme.tenant)
    assert api(acme.host).get("/api/v1/invitations/preview/", {"token": token}).status_code == 404
    assert _accept(acme.host, token).status_code == 404
    assert _state(acme.tenant) == before
    assert not User.objects.filter(email="slow@example.test").exists()


@override_settings(INVITATION_TTL_HOURS=1)
def test_the_lifetime_is_a_setting(acme: Signup, team: Team) -> None:
    assert _invite(acme.host, _token(acme, "owner"), "short@example.test").status_code == 201
    row = Invitation.objects.get(email="short@example.test")
    assert abs((row.expires_at - timezone.now()) - timedelta(hours=1)) < timedelta(minutes=1)


def test_accept_with_an_existing_account_needs_its_password(acme: Signup, globex: Signup, team: Team) -> None:
    # globex's owner already has an account: joining acme needs that account's password.
    _, token = invitation(acme.tenant, "owner@globex.test")
    assert api(acme.host).get("/api/v1/invitations/preview/", {"token": token}).json()["accountExists"] is True
    before = _state(acme.tenant)
    wrong = _accept(acme.host, token, "not-the-password-1")
    assert wrong.status_code == 401
    assert wrong.json() == {
        "type": "client_error",
        "errors": [{"code": "invalid_credentials", "detail": "Email or password is incorrect.", "attr": None}],
    }
    assert _state(acme.tenant) == before
    assert User.objects.get(email="owner@globex.test").check_password(PASSWORD)

    right = _accept(acme.host, token, PASSWORD)
    assert right.status_code == 200
    assert right.json()["user"]["id"] == globex.user.id and right.json()["role"] == "member"
    assert Membership.objects.get(user=globex.user, tenant=acme.tenant).role == "member"
    # Still a member of globex, password unchanged.
    assert Membership.objects.get(user=globex.user, tenant=globex.tenant).role == "owner"
    assert User.objects.get(pk=globex.user.pk).check_password(PASSWORD)


def test_the_account_that_joins_is_the_invited_emails(acme: Signup, globex: Signup, team: Team) -> None:
    # Someone holding the link of an invitation to another address cannot join as themselves:
    # their own password is not the invited account's password...
    _, to_member = invitation(acme.tenant, "member@acme.test")
    _, to_new = invitation(acme.tenant, "someone-else@example.test")
    Membership.objects.filter(user=team.member, tenant=acme.tenant).delete()
    assert _accept(acme.host, to_member, "owner-of-globex-wrong").status_code == 401
    assert not Membership.objects.filter(user=globex.user, tenant=acme.tenant).exists()
    # ...and with an invitation to an address without an account, the account created is that address's.
    response = _accept(acme.host, to_new, PASSWORD)
    assert response.status_code == 200
    assert response.json()["user"]["email"] == "someone-else@example.test"
    assert not Membership.objects.filter(user=globex.user, tenant=acme.tenant).exists()


def test_a_weak_password_is_refused_and_nothing_is_created(acme: Signup, team: Team) -> None:
    _, token = invitation(acme.tenant, "weak@example.test")
    before = _state(acme.tenant)
    response = _accept(acme.host, token, "12345")
    assert response.status_code == 400
    assert error(response)["attr"] == "password"
    assert _state(acme.tenant) == before
    assert _accept(acme.host, token).status_code == 200  # still usable


def test_accept_by_someone_who_became_a_member_meanwhile(acme: Signup, team: Team) -> None:
    _, token = invitation(acme.tenant, "member@acme.test", "admin")
    before = _state(acme.tenant)
    response = _accept(acme.host, token, PASSWORD)
    assert response.status_code == 400
    assert error(response)["code"] == "already_member"
    assert _state(acme.tenant) == before


# ---- seats ----------------------------------------------------------------------------------------------


@override_settings(ENTITLEMENTS=f"{__name__}.TwoSeats")
def test_the_seat_hook_counts_members_and_pending_invitations(acme: Signup) -> None:
    owner = login(acme.host, acme.user.email)["access"]
    assert _invite(acme.host, owner, "second@example.test").status_code == 201  # owner + 1 pending = 2
    before = _state(acme.tenant)
    refused = _invite(acme.host, owner, "third@example.test")
    assert refused.status_code == 400
    assert error(refused)["code"] == "seat_limit_reached"
    assert error(refused)["attr"] in (None, "nonFieldErrors")
    assert _state(acme.tenant) == before


@override_settings(ENTITLEMENTS=f"{__name__}.TwoSeats")
def test_the_seat_hook_is_consulted_on_accept(acme: Signup, team: Team) -> None:
    # Three members already (the plan shrank after the invitation was sent): accepting is refused.
    _, token = invitation(acme.tenant, "late-joiner@example.test")
    before = _state(acme.tenant)
    response = _accept(acme.host, token)
    assert response.status_code == 400
    assert error(response)["code"] == "seat_limit_reached"
    assert _state(acme.tenant) == before


def test_unlimited_seats_by_default(acme: Signup, team: Team) -> None:
    owner = _token(acme, "owner")
    for n in range(5):
        assert _invite(acme.host, owner, f"many{n}@example.test").status_code == 201


# ---- rate limits ----------------------------------------------------------------------------------------


@pytest.fixture
def _no_earlier_hits() -> None:
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis


@pytest.mark.usefixtures("_no_earlier_hits")
@override_settings(
    RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"invitations_tenant": (2, 2), "login_ip": (100, 60), "login_email": (100, 60)}
)
def test_invitations_per_tenant_limit_answers_429_and_recovers(acme: Signup, team: Team) -> None:
    owner, admin = _token(acme, "owner"), _token(acme, "admin")
    assert _invite(acme.host, owner, "r1@example.test").status_code == 201
    assert _invite(acme.host, admin, "r2@example.test").status_code == 201
    before = _state(acme.tenant)
    blocked = _invite(acme.host, admin, "r3@example.test")  # per organisation, whoever asks
    assert blocked.status_code == 429
    assert error(blocked)["code"] == "rate_limited"
    assert 1 <= int(blocked["Retry-After"]) <= 2
    assert _state(acme.tenant) == before
    time.sleep(int(blocked["Retry-After"]) + 0.1)
    assert _invite(acme.host, owner, "r3@example.test").status_code == 201


@pytest.mark.usefixtures("_no_earlier_hits")
@override_settings(RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"invitation_accept_ip": (2, 2)})
def test_accept_per_ip_limit_answers_429_and_recovers(acme: Signup) -> None:
    _, token = invitation(acme.tenant, "patient@example.test")

    def accept(ip: str):
        body = {"token": token, "password": NEW_PASSWORD}
        return api(acme.host).post("/api/v1/invitations/accept/", body, content_type="application/json", REMOTE_ADDR=ip)

    for guess in ("a", "b"):
        wrong = api(acme.host).post(
            "/api/v1/invitations/accept/",
            {"token": guess, "password": NEW_PASSWORD},
            content_type="application/json",
            REMOTE_ADDR="198.51.100.20",
        )
        assert wrong.status_code == 404
    blocked = accept("198.51.100.20")
    assert blocked.status_code == 429
    assert 1 <= int(blocked["Retry-After"]) <= 2
    assert not User.objects.filter(email="patient@example.test").exists()
    time.sleep(int(blocked["Retry-After"]) + 0.1)
    assert accept("198.51.100.20").status_code == 200
