"""Signup is rate limited per address and per email it names: no schemas or emails on demand (API.md 1.1)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from shared_apps.accounts.models import User
from tenants.models import Tenant
from tests.helpers import PUBLIC, api, error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_earlier_hits() -> None:
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis; other tests sign up too


def _signup(n: int, *, email: str | None = None, ip: str = "203.0.113.20") -> Any:
    body = {
        "organisationName": f"Org {n}",
        "subdomain": f"limited{n}",
        "email": email or f"person{n}@limited.test",
        "password": "correct-horse-9!",
    }
    return api(PUBLIC).post("/api/v1/signup/", body, content_type="application/json", REMOTE_ADDR=ip)


def _world() -> tuple[int, int, int]:
    return Tenant.objects.exclude(status=Tenant.Status.PROVISIONING).count(), User.objects.count(), len(mail.outbox)


@override_settings(RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"signup_ip": (2, 2), "signup_email": (100, 60)})
def test_signups_from_one_address_stop_at_the_limit_then_recover() -> None:
    assert [_signup(n).status_code for n in range(2)] == [201, 201]
    before = _world()
    blocked = _signup(2)
    assert blocked.status_code == 429
    wait = int(blocked["Retry-After"])
    assert 1 <= wait <= 2
    assert error(blocked) == {
        "code": "rate_limited",
        "detail": f"Too many attempts. Try again later. Expected available in {wait} second{'s' * (wait > 1)}.",
        "attr": None,
    }
    assert _world() == before  # no organisation, no account, no email
    assert _signup(3, ip="203.0.113.21").status_code == 201  # another address is not affected
    time.sleep(wait + 0.1)
    assert _signup(4).status_code == 201


@override_settings(RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"signup_ip": (100, 60), "signup_email": (1, 60)})
def test_signups_naming_one_email_stop_at_the_limit_from_any_address() -> None:
    # Before validation would refuse it (the email has an account now), the second signup for the address,
    # from another address, is limited: the limit is the email's, wherever the requests come from.
    assert _signup(1, email="victim@limited.test", ip="198.51.100.1").status_code == 201
    before = _world()
    blocked = _signup(2, email="Victim@Limited.test", ip="198.51.100.2")
    assert blocked.status_code == 429
    assert error(blocked)["code"] == "rate_limited"
    assert _world() == before
