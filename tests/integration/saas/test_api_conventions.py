"""The one error shape, camelCase, OpenAPI, health: things every endpoint relies on."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from shared_apps.accounts.signup import Signup
from tests.helpers import PUBLIC

pytestmark = pytest.mark.django_db


def _shape(response) -> dict:
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert all(set(error) == {"code", "detail", "attr"} for error in body["errors"])
    return body


def test_unknown_path_is_404_in_the_error_shape(public_client: Client) -> None:
    response = public_client.get("/no/such/page")
    assert response.status_code == 404
    assert _shape(response)["errors"][0]["code"] == "not_found"


def test_wrong_method_is_405_in_the_error_shape(public_client: Client) -> None:
    response = public_client.delete("/api/v1/signup/")
    assert response.status_code == 405
    assert _shape(response) == {
        "type": "client_error",
        "errors": [{"code": "method_not_allowed", "detail": 'Method "DELETE" not allowed.', "attr": None}],
    }


@override_settings(PUBLIC_SCHEMA_URLCONF="tests.integration.saas.urls_failing")
@pytest.mark.parametrize("path", ["/boom/api/", "/boom/plain/"])
def test_unhandled_errors_are_500_without_a_traceback(path: str) -> None:
    response = Client(HTTP_HOST=PUBLIC, raise_request_exception=False).get(path)
    assert response.status_code == 500
    assert _shape(response)["type"] == "server_error"
    assert b"secret detail" not in response.content and b"Traceback" not in response.content


def test_openapi_schema_documents_the_endpoints(public_client: Client) -> None:
    response = public_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/signup/" in schema["paths"]
    assert "/api/v1/signup/check-subdomain/" in schema["paths"]
    signup = schema["components"]["schemas"]["SignupInputRequest"]  # COMPONENT_SPLIT_REQUEST: the request body
    assert {"organisationName", "subdomain", "email", "password"} <= set(signup["required"])
    assert public_client.get("/api/docs/").status_code == 200


def test_healthz_answers_on_every_host(acme: Signup, public_client: Client) -> None:
    assert public_client.get("/healthz").json() == {"status": "ok"}
    assert Client(HTTP_HOST="acme.localhost").get("/healthz").status_code == 200


def test_readyz_reports_each_dependency(public_client: Client) -> None:
    response = public_client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


@override_settings(CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:1//")  # nothing listens on port 1
def test_readyz_is_503_and_names_the_broker_when_it_is_down(public_client: Client) -> None:
    response = public_client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok" and checks["cache"] == "ok" and checks["broker"].startswith("failed")
