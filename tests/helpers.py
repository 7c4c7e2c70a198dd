"""Small helpers shared by API tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.test import Client

from tests.factories import PASSWORD

PUBLIC = "localhost"  # the base domain in test settings: the public site, operator and signup APIs


def api(host: str, token: str | None = None) -> Client:
    """A client for `host`, with a bearer token if given."""
    if token:
        return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")
    return Client(HTTP_HOST=host)


def login(host: str, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = api(host).post(
        "/api/v1/auth/login/", {"email": email, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def error(response: Any) -> dict[str, Any]:
    """The first error of an error-shaped response."""
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    return body["errors"][0]


def eventually(check: Callable[[], Any], *, timeout: float = 60.0, what: str) -> Any:
    """Poll `check` until it returns something truthy (work done by a worker), and return that."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
