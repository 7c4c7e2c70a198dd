"""`/api/v1/me/` on an organisation's host: who the caller is there and what their role lets them do."""

from __future__ import annotations

import pytest

from shared_apps.accounts.signup import Signup
from tests.conftest import Team
from tests.helpers import api, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "role", "permissions"),
    [
        (
            "owner",
            "owner",
            [
                "members.manage",
                "owners.manage",
                "billing.manage",
                "audit.read",
                "exports.manage",
                "organisation.manage",
                "organisation.security",
            ],
        ),
        ("admin", "admin", ["members.manage", "exports.manage", "organisation.manage"]),
        ("member", "member", []),
    ],
)
def test_me_lists_what_the_role_may_do(acme: Signup, team: Team, who: str, role: str, permissions: list[str]) -> None:
    user = getattr(team, who)
    token = login(acme.host, user.email)["access"]
    me = api(acme.host, token).get("/api/v1/me/").json()
    assert me["email"] == user.email
    assert me["role"] == role
    assert me["permissions"] == permissions
    assert me["tenant"] == {"id": str(acme.tenant.id), "name": "Acme", "subdomain": "acme"}
