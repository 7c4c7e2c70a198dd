"""The sample tenant app: projects CRUD, paging, filters, and isolation between organisations."""

from __future__ import annotations

import pytest

from shared_apps.accounts.signup import Signup
from tenant_apps.projects.models import Project
from tenants.db import connection
from tests.conftest import Team
from tests.helpers import api, error, login

pytestmark = pytest.mark.django_db


def _in(signup: Signup) -> list[str]:
    connection.set_tenant(signup.tenant)
    try:
        return sorted(Project.objects.values_list("name", flat=True))
    finally:
        connection.set_schema_to_public()


@pytest.fixture
def acme_member(acme: Signup, team: Team) -> str:
    return login(acme.host, "member@acme.test")["access"]


def test_crud(acme: Signup, team: Team, acme_member: str) -> None:
    client = api(acme.host, acme_member)
    created = client.post(
        "/api/v1/projects/", {"name": "Rocket", "description": "to the moon"}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "name", "description", "createdAt", "createdBy"}
    assert body["createdBy"] == team.member.id
    pid = body["id"]
    assert client.get(f"/api/v1/projects/{pid}/").json()["name"] == "Rocket"
    patched = client.patch(f"/api/v1/projects/{pid}/", {"name": "Rocket 2"}, content_type="application/json")
    assert patched.status_code == 200
    assert patched.json()["description"] == "to the moon"
    assert _in(acme) == ["Rocket 2"]
    assert client.delete(f"/api/v1/projects/{pid}/").status_code == 204
    assert client.get(f"/api/v1/projects/{pid}/").status_code == 404
    assert _in(acme) == []


def test_list_pages_filters_and_orders(acme: Signup, acme_member: str) -> None:
    client = api(acme.host, acme_member)
    for name in ["beta", "alpha", "gamma", "alphabet"]:
        client.post("/api/v1/projects/", {"name": name}, content_type="application/json")
    page = client.get("/api/v1/projects/?pageSize=2&ordering=name").json()
    assert page["count"] == 4
    assert [p["name"] for p in page["results"]] == ["alpha", "alphabet"]
    assert page["next"] and page["previous"] is None
    filtered = client.get("/api/v1/projects/?name=ALPH&ordering=-name").json()
    assert [p["name"] for p in filtered["results"]] == ["alphabet", "alpha"]
    capped = client.get("/api/v1/projects/?pageSize=100000")
    assert capped.status_code == 200  # capped at 100, not refused
    bad = client.get("/api/v1/projects/?ordering=secret_column")
    assert bad.status_code == 400
    assert error(bad)["attr"] == "ordering"


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "description": 5 * "y" * 2001}, "description"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(acme: Signup, acme_member: str, body: dict, attr: str) -> None:
    response = api(acme.host, acme_member).post("/api/v1/projects/", body, content_type="application/json")
    assert response.status_code == 400
    assert error(response)["attr"] == attr
    assert _in(acme) == []


def test_another_organisations_project_is_404_everywhere(acme: Signup, globex: Signup, acme_member: str) -> None:
    pid = (
        api(acme.host, acme_member)
        .post("/api/v1/projects/", {"name": "Secret"}, content_type="application/json")
        .json()["id"]
    )
    globex_owner = api(globex.host, login(globex.host, "owner@globex.test")["access"])
    assert globex_owner.get(f"/api/v1/projects/{pid}/").status_code == 404
    assert (
        globex_owner.patch(f"/api/v1/projects/{pid}/", {"name": "Mine"}, content_type="application/json").status_code
        == 404
    )
    assert globex_owner.delete(f"/api/v1/projects/{pid}/").status_code == 404
    assert globex_owner.get("/api/v1/projects/").json()["count"] == 0
    assert _in(acme) == ["Secret"] and _in(globex) == []


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_non_members_get_401(acme: Signup, globex: Signup, who: str) -> None:
    token = None if who == "anonymous" else login(globex.host, "owner@globex.test")["access"]
    client = api(acme.host, token)
    assert client.get("/api/v1/projects/").status_code == 401
    assert client.post("/api/v1/projects/", {"name": "x"}, content_type="application/json").status_code == 401
    assert _in(acme) == []
