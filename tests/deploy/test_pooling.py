"""Schema identity under concurrency through the configured connection handling.

The web process keeps one persistent PostgreSQL connection per gunicorn thread (CONN_MAX_AGE), and each
connection carries its own search_path. 50 concurrent requests alternating between two organisations,
through real gunicorn threads: every one must run in its own organisation's schema. A transaction-mode
pooler in front of PostgreSQL is exactly what would break this (saas/settings/database.py says why).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tenants.services import Signup
from tests.deploy import servers


def test_fifty_concurrent_requests_mixing_two_organisations_each_run_in_their_own_schema(
    web_port: int, acme: Signup, globex: Signup
) -> None:
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
        # Really concurrent: many gunicorn threads (each with its own connection) served the round.
        assert len({body["worker"] for _, _, body in results}) >= 4
