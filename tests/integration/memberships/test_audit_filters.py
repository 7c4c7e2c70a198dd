"""The organisation's audit log page reads `/api/v1/audit/` filtered by kind of entry and by person."""

from __future__ import annotations

import pytest

from shared_apps.accounts.signup import Signup
from shared_apps.audit.services import audit_record
from tests.conftest import Team
from tests.helpers import api, login

pytestmark = pytest.mark.django_db


def _actions(host: str, token: str, **params: str) -> list[str]:
    response = api(host, token).get("/api/v1/audit/", params)
    assert response.status_code == 200, response.content
    return [entry["action"] for entry in response.json()["results"]]


def test_entries_filter_by_kind_and_by_person_within_the_organisation(acme: Signup, globex: Signup, team: Team) -> None:
    audit_record(action="member.role_changed", actor=team.owner, tenant=acme.tenant, target=team.member)
    audit_record(action="invitation.created", actor=team.admin, tenant=acme.tenant, target=team.member)
    audit_record(action="member.left", actor=team.member, tenant=acme.tenant, target=team.member)
    audit_record(action="member.removed", actor=globex.user, tenant=globex.tenant, target=globex.user)
    token = login(acme.host, team.owner.email)["access"]

    assert _actions(acme.host, token) == ["member.left", "invitation.created", "member.role_changed"]
    assert _actions(acme.host, token, action="member.") == ["member.left", "member.role_changed"]
    assert _actions(acme.host, token, action="invitation.created") == ["invitation.created"]
    assert _actions(acme.host, token, actor=team.admin.email.upper()) == ["invitation.created"]
    assert _actions(acme.host, token, action="member.", actor=team.member.email) == ["member.left"]
    # Another organisation's entries never show, whatever the filter.
    assert _actions(acme.host, token, actor=globex.user.email) == []


def test_a_filter_that_names_nothing_matches_nothing(acme: Signup, team: Team) -> None:
    audit_record(action="member.left", actor=team.member, tenant=acme.tenant, target=team.member)
    token = login(acme.host, team.owner.email)["access"]
    assert _actions(acme.host, token, action="Member;drop") == []
    assert _actions(acme.host, token, actor="not-an-email") == []
    assert _actions(acme.host, token, action="", actor="") == ["member.left"]
