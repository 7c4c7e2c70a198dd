"""Refuse a transaction-mode pooler in front of schema switching (ARCHITECTURE.md, rule 9).

django-tenants selects an organisation with a session-level `SET search_path` and relies on it for every
later query of that connection. A transaction-mode pooler (PgBouncer `pool_mode = transaction`, RDS Proxy
without pinning, Supavisor's transaction mode) hands each transaction whichever server connection is free,
so a session setting made by one client is seen by another and lost by its own: one organisation's
queries run in another's schema, and nothing errors.

`session_state_problem()` sees that from the client side, with two connections of its own:

1. the first sets a custom setting (`saas.pooler_probe`, a random token) and reads its backend pid;
2. the second opens a transaction and keeps it open: a transaction pooler must pin a server connection to
   it, and pins the idle one the first just used (PgBouncer reuses the most recently used one, and a fresh
   pool has no other);
3. the first reads the setting and its pid again, in a transaction of its own.

Connected directly or through a session-mode pooler, each client keeps its own backend: the first sees its
token on the same pid, the second neither. Anything else is a pooler sharing server sessions. The probe
runs in `manage.py check --database default` (system check tenants.E002) and when each gunicorn worker
boots (deploy/gunicorn.conf.py): a worker that detects one fails to boot, and gunicorn stops.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

import psycopg
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

REFUSAL = (
    "The database connection does not keep session state between transactions: a transaction-mode "
    "connection pooler (PgBouncer pool_mode=transaction, RDS Proxy, Supavisor transaction mode) sits "
    "between this app and PostgreSQL. Schema switching sets each organisation's search_path once per "
    "session, so such a pooler would run one organisation's queries in another organisation's schema. "
    "Use PgBouncer with pool_mode=session, or connect to PostgreSQL directly (the web process pools its "
    "own connections: DATABASE_POOL_MAX_SIZE)."
)
_SETTING = "saas.pooler_probe"

Connect = Callable[[], psycopg.Connection[Any]]


class TransactionPoolerError(ImproperlyConfigured):
    def __init__(self, alias: str, problem: str) -> None:
        super().__init__(f"{REFUSAL} [database {alias!r}: {problem}]")
        self.alias, self.problem = alias, problem


def session_state_problem(connect: Connect) -> str | None:
    """None if two connections opened with `connect` each keep their own session; else what was seen.

    Raises psycopg.OperationalError when the database cannot be reached (nothing was learnt); an error
    once connected (a statement-mode pooler refuses the transaction) is a problem seen.
    """
    token = secrets.token_hex(8)
    with connect() as first, connect() as second:
        first.autocommit = second.autocommit = True
        try:
            pid_first, _ = _one(first, "SELECT pg_backend_pid(), set_config(%s, %s, false)", (_SETTING, token))
            with second.transaction():  # held open: pins a server connection to the second client
                pid_second, seen_second = _one(second, "SELECT pg_backend_pid(), current_setting(%s, true)",
                                               (_SETTING,))  # fmt: skip
                pid_again, seen_again = _one(first, "SELECT pg_backend_pid(), current_setting(%s, true)",
                                             (_SETTING,))  # fmt: skip
        except psycopg.Error as exc:  # e.g. PgBouncer in statement mode refuses the second's transaction
            return f"the probe failed: {exc.__class__.__name__}: {str(exc).strip()}"
    seen = (
        f"first client: backend {pid_first}, then {pid_again} seeing {seen_again!r}; "
        f"second client: backend {pid_second} seeing {seen_second!r}"
    )
    kept = pid_again == pid_first and seen_again == token and pid_second != pid_first and seen_second != token
    return None if kept else seen


def _one(conn: psycopg.Connection[Any], sql: str, params: tuple[Any, ...]) -> tuple[Any, Any]:
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0], row[1]


def connect_like(alias: str = "default") -> Connect:
    """Connections with the parameters Django (and its pool) use for `alias`, outside Django's wrapper."""
    from django.db import connections

    params = dict(connections[alias].get_connection_params())
    params["autocommit"] = True
    return lambda: psycopg.connect(**params)


def refuse_transaction_pooler(alias: str = "default") -> None:
    """Raise TransactionPoolerError when `alias` goes through a pooler that shares sessions.

    A database that cannot be reached is not a reason to refuse to start (the app answers 503 until it is
    back): that is logged and the check passes.
    """
    from django.db import connections

    if connections[alias].vendor != "postgresql":
        return
    try:
        problem = session_state_problem(connect_like(alias))
    except psycopg.OperationalError as exc:  # connecting failed: nothing learnt
        logger.warning("pooler check skipped, database %r unreachable: %s", alias, exc)
        return
    if problem:
        raise TransactionPoolerError(alias, problem)
