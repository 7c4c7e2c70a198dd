"""/admin/'s login, the most privileged one, is rate limited per address and per username."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.factories import PASSWORD, UserFactory
from tests.helpers import PUBLIC

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_earlier_hits() -> None:
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis


def _login(client: Client, username: str, password: str, ip: str = "203.0.113.30"):
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip)


@override_settings(RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"admin_login_ip": (100, 60), "admin_login_username": (3, 2)})
def test_wrong_passwords_lock_the_username_out_then_it_recovers() -> None:
    staff = UserFactory.create(email="ops@kit.test", is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST=PUBLIC)
    for _ in range(3):
        response = _login(client, staff.email, "wrong-password")
        assert response.status_code == 200  # the admin's own form, with its error
        assert b"Please enter the correct" in response.content
    blocked = _login(client, staff.email, PASSWORD)
    assert blocked.status_code == 429
    assert 1 <= int(blocked["Retry-After"]) <= 2
    assert b"Too many sign-in attempts. Wait" in blocked.content
    assert "_auth_user_id" not in client.session  # the right password did not get in while locked out
    # Another username from the same address is not locked.
    assert _login(client, "someone@kit.test", "wrong-password").status_code == 200
    time.sleep(int(blocked["Retry-After"]) + 0.1)
    signed_in = _login(client, staff.email, PASSWORD)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/admin/"


@override_settings(RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"admin_login_ip": (2, 60), "admin_login_username": (100, 60)})
def test_one_address_trying_many_usernames_is_stopped() -> None:
    client = Client(HTTP_HOST=PUBLIC)
    assert [_login(client, f"u{n}@kit.test", "x").status_code for n in range(2)] == [200, 200]
    assert _login(client, "u9@kit.test", "x").status_code == 429
    assert _login(client, "u9@kit.test", "x", ip="203.0.113.31").status_code == 200


def test_the_login_page_itself_is_not_counted() -> None:
    client = Client(HTTP_HOST=PUBLIC)
    with override_settings(
        RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"admin_login_ip": (1, 60), "admin_login_username": (1, 60)}
    ):
        assert [client.get("/admin/login/").status_code for _ in range(3)] == [200, 200, 200]
