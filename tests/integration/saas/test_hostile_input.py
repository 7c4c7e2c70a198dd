"""Bodies that are too big, too deep or too many answer 4xx in the error shape and change nothing (API.md 1.1).

Each of these answered 500 before the one exception handler (saas/api/errors.py).
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection as db

from shared_apps.accounts.models import User
from tenant_apps.files.models import File
from tenants.models import Tenant
from tenants.services import Signup
from tests.conftest import Team
from tests.helpers import api, error, login

pytestmark = pytest.mark.django_db

PUBLIC = "localhost"
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


def test_allauths_own_views_answer_the_same(acme: Signup) -> None:
    # allauth's headless views are not DRF's: ErrorShapeMiddleware gives them the same translation.
    body = json.dumps({"email": "a@b.test", "password": "x" * 3_000_000})
    response = api(PUBLIC).post("/_allauth/app/v1/auth/password/request", body, content_type="application/json")
    assert response.status_code == 413
    assert error(response)["code"] == "request_too_large"
