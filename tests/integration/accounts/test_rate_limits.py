"""Rate limits answer 429 with Retry-After, count per IP and per email, and recover."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from shared_apps.accounts.signup import Signup
from tests.factories import PASSWORD
from tests.helpers import api, error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_earlier_hits() -> None:
    # Other tests log in as the same people from the same address: start these windows empty.
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis


def _login(host: str, email: str, password: str, ip: str = "203.0.113.7"):
    return api(host).post(
        "/api/v1/auth/login/", {"email": email, "password": password}, content_type="application/json", REMOTE_ADDR=ip
    )


@override_settings(RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"login_ip": (100, 60), "login_email": (3, 2)})
def test_login_per_email_limit_answers_429_then_recovers(acme: Signup) -> None:
    for _ in range(3):
        assert _login(acme.host, acme.user.email, "wrong-password-1").status_code == 401
    blocked = _login(acme.host, acme.user.email, PASSWORD)
    assert blocked.status_code == 429
    assert error(blocked)["code"] == "rate_limited"
    assert 1 <= int(blocked["Retry-After"]) <= 2
    # Another email from the same address is not affected by this email's limit.
    assert _login(acme.host, "other@acme.test", "wrong-password-1").status_code == 401
    time.sleep(int(blocked["Retry-After"]) + 0.1)
    assert _login(acme.host, acme.user.email, PASSWORD).status_code == 200


@override_settings(RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"login_ip": (2, 60), "login_email": (100, 60)})
def test_login_per_ip_limit_counts_addresses_separately(acme: Signup) -> None:
    for n in range(2):
        assert _login(acme.host, f"a{n}@acme.test", "x-password-1", ip="198.51.100.1").status_code == 401
    assert _login(acme.host, "b@acme.test", "x-password-1", ip="198.51.100.1").status_code == 429
    assert _login(acme.host, "b@acme.test", "x-password-1", ip="198.51.100.2").status_code == 401


@override_settings(RATE_LIMIT_MULTIPLIER=3, RATE_LIMITS={"login_ip": (1, 60), "login_email": (100, 60)})
def test_the_multiplier_scales_every_allowance(acme: Signup) -> None:
    for n in range(3):
        assert _login(acme.host, f"m{n}@acme.test", "x-password-1", ip="198.51.100.9").status_code == 401
    assert _login(acme.host, "m9@acme.test", "x-password-1", ip="198.51.100.9").status_code == 429


@override_settings(NUM_PROXIES=1, RATE_LIMIT_MULTIPLIER=1, RATE_LIMITS={"login_ip": (1, 60), "login_email": (100, 60)})
def test_forwarded_for_is_trusted_only_for_the_configured_proxies(acme: Signup) -> None:
    def attempt(forwarded: str):
        return api(acme.host).post(
            "/api/v1/auth/login/",
            {"email": "x@acme.test", "password": "x-password-1"},
            content_type="application/json",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert attempt("192.0.2.1").status_code == 401
    assert attempt("192.0.2.1").status_code == 429
    # A client cannot dodge the limit by prepending its own X-Forwarded-For: only the proxy's hop counts.
    assert attempt("1.2.3.4, 192.0.2.1").status_code == 429
    assert attempt("192.0.2.2").status_code == 401
