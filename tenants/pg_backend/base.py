"""Django's PostgreSQL backend, with `FailFastPool` as its connection pool (issue 12, item 10).

psycopg's pool makes a request wait up to `timeout` for a connection. That is the bounded wait we want when
every connection is busy or PostgreSQL is out of slots ("too many clients": one may be returned any
moment). When PostgreSQL is down it is only a delay: each query of a request waits the whole timeout
before its 503, liveness included (/healthz passed 15 s in tests/faults/test_database.py), and the pool's
own reconnection sleeps with a growing backoff after the server is back. So, once a connection attempt
has failed for another reason than a full server, a request that finds no idle connection connects by
itself, at once: refused -> its 503 now; accepted -> that connection is the pool's, and the pool is
healthy again. The same holds for a request already waiting: a connection it was handed failed its check
(the server went away under the pool), or none was idle; the attempt that finds the server down fails it too,
instead of leaving it to wait until the server is back (CI saw a 2 s restart under writers where every request
waited it out, and none answered 503). django-tenants' backend (ENGINE) subclasses this one through
ORIGINAL_BACKEND.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base as postgresql
from psycopg_pool import ConnectionPool

# PostgreSQL is up but has no slot for us: waiting for a pooled connection is worth it.
_FULL_MESSAGES = ("too many clients", "remaining connection slots are reserved", "too many connections for")
_FULL_SQLSTATE = "53300"  # too_many_connections


class FailFastPool(ConnectionPool):
    """psycopg's pool that stops waiting for a connection while the server refuses them (down, not full)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.server_down = False
        self._down_lock = threading.Lock()

    def _getconn_unchecked(self, timeout: float) -> Any:
        # psycopg calls this on each try of getconn(), also after a connection it handed out failed its check.
        if self.server_down and (conn := self._connect_now()) is not None:
            return conn
        return super()._getconn_unchecked(timeout)

    def _connect_now(self) -> Any:
        """A connection made by this request (None when an idle one exists or the pool is full)."""
        with self._lock:
            if self._pool or self._nconns >= self._max_size:
                return None
            self._nconns += 1  # a connection of the pool's, returned with putconn()
        try:
            conn = self._connect()
        except BaseException:
            with self._lock:
                self._nconns -= 1
            raise
        return conn

    def _connect(self, timeout: float | None = None) -> Any:
        try:
            conn = super()._connect(timeout)
        except psycopg.OperationalError as exc:
            self.server_down = not _server_full(exc)
            if self.server_down:
                self._fail_waiting(exc)
            raise
        self.server_down = False
        return conn

    def _fail_waiting(self, error: psycopg.OperationalError) -> None:
        """Every request waiting for a connection gets this error now (its 503), not one when the server is back."""
        with self._lock:
            waiting = list(self._waiting)
            self._waiting.clear()
        for client in waiting:
            client.fail(error)


def _server_full(exc: psycopg.OperationalError) -> bool:
    return exc.sqlstate == _FULL_SQLSTATE or any(text in str(exc) for text in _FULL_MESSAGES)


class DatabaseWrapper(postgresql.DatabaseWrapper):
    @property
    def pool(self) -> FailFastPool | None:
        """Django's own property (django/db/backends/postgresql/base.py, 5.1-6.1) with FailFastPool."""
        pool_options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == NO_DB_ALIAS or not pool_options:
            return None
        pools: dict[str, FailFastPool] = self._connection_pools  # type: ignore[attr-defined]  # Django's, per alias
        if self.alias not in pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            pool_options = {} if pool_options is True else {**pool_options}
            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True  # Django sets it properly later on
            enable_checks = self.settings_dict["CONN_HEALTH_CHECKS"]
            pool_options.setdefault("check", ConnectionPool.check_connection if enable_checks else None)
            configure = self._configure_connection  # type: ignore[attr-defined]
            pool = FailFastPool(kwargs=connect_kwargs, open=False, configure=configure, **pool_options)
            pools.setdefault(self.alias, pool)
        return pools[self.alias]
