"""The web's connection pool fails fast while PostgreSQL is down (tenants/pg_backend/base.py).

psycopg's own pool makes a request wait its whole `timeout` when the connections it holds died with the
server: each one fails its check, the pool reconnects in the background, and the request waits for that
reconnection (then PoolTimeout, or a connection if the server came back meanwhile: the request sat through
the outage). `FailFastPool` answers it with the server's own refusal instead, at once: the web's 503
`database_unavailable`. Both of the pool's paths are driven here against the group's own PostgreSQL: a pool
with room to connect by itself, and a full pool whose request is left waiting in psycopg's queue.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg_pool import ConnectionPool, PoolTimeout

from tenants.pg_backend.base import FailFastPool

from .servers import PostgresServer

pytestmark = pytest.mark.faults

# Far longer than the pool needs to see the server down: a request still waiting when it ends gets
# PoolTimeout, which is what the assertions tell apart from the server's own refusal.
TIMEOUT = 20.0


@pytest.mark.parametrize(
    ("min_size", "max_size"),
    [(1, 4), (2, 2)],
    ids=["room-to-connect", "pool-full-request-queued"],
)
def test_a_request_gets_the_servers_refusal_not_a_wait_while_postgres_is_down(
    postgres: PostgresServer, min_size: int, max_size: int
) -> None:
    pool = FailFastPool(postgres.url(), min_size=min_size, max_size=max_size, timeout=TIMEOUT,
                        check=ConnectionPool.check_connection, reconnect_timeout=TIMEOUT, open=False)  # fmt: skip
    pool.open(wait=True, timeout=30)
    try:
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)

        postgres.stop("fast")  # the idle connections die under the pool
        try:
            with pytest.raises(psycopg.OperationalError) as refused:
                pool.getconn()
            seen_down = pool.server_down  # before the start below: the pool's own retry then finds it up
        finally:
            postgres.start()

        assert not isinstance(refused.value, PoolTimeout), "the request waited out the pool's timeout"
        assert "Connection refused" in str(refused.value) or "connection failed" in str(refused.value), refused.value
        assert seen_down is True

        # Back up: the next request gets a working connection, and the pool knows the server is up again.
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert pool.server_down is False
        assert pool.get_stats()["requests_waiting"] == 0
    finally:
        pool.close()
