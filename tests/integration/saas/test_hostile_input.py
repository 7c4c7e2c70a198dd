"""Bodies that are too big, too deep or too many answer 4xx in the error shape and change nothing (API.md 1.1).

Each of these answered 500 before the one exception handler (saas/api/errors.py).
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection as db

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from tenant_apps.files.models import File
from tenants.models import Tenant
from tests.conftest import Team
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db

SIGNUP = {"organisationName": "Hostile", "subdomain": "hostile", "email": "h@hostile.test", "password": "x9-long-pass!"}


def _world() -> tuple[int, int]:
    return Tenant.objects.count(), User.objects.count()


def test_a_json_body_over_the_limit_is_413_and_creates_nothing() -> None:
    before = _world()
    body = json.dumps({**SIGNUP, "fullName": "x" * 3_000_000})
    response = api(PUBLIC).post("/api/v1/signup/", body, content_type="application/json")
    assert response.status_code == 413
    assert error(response) == {"code": "request_too_large", "detail": "The request body is too large.", "attr": None}
    assert _world() == before


def test_a_body_at_the_limit_is_parsed(settings: object) -> None:
    # The limit is the body's size, not a stricter one: a body just under it reaches the serializer.
    body = json.dumps({**SIGNUP, "subdomain": "Not Valid!", "fullName": "x" * 2_000_000})
    response = api(PUBLIC).post("/api/v1/signup/", body, content_type="application/json")
    assert response.status_code == 400
    assert {e["attr"] for e in response.json()["errors"]} >= {"subdomain"}


@pytest.mark.parametrize("depth", [50_000, 5_000])
def test_json_nested_too_deeply_is_400_parse_error(depth: int) -> None:
    before = _world()
    response = api(PUBLIC).post("/api/v1/signup/", "[" * depth + "]" * depth, content_type="application/json")
    assert response.status_code == 400
    assert error(response) == {
        "code": "parse_error",
        "detail": "JSON parse error - nested too deeply.",
        "attr": None,
    }
    assert _world() == before


def test_malformed_json_is_400_parse_error() -> None:
    response = api(PUBLIC).post("/api/v1/signup/", '{"email": ', content_type="application/json")
    assert response.status_code == 400
    assert error(response)["code"] == "parse_error"


def test_a_form_with_too_many_fields_is_400() -> None:
    before = _world()
    fields = {f"f{i}": "1" for i in range(1_001)} | {k: v for k, v in SIGNUP.items()}
    response = api(PUBLIC).post("/api/v1/signup/", fields)  # multipart form
    assert response.status_code == 400
    assert error(response) == {"code": "too_many_fields", "detail": "Too many form fields.", "attr": None}
    assert _world() == before


def test_an_upload_with_too_many_files_is_400_and_stores_nothing(acme: Signup, team: Team) -> None:
    token = login(acme.host, team.owner.email)["access"]
    files = {f"file{i}": SimpleUploadedFile(f"f{i}.txt", b"x", content_type="text/plain") for i in range(101)}
    response = api(acme.host, token).post("/api/v1/files/", files)
    assert response.status_code == 400
    assert error(response) == {"code": "too_many_files", "detail": "Too many files in one request.", "attr": None}
    db.set_tenant(acme.tenant)  # type: ignore[attr-defined]
    try:
        assert File.objects.count() == 0
    finally:
        db.set_schema_to_public()  # type: ignore[attr-defined]


def test_allauths_own_views_answer_the_same_in_allauths_shape(acme: Signup) -> None:
    # allauth's headless views are not DRF's: ErrorShapeMiddleware gives them the same translation, in the
    # error shape allauth's clients and its spec know.
    body = json.dumps({"email": "a@b.test", "password": "x" * 3_000_000})
    response = api(PUBLIC).post("/_allauth/app/v1/auth/password/request", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "status": 413,
        "errors": [{"code": "request_too_large", "message": "The request body is too large."}],
    }


@pytest.mark.parametrize("path", ["/api/v1/signup/", "/healthz", "/admin/"])
def test_methods_no_view_answers_are_405_in_the_error_shape(path: str) -> None:
    response = api(PUBLIC).generic("TRACE", path)
    assert response.status_code == 405
    assert error(response) == {"code": "method_not_allowed", "detail": "Method not allowed.", "attr": None}
    assert response["Allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


def test_allauths_bare_400_and_405_get_its_error_shape() -> None:
    # allauth answers a JSON body that is not an object with an empty HttpResponseBadRequest, and TRACE as a
    # login attempt: both get allauth's own error shape, which its clients and its spec know.
    client = api(PUBLIC)
    response = client.post("/_allauth/app/v1/auth/password/request", "[null, null]", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": 400, "errors": [{"code": "bad_request", "message": "Bad Request."}]}
    response = client.generic("TRACE", "/_allauth/app/v1/auth/login")
    assert response.status_code == 405
    assert response.json() == {
        "status": 405,
        "errors": [{"code": "method_not_allowed", "message": "Method not allowed."}],
    }


def test_a_number_where_the_schema_says_string_is_400(acme: Signup, team: Team) -> None:
    token = login(acme.host, team.owner.email)["access"]
    response = api(acme.host, token).post(
        "/api/v1/projects/", {"name": "Roadmap", "description": 0}, content_type="application/json"
    )
    assert response.status_code == 400
    assert error(response) == {"code": "invalid", "detail": "Not a valid string.", "attr": "description"}


@pytest.mark.parametrize(("query", "status"), [("pageSize=", 400), ("pageSize=0", 400), ("pageSize=99999999999", 200)])
def test_page_size_is_validated_as_documented(acme: Signup, team: Team, query: str, status: int) -> None:
    token = login(acme.host, team.owner.email)["access"]
    response = api(acme.host, token).get(f"/api/v1/projects/?{query}")
    assert response.status_code == status
    if status == 400:
        assert error(response)["attr"] == "pageSize"


def test_an_empty_page_is_refused_not_read_as_page_one(acme: Signup, team: Team) -> None:
    token = login(acme.host, team.owner.email)["access"]
    response = api(acme.host, token).get("/api/v1/invitations/?page=")
    assert response.status_code == 400
    assert error(response) == {"code": "invalid", "detail": "Must be a whole number of at least 1.", "attr": "page"}


def test_an_empty_ordering_is_refused_not_ignored(acme: Signup, team: Team) -> None:
    token = login(acme.host, team.owner.email)["access"]
    response = api(acme.host, token).get("/api/v1/projects/?ordering=")
    assert response.status_code == 400
    assert error(response)["attr"] == "ordering"


@pytest.mark.parametrize("key", ["-token", "abc-", "nodash", ""])
def test_a_malformed_password_reset_key_is_allauths_400_not_a_500(key: str) -> None:
    # schemathesis found this one: allauth's UserTokenForm raised TypeError on a key with an empty half.
    response = api(PUBLIC).get("/_allauth/app/v1/auth/password/reset", HTTP_X_PASSWORD_RESET_KEY=key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "key"
    response = api(PUBLIC).post(
        "/_allauth/app/v1/auth/password/reset",
        {"key": key, "password": "a-New-pass-123"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "key"
