"""Timeouts on every outbound call (issue 12, item 6): a black-holed dependency (a loopback socket that
accepts and never answers) never holds a request longer than 20 s, and the request answers 503 with the
code naming the dependency.

The black-hole tests shrink the timeouts (1 s) to keep the run short; the production defaults are checked
against the same 20 s bound separately, from the settings themselves.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis.exceptions
from botocore.config import Config
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.test import Client, override_settings

from saas.api.errors import api_exception_for
from saas.api.exceptions import ServiceUnavailable
from saas.api.ratelimit import RateLimitUnavailable, rate_limit
from saas.settings import email as email_settings
from shared_apps.accounts.signup import Signup
from shared_apps.accounts.tasks import email_send
from tenants import routing
from tenants.routing import UNKNOWN_VERSION, resolver, routing_version
from tests.faults.blackhole import BlackHole, black_hole
from tests.helpers import error, login

pytestmark = pytest.mark.faults

BOUND_SECONDS = 20  # the longest a black-holed dependency may hold a request (issue 12, item 6)
RETRY_AFTER = str(ServiceUnavailable.retry_after)


@pytest.fixture
def hole() -> Iterator[BlackHole]:
    with black_hole() as hole_:
        yield hole_


def _owner(acme: Signup) -> Client:
    # A 503 is reported like any server error (got_request_exception): the client must answer, not re-raise.
    token = login(acme.host, "owner@acme.test")["access"]
    return Client(HTTP_HOST=acme.host, HTTP_AUTHORIZATION=f"Bearer {token}", raise_request_exception=False)


def _unavailable(response: Any, code: str) -> None:
    assert response.status_code == 503, response.content
    assert error(response)["code"] == code
    assert response["Retry-After"] == RETRY_AFTER


# ---- the production defaults --------------------------------------------------------------------------


def test_the_configured_timeouts_bound_a_black_holed_dependency_to_20_seconds() -> None:
    # Worst case per call: every attempt spends its whole connect and read timeouts, plus the backoff.
    s3: Config = settings.AWS_S3_CLIENT_CONFIG
    s3_attempts = s3.retries["total_max_attempts"]
    assert s3.retries["mode"] == "standard" and s3.signature_version == "s3v4"
    # botocore's standard mode sleeps rand(0, 1) x 0.05 s x 2^i between attempts (connection errors).
    s3_worst = s3_attempts * (s3.connect_timeout + s3.read_timeout) + sum(0.05 * 2**i for i in range(s3_attempts))
    assert s3_worst <= BOUND_SECONDS, s3_worst

    stripe_attempts = settings.STRIPE_MAX_NETWORK_RETRIES + 1
    stripe_per_attempt = settings.STRIPE_CONNECT_TIMEOUT_SECONDS + settings.STRIPE_READ_TIMEOUT_SECONDS
    # stripe-python sleeps at most min(0.5 x 2^(n-1), 5) s before retry n.
    stripe_sleeps = sum(min(0.5 * 2 ** (n - 1), 5) for n in range(1, stripe_attempts))
    stripe_worst = stripe_attempts * stripe_per_attempt + stripe_sleeps
    assert stripe_worst <= BOUND_SECONDS, stripe_worst

    assert email_settings._smtp_options["timeout"] == settings.SMTP_TIMEOUT_SECONDS  # what an smtp:// EMAIL_URL gets
    assert 2 * settings.SMTP_TIMEOUT_SECONDS <= BOUND_SECONDS  # the connect, then the greeting that never comes

    # Redis: one connect and one reply per command, not retried (redis-py's pool default); a request
    # makes at most a few commands before the routing falls back or the rate limit answers 503.
    redis_per_command = settings.REDIS_CONNECT_TIMEOUT_SECONDS + settings.REDIS_SOCKET_TIMEOUT_SECONDS
    for alias in ("default", "tenant"):
        options = settings.CACHES[alias]["OPTIONS"]
        assert options["SOCKET_CONNECT_TIMEOUT"] == settings.REDIS_CONNECT_TIMEOUT_SECONDS
        assert options["SOCKET_TIMEOUT"] == settings.REDIS_SOCKET_TIMEOUT_SECONDS
    assert 3 * redis_per_command <= BOUND_SECONDS


# ---- S3 -----------------------------------------------------------------------------------------------

SHORT_S3 = Config(signature_version="s3v4", connect_timeout=1, read_timeout=1,
                  retries={"mode": "standard", "total_max_attempts": 2})  # fmt: skip


@pytest.mark.django_db
def test_a_black_holed_s3_fails_an_upload_with_503_storage_unavailable(acme: Signup, hole: BlackHole) -> None:
    owner = _owner(acme)
    # Storage instances are built once per process from the settings of that moment: one built inside the
    # override would point every later test at the (closed) black hole.
    storages._storages.clear()  # type: ignore[attr-defined]
    try:
        with override_settings(AWS_S3_ENDPOINT_URL=hole.url, AWS_S3_CLIENT_CONFIG=SHORT_S3):
            started = time.monotonic()
            response = owner.post("/api/v1/files/", {"file": SimpleUploadedFile("a.txt", b"a", "text/plain")})
            elapsed = time.monotonic() - started
    finally:
        storages._storages.clear()  # type: ignore[attr-defined]
    _unavailable(response, "storage_unavailable")
    assert elapsed <= BOUND_SECONDS, elapsed
    assert hole.accepted == 2  # the configured attempts, no more
    assert owner.get("/api/v1/files/").json()["count"] == 0  # no row without its object


# ---- Stripe -------------------------------------------------------------------------------------------


def _checkout_against(hole: BlackHole, acme: Signup) -> tuple[Any, float]:
    owner = _owner(acme)
    stripe_settings = {
        "STRIPE_SECRET_KEY": "sk_test_kit_" + "x" * 24,
        "STRIPE_API_BASE": hole.url,
        "STRIPE_CONNECT_TIMEOUT_SECONDS": 1,
        "STRIPE_READ_TIMEOUT_SECONDS": 1,
        "STRIPE_MAX_NETWORK_RETRIES": 1,
    }
    with override_settings(**stripe_settings):
        started = time.monotonic()
        response = owner.post("/api/v1/billing/checkout/", {"plan": "pro"}, content_type="application/json")
        return response, time.monotonic() - started


@pytest.mark.django_db
def test_a_black_holed_stripe_holds_a_checkout_within_the_bound(acme: Signup, hole: BlackHole) -> None:
    response, elapsed = _checkout_against(hole, acme)
    assert elapsed <= BOUND_SECONDS, elapsed
    assert hole.accepted == 2  # one retry
    assert response.status_code != 500, response.content


@pytest.mark.django_db
def test_a_black_holed_stripe_answers_503_payment_provider_unavailable(acme: Signup, hole: BlackHole) -> None:
    response, _ = _checkout_against(hole, acme)
    _unavailable(response, "payment_provider_unavailable")


# ---- SMTP ---------------------------------------------------------------------------------------------


def test_a_black_holed_mail_server_fails_the_send_within_the_bound(hole: BlackHole) -> None:
    mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": hole.port, "timeout": 1},
    }
    with override_settings(MAILERS={"default": mailer}):
        started = time.monotonic()
        # What the email task does (in the worker: mail is never sent inside a request).
        with pytest.raises(smtplib.SMTPServerDisconnected) as raised:
            EmailMessage(subject="Hello", body="Hi", to=["someone@example.test"]).send()
        elapsed = time.monotonic() - started
    assert elapsed <= BOUND_SECONDS, elapsed
    assert hole.accepted == 1
    # The task retries it with backoff, and a request that met it would answer 503 mail_unavailable.
    assert isinstance(raised.value, email_send.autoretry_for)
    mapped = api_exception_for(raised.value)
    assert isinstance(mapped, ServiceUnavailable) and mapped.get_codes() == "mail_unavailable"


# ---- Redis --------------------------------------------------------------------------------------------


@pytest.fixture
def black_holed_redis(hole: BlackHole) -> Iterator[BlackHole]:
    short = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    caches = {
        alias: {**config, "LOCATION": f"redis://127.0.0.1:{hole.port}/0",
                "OPTIONS": {**config["OPTIONS"], **short}}
        for alias, config in settings.CACHES.items()
    }  # fmt: skip
    with override_settings(CACHES=caches):
        resolver.clear()
        yield hole
    resolver.clear()


@pytest.mark.django_db
def test_a_black_holed_redis_costs_routing_one_bounded_wait_then_the_database_answers(
    black_holed_redis: BlackHole, acme: Signup
) -> None:
    started = time.monotonic()
    assert routing_version() == UNKNOWN_VERSION
    first = time.monotonic() - started
    assert first <= BOUND_SECONDS, first
    # Within the local copy's lifetime nobody waits on Redis again.
    started = time.monotonic()
    assert routing_version() == UNKNOWN_VERSION
    assert time.monotonic() - started < routing.ROUTING_VERSION_TTL
    tenant = resolver.resolve(acme.host, UNKNOWN_VERSION)
    assert tenant is not None and tenant.id == acme.tenant.id


def test_a_black_holed_redis_fails_rate_limits_closed_within_the_bound(black_holed_redis: BlackHole) -> None:
    started = time.monotonic()
    with pytest.raises(RateLimitUnavailable) as raised:
        rate_limit("login_ip", "192.0.2.9")
    elapsed = time.monotonic() - started
    assert elapsed <= BOUND_SECONDS, elapsed
    assert isinstance(raised.value.__cause__, redis.exceptions.TimeoutError)
    assert black_holed_redis.accepted == 1  # one attempt: redis-py's pool does not retry by default
