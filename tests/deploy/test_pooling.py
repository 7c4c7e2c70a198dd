"""Schema identity under concurrency through both supported connection handlings.

With DATABASE_POOL_MAX_SIZE=0 the web process keeps one persistent PostgreSQL connection per gunicorn
thread (CONN_MAX_AGE), each carrying its own search_path; by default psycopg's pool hands connections from
request to request (here 3 for 8 threads, so they change hands all the time). 50 concurrent requests alternating between two organisations, through real
gunicorn threads: every one must run in its own organisation's schema. A transaction-mode pooler in
front of PostgreSQL is exactly what would break this (saas/settings/database.py says why).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared_apps.accounts.signup import Signup
from tests.deploy import servers


@pytest.mark.parametrize("server", ["web_port", "pooled_web_port"])
def test_fifty_concurrent_requests_mixing_two_organisations_each_run_in_their_own_schema(
    server: str, request: pytest.FixtureRequest, acme: Signup, globex: Signup
) -> None:
    web_port: int = request.getfixturevalue(server)
    expected = {acme.host: acme.tenant.schema_name, globex.host: globex.tenant.schema_name}
    assert len(set(expected.values())) == 2
    hosts = [acme.host if i % 2 == 0 else globex.host for i in range(50)]
    barrier = threading.Barrier(50)

    def ask(host: str) -> tuple[str, int, dict[str, object]]:
        barrier.wait(timeout=30)
        reply = servers.get(web_port, host, "/api/test/schema/", tls=False)
        return host, reply.status, reply.json() if reply.status == 200 else {"body": reply.body[:200]}

    for _round in range(2):  # the second round reuses connections that last served the other tenant
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(ask, hosts))
        wrong = [
            (host, status, body)
            for host, status, body in results
            if (status, body.get("schema")) != (200, expected[host])
        ]
        assert not wrong, f"{len(wrong)} of 50 requests ran in the wrong schema or failed: {wrong[:5]}"
        assert {body["tenant"] for _, _, body in results} == set(expected.values())
        # Really concurrent: many gunicorn threads served the round.
        assert len({body["worker"] for _, _, body in results}) >= 4
        if server == "pooled_web_port":
            # At most 3 connections per process, and connections really moved between organisations.
            tenants_by_backend: dict[object, set[object]] = defaultdict(set)
            for _, _, body in results:
                tenants_by_backend[body["backend"]].add(body["tenant"])
            assert len(tenants_by_backend) <= 6
            assert any(len(served) == 2 for served in tenants_by_backend.values()), tenants_by_backend
