"""Redis down (issue 12, item 5): routing falls back to the database, the data cache degrades to misses,
rate-limited authentication fails closed with 503 `cache_unavailable`, and everything recovers when Redis
returns, without restarting the web.

Against a redis-server the test starts on its own loopback port (never the machine's 6379) and the web
as deployed (gunicorn, deploy/gunicorn.conf.py) pointed at it.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis.exceptions
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings

from saas.api.exceptions import ServiceUnavailable
from saas.api.ratelimit import RateLimitUnavailable, rate_limit
from shared_apps.accounts.signup import Signup
from tenants import routing
from tenants.routing import UNKNOWN_VERSION, invalidate_routing, resolver, routing_version
from tests.factories import PASSWORD
from tests.faults.redis_server import RedisServer, redis_server
from tests.faults.redis_server import web as serve_web
from tests.helpers import eventually

pytestmark = pytest.mark.faults

RETRY_AFTER = str(ServiceUnavailable.retry_after)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


def call(port: int, method: str, host: str, path: str, body: dict[str, Any] | None = None,
         token: str | None = None) -> Reply:  # fmt: skip
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": host, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        parsed = (
            json.loads(raw) if raw and response.getheader("Content-Type", "").startswith("application/json") else raw
        )
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, parsed)
    finally:
        connection.close()


def login(port: int, host: str) -> Reply:
    return call(port, "POST", host, "/api/v1/auth/login/", {"email": f"owner@{host.split('.')[0]}.test",
                                                             "password": PASSWORD})  # fmt: skip


@dataclass
class Web:
    port: int
    redis: RedisServer


@pytest.fixture(scope="module")
def web(django_db_setup: None, acme: Signup, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    log = tmp_path_factory.mktemp("redis-fault") / "gunicorn.log"
    with redis_server() as redis_, serve_web(settings.DATABASES["default"]["NAME"], redis_.url, log) as port:
        assert call(port, "GET", "localhost", "/healthz").status == 200
        yield Web(port, redis_)
        if redis_.process is None:  # a failed test left it stopped
            redis_.start()


def _cache_unavailable(reply: Reply) -> None:
    assert reply.status == 503, reply.body
    assert reply.body["errors"][0]["code"] == "cache_unavailable", reply.body
    assert reply.headers["retry-after"] == RETRY_AFTER


def test_with_redis_down_the_web_serves_and_sign_in_fails_closed_then_recovers(web: Web, acme: Signup) -> None:
    up = login(web.port, acme.host)
    assert up.status == 200, up.body
    token = up.body["access"]
    assert call(web.port, "GET", acme.host, "/api/v1/projects/", token=token).status == 200

    web.redis.stop()
    try:
        # Every thread and the routing's local version copy (0.5 s) see the outage: several rounds.
        for _ in range(5):
            assert call(web.port, "GET", "localhost", "/healthz").status == 200
            projects = call(web.port, "GET", acme.host, "/api/v1/projects/", token=token)
            assert projects.status == 200, projects.body
            assert projects.body["results"] == []
            _cache_unavailable(login(web.port, acme.host))
            _cache_unavailable(login(web.port, "localhost"))
            # allauth's own limits (the default cache) fail closed the same way.
            _cache_unavailable(
                call(
                    web.port,
                    "POST",
                    "localhost",
                    "/_allauth/app/v1/auth/password/request",
                    {"email": "owner@acme.test"},
                )
            )
            unknown = call(web.port, "GET", "nowhere.localhost", "/api/v1/projects/", token=token)
            assert unknown.status == 404 and unknown.body["errors"][0]["code"] == "tenant_not_found"
            time.sleep(0.15)
    finally:
        web.redis.start()

    # The same processes, no restart: sign-in works again as soon as Redis answers.
    started = time.monotonic()
    recovered = eventually(lambda: login(web.port, acme.host).status == 200, timeout=10, what="login after Redis")
    assert recovered is True
    assert time.monotonic() - started < 10
    assert call(web.port, "GET", acme.host, "/api/v1/projects/", token=token).status == 200


# ---- in-process: the pieces, against the test's own Redis ---------------------------------------------


def _caches_at(url: str) -> dict[str, Any]:
    """The project's cache settings pointed at `url` (same options, this run's prefix)."""
    return {
        alias: {**config, "LOCATION": url, "KEY_PREFIX": f"{config['KEY_PREFIX']}-faults"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    with redis_server() as server, override_settings(CACHES=_caches_at(server.url)):
        routing.forget_local_version()
        resolver.clear()
        yield server
        if server.process is None:
            server.start()
    routing._bump_pending.clear()


@pytest.mark.django_db
def test_data_cache_degrades_to_misses_and_the_global_alias_raises(own_redis: RedisServer) -> None:
    caches["tenant"].set("k", "v")
    assert caches["tenant"].get("k") == "v"
    own_redis.stop()
    assert caches["tenant"].get("k") is None
    caches["tenant"].set("k", "w")  # a no-op, not an error
    assert caches["tenant"].get_or_set("k", "computed") == "computed"
    with pytest.raises(redis.exceptions.ConnectionError):
        caches["default"].get("k")
    own_redis.start()
    caches["tenant"].set("k", "back")
    assert caches["tenant"].get("k") == "back"


@pytest.mark.django_db
def test_routing_without_redis_reads_the_database_and_starts_afresh_after(own_redis: RedisServer, acme: Signup) -> None:
    before = routing_version()
    assert len(before) == 32
    host = acme.host
    assert resolver.resolve(host, before) is not None
    assert resolver._entries and resolver._version == before

    own_redis.stop()
    routing.forget_local_version()
    assert routing_version() == UNKNOWN_VERSION
    tenant = resolver.resolve(host, UNKNOWN_VERSION)
    assert tenant is not None and tenant.id == acme.tenant.id
    assert dict(resolver._entries) == {} and resolver._version is None
    assert resolver.resolve("nobody.localhost", UNKNOWN_VERSION) is None

    own_redis.start()  # empty: no persistence
    routing.forget_local_version()
    after = routing_version()
    assert after not in (UNKNOWN_VERSION, before) and len(after) == 32


def test_an_invalidation_lost_to_the_outage_is_written_when_redis_returns(
    own_redis: RedisServer, live_db: None
) -> None:
    routing.forget_local_version()
    before = routing_version()
    own_redis.stop()
    with transaction.atomic():
        invalidate_routing()  # the commit succeeds although the bump cannot be written
    assert routing._bump_pending.is_set()
    own_redis.start()
    caches["default"].set(routing.VERSION_KEY, before, timeout=None)  # as if Redis had kept its data
    routing.forget_local_version()
    after = routing_version()
    assert after != before and len(after) == 32
    assert not routing._bump_pending.is_set()
    assert caches["default"].get(routing.VERSION_KEY) == after


@pytest.mark.django_db
def test_rate_limits_fail_closed_when_redis_is_down(own_redis: RedisServer) -> None:
    rate_limit("login_ip", "192.0.2.1")
    own_redis.stop()
    with pytest.raises(RateLimitUnavailable) as raised:
        rate_limit("login_ip", "192.0.2.1")
    assert raised.value.status_code == 503
    assert raised.value.get_codes() == "cache_unavailable"
    assert raised.value.wait == ServiceUnavailable.retry_after


@pytest.mark.django_db
def test_rate_limits_fail_closed_even_on_a_cache_that_swallows_errors(own_redis: RedisServer) -> None:
    ignoring = {
        **settings.CACHES["default"],
        "OPTIONS": {**settings.CACHES["default"]["OPTIONS"], "IGNORE_EXCEPTIONS": True},
    }
    with override_settings(CACHES={**settings.CACHES, "default": ignoring}):
        own_redis.stop()
        with pytest.raises(RateLimitUnavailable):
            rate_limit("login_ip", "192.0.2.2")
