"""Issue 16: a person's sessions (refresh-token families) listed and ended from an organisation's host:
GET /api/v1/me/sessions/, DELETE /api/v1/me/sessions/{id}/, POST /api/v1/me/sessions/revoke-all/."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from shared_apps.accounts.models import RefreshTokenRecord
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from tests.conftest import Team
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/me/sessions/"
REVOKE_ALL = "/api/v1/me/sessions/revoke-all/"


def family(pair: dict[str, Any]) -> str:
    return str(RefreshToken(pair["refresh"])["fam"])


def refresh(host: str, pair: dict[str, Any]) -> Any:
    return api(host).post("/api/v1/auth/refresh/", {"refresh": pair["refresh"]}, content_type="application/json")


def stamp(value: Any) -> str:
    return str(value.isoformat().replace("+00:00", "Z"))


def times(fam: str) -> tuple[str, str]:
    """(createdAt, lastUsedAt) of a family as the API writes them: its first and its newest token."""
    created = sorted(RefreshTokenRecord.objects.filter(family=fam).values_list("created_at", flat=True))
    return stamp(created[0]), stamp(created[-1])


def acme_brief(acme: Signup) -> dict[str, str]:
    return {"id": str(acme.tenant.id), "name": "Acme", "subdomain": "acme"}


def cookie_cleared(response: Any) -> bool:
    cookie = response.cookies.get(settings.REFRESH_COOKIE_NAME)
    return cookie is not None and cookie.value == "" and cookie["max-age"] == 0 and cookie["path"] == "/api/v1/auth/"


@pytest.fixture
def sessions(acme: Signup, globex: Signup) -> dict[str, dict[str, Any]]:
    """acme's owner, also a member of globex, signed in: twice on acme, on globex and on the public site;
    a sign-in ended by a logout and one expired; globex's owner signed in on globex (someone else)."""
    membership_create(user=acme.user, tenant=globex.tenant, role=Membership.Role.MEMBER)
    pairs = {
        "here": login(acme.host, acme.user.email),
        "acme_other": login(acme.host, acme.user.email),
        "globex": login(globex.host, acme.user.email),
        "public": login(PUBLIC, acme.user.email),
        "logged_out": login(acme.host, acme.user.email),
        "expired": login(acme.host, acme.user.email),
        "bystander": login(globex.host, globex.user.email),
    }
    logout = api(acme.host).post(
        "/api/v1/auth/logout/", {"refresh": pairs["logged_out"]["refresh"]}, content_type="application/json"
    )
    assert logout.status_code == 204
    RefreshTokenRecord.objects.filter(family=family(pairs["expired"])).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    refreshed = refresh(PUBLIC, pairs["public"])  # the public session was used last: it comes first
    assert refreshed.status_code == 200, refreshed.content
    pairs["public"] = refreshed.json()
    return pairs


def test_the_list_shows_every_live_session_on_every_host_most_recent_first(
    acme: Signup, globex: Signup, sessions: dict[str, dict[str, Any]]
) -> None:
    response = api(acme.host, sessions["here"]["access"]).get(SESSIONS)
    assert response.status_code == 200, response.content

    def row(name: str, organisation: dict[str, str] | None, *, current: bool = False) -> dict[str, Any]:
        created, last = times(family(sessions[name]))
        return {
            "id": family(sessions[name]),
            "organisation": organisation,
            "createdAt": created,
            "lastUsedAt": last,
            "current": current,
        }

    assert response.json() == {
        "count": 4,
        "next": None,
        "previous": None,
        "results": [
            row("public", None),
            row("globex", {"id": str(globex.tenant.id), "name": "Globex", "subdomain": "globex"}),
            row("acme_other", acme_brief(acme)),
            row("here", acme_brief(acme), current=True),
        ],
    }
    # The refresh made a second token of the public session, not a second session.
    public = response.json()["results"][0]
    assert public["createdAt"] < public["lastUsedAt"]
    assert RefreshTokenRecord.objects.filter(family=public["id"]).count() == 2
    # Paginated like every list.
    page = api(acme.host, sessions["here"]["access"]).get(SESSIONS, {"pageSize": 1, "page": 2}).json()
    assert (page["count"], [r["id"] for r in page["results"]]) == (4, [family(sessions["globex"])])


def test_the_access_token_names_its_session(acme: Signup) -> None:
    # `current` rests on this: simplejwt copies the refresh token's claims (`fam` included) into the access token.
    pair = login(acme.host, acme.user.email)
    assert AccessToken(pair["access"])["fam"] == family(pair)
    refreshed = refresh(acme.host, pair).json()
    assert AccessToken(refreshed["access"])["fam"] == family(pair)


def test_each_person_sees_only_their_own_sessions(
    acme: Signup, globex: Signup, team: Team, sessions: dict[str, dict[str, Any]]
) -> None:
    theirs = api(globex.host, sessions["bystander"]["access"]).get(SESSIONS).json()
    assert [(r["id"], r["current"]) for r in theirs["results"]] == [(family(sessions["bystander"]), True)]
    member = login(acme.host, team.member.email)
    mine = api(acme.host, member["access"]).get(SESSIONS).json()
    assert [r["id"] for r in mine["results"]] == [family(member)]
    # Another organisation's token does not work here at all.
    assert api(acme.host, sessions["bystander"]["access"]).get(SESSIONS).status_code == 401
    assert api(acme.host).get(SESSIONS).status_code == 401


def test_ending_another_session_stops_its_refresh_and_only_its_own(
    acme: Signup, globex: Signup, sessions: dict[str, dict[str, Any]]
) -> None:
    client = api(acme.host, sessions["here"]["access"])
    ended = family(sessions["globex"])
    response = client.delete(f"{SESSIONS}{ended}/", REMOTE_ADDR="203.0.113.4")
    assert response.status_code == 204, response.content
    assert settings.REFRESH_COOKIE_NAME not in response.cookies  # not this session: its cookie stays
    assert refresh(globex.host, sessions["globex"]).status_code == 401
    for name, host in (("here", acme.host), ("acme_other", acme.host), ("public", PUBLIC)):
        assert refresh(host, sessions[name]).status_code == 200, name
    assert ended not in [r["id"] for r in client.get(SESSIONS).json()["results"]]
    entry = AuditLog.objects.get(action="account.session_revoked")
    assert (entry.actor_id, entry.tenant_id, entry.target_id, entry.ip, entry.extra) == (
        acme.user.id,
        acme.tenant.id,
        str(acme.user.id),
        "203.0.113.4",
        {"session": ended},
    )
    # Ended already: nothing left to end.
    assert client.delete(f"{SESSIONS}{ended}/").status_code == 404


def test_someone_elses_ended_or_unknown_sessions_are_not_found_and_stay(
    acme: Signup, globex: Signup, sessions: dict[str, dict[str, Any]]
) -> None:
    client = api(acme.host, sessions["here"]["access"])
    for fam in (
        family(sessions["bystander"]),  # globex's owner's: another person, another organisation
        family(sessions["logged_out"]),
        family(sessions["expired"]),
        str(uuid.uuid4()),
    ):
        response = client.delete(f"{SESSIONS}{fam}/")
        assert response.status_code == 404, fam
        assert error(response)["code"] == "not_found"
    assert client.delete(f"{SESSIONS}not-a-uuid/").status_code == 404
    assert refresh(globex.host, sessions["bystander"]).status_code == 200
    assert not AuditLog.objects.filter(action="account.session_revoked").exists()
    # And the bystander cannot end acme's owner's session either.
    stranger = api(globex.host, sessions["bystander"]["access"])
    assert stranger.delete(f"{SESSIONS}{family(sessions['globex'])}/").status_code == 404
    assert refresh(globex.host, sessions["globex"]).status_code == 200


def test_ending_this_session_clears_its_cookie(acme: Signup, sessions: dict[str, dict[str, Any]]) -> None:
    response = api(acme.host, sessions["here"]["access"]).delete(f"{SESSIONS}{family(sessions['here'])}/")
    assert response.status_code == 204
    assert cookie_cleared(response)
    assert refresh(acme.host, sessions["here"]).status_code == 401
    assert refresh(acme.host, sessions["acme_other"]).status_code == 200


def test_signing_out_everywhere_ends_every_session_of_the_person_only(
    acme: Signup, globex: Signup, sessions: dict[str, dict[str, Any]]
) -> None:
    client = api(acme.host, sessions["here"]["access"])
    response = client.post(REVOKE_ALL, REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 204, response.content
    assert cookie_cleared(response)
    for name, host in (("here", acme.host), ("acme_other", acme.host), ("globex", globex.host), ("public", PUBLIC)):
        assert refresh(host, sessions[name]).status_code == 401, name
    assert refresh(globex.host, sessions["bystander"]).status_code == 200
    # The access token in hand works until it expires (minutes): it lists nothing left.
    assert client.get(SESSIONS).json()["count"] == 0
    entry = AuditLog.objects.get(action="account.sessions_revoked")
    assert (entry.actor_id, entry.tenant_id, entry.ip, entry.extra) == (
        acme.user.id,
        acme.tenant.id,
        "203.0.113.8",
        {"sessions": 4},
    )
    # Signing in again starts a fresh session.
    again = login(acme.host, acme.user.email)
    assert [r["id"] for r in api(acme.host, again["access"]).get(SESSIONS).json()["results"]] == [family(again)]
