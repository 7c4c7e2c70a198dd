"""Members and roles: the access matrix (owner, admin, member, outsider, anonymous, another tenant's token)."""

from __future__ import annotations

import pytest

from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tests.conftest import Team
from tests.helpers import api, error, login

pytestmark = pytest.mark.django_db


def _token(acme: Signup, who: str, team: Team) -> str | None:
    if who == "anonymous":
        return None
    if who == "outsider":  # a valid token, for another organisation
        return login("globex.localhost", "owner@globex.test")["access"]
    return login(acme.host, f"{who}@acme.test")["access"]


def _roles(acme: Signup) -> dict[str, str]:
    return {m.user.email: m.role for m in Membership.objects.filter(tenant=acme.tenant).select_related("user")}


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("admin", 200), ("member", 200), ("outsider", 401), ("anonymous", 401)]
)
def test_list_members(acme: Signup, team: Team, who: str, status: int) -> None:
    response = api(acme.host, _token(acme, who, team)).get("/api/v1/members/")
    assert response.status_code == status
    if status == 200:
        rows = response.json()["results"]
        assert [(r["email"], r["role"]) for r in rows] == [
            (team.owner.email, "owner"),
            (team.admin.email, "admin"),
            (team.member.email, "member"),
        ]
        assert set(rows[0]) == {"id", "email", "fullName", "role", "joinedAt"}


# (actor, target, new role, expected status)
ROLE_CHANGES = [
    ("owner", "member", "admin", 200),
    ("owner", "admin", "owner", 200),
    ("admin", "member", "admin", 200),
    ("admin", "member", "owner", 403),  # above their own role
    ("admin", "owner", "member", 403),  # only owners manage owners
    ("member", "member", "admin", 403),  # promoting oneself
    ("member", "admin", "member", 403),
    ("outsider", "member", "admin", 401),
    ("anonymous", "member", "admin", 401),
]


@pytest.mark.parametrize(("actor", "target", "role", "status"), ROLE_CHANGES)
def test_change_role(acme: Signup, team: Team, actor: str, target: str, role: str, status: int) -> None:
    token = _token(acme, actor, team)
    before = _roles(acme)
    target_id = getattr(team, target).id
    response = api(acme.host, token).patch(
        f"/api/v1/members/{target_id}/", {"role": role}, content_type="application/json"
    )
    assert response.status_code == status, response.content
    after = _roles(acme)
    if status == 200:
        assert response.json()["role"] == role
        assert after == {**before, f"{target}@acme.test": role}
    else:
        assert after == before


@pytest.mark.parametrize(
    ("actor", "target", "status"),
    [
        ("owner", "member", 204),
        ("owner", "admin", 204),
        ("admin", "member", 204),
        ("admin", "owner", 403),
        ("member", "admin", 403),
        ("member", "member", 204),  # leaving
        ("admin", "admin", 204),  # leaving
        ("outsider", "member", 401),
        ("anonymous", "member", 401),
    ],
)
def test_remove_member(acme: Signup, team: Team, actor: str, target: str, status: int) -> None:
    token = _token(acme, actor, team)
    before = _roles(acme)
    response = api(acme.host, token).delete(f"/api/v1/members/{getattr(team, target).id}/")
    assert response.status_code == status, response.content
    after = _roles(acme)
    if status == 204:
        assert after == {k: v for k, v in before.items() if k != f"{target}@acme.test"}
    else:
        assert after == before


def test_the_last_owner_can_neither_leave_nor_be_demoted(acme: Signup, team: Team) -> None:
    token = _token(acme, "owner", team)
    leave = api(acme.host, token).delete(f"/api/v1/members/{team.owner.id}/")
    assert leave.status_code == 400
    assert error(leave)["code"] == "last_owner"
    demote = api(acme.host, token).patch(
        f"/api/v1/members/{team.owner.id}/", {"role": "admin"}, content_type="application/json"
    )
    assert demote.status_code == 400
    assert (error(demote)["code"], error(demote)["attr"]) == ("last_owner", "role")
    assert _roles(acme)[team.owner.email] == "owner"

    # With a second owner, the first may step down.
    api(acme.host, token).patch(f"/api/v1/members/{team.admin.id}/", {"role": "owner"}, content_type="application/json")
    token = login(acme.host, team.owner.email)["access"]
    assert (
        api(acme.host, token)
        .patch(f"/api/v1/members/{team.owner.id}/", {"role": "admin"}, content_type="application/json")
        .status_code
        == 200
    )


def test_another_organisations_member_is_404_not_403(acme: Signup, globex: Signup, team: Team) -> None:
    globex_owner = login(globex.host, "owner@globex.test")["access"]
    for response in (
        api(globex.host, globex_owner).patch(
            f"/api/v1/members/{team.member.id}/", {"role": "admin"}, content_type="application/json"
        ),
        api(globex.host, globex_owner).delete(f"/api/v1/members/{team.member.id}/"),
    ):
        assert response.status_code == 404
    assert _roles(acme)["member@acme.test"] == "member"


def test_bad_role_names_the_field(acme: Signup, team: Team) -> None:
    token = _token(acme, "owner", team)
    response = api(acme.host, token).patch(
        f"/api/v1/members/{team.member.id}/", {"role": "god"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert error(response)["attr"] == "role"


def test_role_changes_and_removals_are_audited(acme: Signup, team: Team) -> None:
    from shared_apps.audit.models import AuditLog

    token = _token(acme, "owner", team)
    api(acme.host, token).patch(
        f"/api/v1/members/{team.member.id}/", {"role": "admin"}, content_type="application/json"
    )
    api(acme.host, token).delete(f"/api/v1/members/{team.admin.id}/")
    entries = list(
        AuditLog.objects.filter(tenant=acme.tenant).order_by("id").values_list("action", "actor_email", "extra")
    )
    assert entries == [
        ("member.role_changed", team.owner.email, {"from": "member", "to": "admin"}),
        ("member.removed", team.owner.email, {"role": "admin"}),
    ]
