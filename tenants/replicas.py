"""Read replicas (issue 14): reads marked read-only go to a streaming replica, everything else to the primary.

- `read_only` (decorator) and `replica_reads()` (context manager) mark reads that may be a few seconds old:
  queries run inside them, and the QuerySet a decorated selector returns wherever it is evaluated later
  (paginators, serializers), read from a replica. Any other read stays on the primary: routing every read
  would serve stale rows to code that writes next.
- `ReplicaRouter` (DATABASE_ROUTERS, only when DATABASE_REPLICA_URLS is set) answers db_for_read and
  db_for_write; migrations are left to django-tenants' TenantSyncRouter (it migrates the default alias only).
- A marked read stays on the primary when this request (or task) already wrote, when it runs inside a
  transaction on the primary, or when no replica is usable: a replica is used while it answers and is at
  most DATABASE_REPLICA_MAX_LAG_SECONDS behind, checked at most every CHECK_INTERVAL seconds per process.
- django-tenants keeps the tenant per connection alias: a replica's connection is switched to the primary
  connection's tenant each time a read is routed to it (a comparison, and a `SET search_path` when it differs).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import psycopg
from celery.signals import task_prerun
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from django_tenants.postgresql_backend.base import DatabaseWrapper

logger = logging.getLogger(__name__)

# Seconds a replica's health verdict is reused by every thread of the process.
CHECK_INTERVAL = 2.0
# The health check's own connection: a replica that does not answer within this is skipped, not waited for.
CHECK_CONNECT_TIMEOUT = 2
# The QuerySet hint a read-only selector's result carries until it is evaluated.
_HINT = "read_only"

# Seconds the replica is behind the primary; NULL when unknown (then it is not used). Replayed everything it
# received while still streaming: up to date, however long ago the last commit was. Otherwise the age of the
# last commit it replayed, an upper bound of its lag. A server that is not a standby follows no primary.
_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AND EXISTS (SELECT FROM pg_stat_wal_receiver)
        THEN 0
    ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
END
"""

# Per request (or task): inside replica_reads(); a write happened; the replica this request reads from
# (one per request, so a count and its page come from the same server).
_inside: ContextVar[bool] = ContextVar("replica_reads_inside", default=False)
_wrote: ContextVar[bool] = ContextVar("replica_reads_wrote", default=False)
_chosen: ContextVar[str | None] = ContextVar("replica_reads_chosen", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Queries run inside read from a replica (when allowed): for code that reads and may see old rows."""
    token = _inside.set(True)
    try:
        yield
    finally:
        _inside.reset(token)


def read_only[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """A selector whose results may be a few seconds old: it, and the QuerySet it returns, read from a replica."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            result = func(*args, **kwargs)
        return cast(R, _marked(result)) if isinstance(result, QuerySet) else result

    return wrapper


def on_primary(queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """A read-only selector's QuerySet read from the primary: for the row a write is about to start from."""
    clone = queryset.all()
    clone._hints = {key: value for key, value in _hints(queryset).items() if key != _HINT}  # type: ignore[attr-defined]
    return clone


def _marked(queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    # Hints are what Django hands the router when the QuerySet runs (and they follow its clones). A copy:
    # a manager's QuerySets share its hints dict.
    clone = queryset.all()
    clone._hints = {**_hints(queryset), _HINT: True}  # type: ignore[attr-defined]
    return clone


def _hints(queryset: QuerySet[Any, Any]) -> dict[str, Any]:
    return queryset._hints  # type: ignore[attr-defined]  # Django's attribute, not in its stubs


def _reset(**_: Any) -> None:
    _inside.set(False)
    _wrote.set(False)
    _chosen.set(None)


# Thread-local state outlives the request in a thread that serves the next one (gunicorn threads, a
# Celery worker): each request and task starts afresh.
request_started.connect(_reset, dispatch_uid="tenants.replicas.reset_started")
request_finished.connect(_reset, dispatch_uid="tenants.replicas.reset_finished")
task_prerun.connect(_reset, dispatch_uid="tenants.replicas.reset_task")


class ReplicaRouter:
    """Marked reads to a usable replica; every other read and every write to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        # Not None for unmarked reads: Django would then use the instance hint's database, and related rows
        # of an object read from a replica would come from there too, after writes included.
        if not (hints.get(_HINT) or _inside.get()) or _wrote.get():
            return DEFAULT_DB_ALIAS
        primary = _tenant_connection(DEFAULT_DB_ALIAS)
        if primary.in_atomic_block:
            # The transaction may have written (raw SQL included); its later reads must see that.
            _wrote.set(True)
            return DEFAULT_DB_ALIAS
        alias = _replica()
        if alias is None:
            return DEFAULT_DB_ALIAS
        replica = _tenant_connection(alias)
        if replica.schema_name != primary.schema_name or replica.include_public_schema != primary.include_public_schema:
            replica.set_tenant(primary.tenant, primary.include_public_schema)
        return alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # A replica holds the primary's rows: an object read there may be related to one of the primary's.
        same_data = {DEFAULT_DB_ALIAS, *replica_aliases()}
        return True if obj1._state.db in same_data and obj2._state.db in same_data else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return None  # TenantSyncRouter's answer: the default alias only; a standby gets its schema by streaming


def _tenant_connection(alias: str) -> DatabaseWrapper:
    return cast("DatabaseWrapper", connections[alias])  # ENGINE is django-tenants' backend for every alias


def _replica() -> str | None:
    """This request's replica, if one is usable and its connection opens; None: read from the primary."""
    chosen = _chosen.get()
    if chosen is None or not _health.usable(chosen):
        usable = [alias for alias in replica_aliases() if _health.usable(alias)]
        if not usable:
            return None
        chosen = random.choice(usable)  # noqa: S311  (spreading load, not a secret)
        _chosen.set(chosen)
    try:
        # Open now, so a replica that went down since its last check gives this read to the primary instead
        # of an error (a no-op when this request already holds the connection).
        connections[chosen].ensure_connection()
    except Error:
        _health.mark_down(chosen)
        _chosen.set(None)
        return None
    return chosen


@dataclass(frozen=True)
class _Verdict:
    usable: bool
    at: float  # time.monotonic()


class _Health:
    """Per process: each replica's last verdict, renewed by one thread at a time (the others use the last one)."""

    def __init__(self) -> None:
        self._verdicts: dict[str, _Verdict] = {}
        self._checking: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def usable(self, alias: str) -> bool:
        verdict = self._verdicts.get(alias)
        if verdict is not None and time.monotonic() - verdict.at < CHECK_INTERVAL:
            return verdict.usable
        with self._lock:
            checking = self._checking.setdefault(alias, threading.Lock())
        if not checking.acquire(blocking=False):
            return verdict.usable if verdict is not None else False
        try:
            self._record(alias, _check(alias))
        finally:
            checking.release()
        return self._verdicts[alias].usable

    def mark_down(self, alias: str) -> None:
        self._record(alias, False)

    def _record(self, alias: str, usable: bool) -> None:
        previous = self._verdicts.get(alias)
        if previous is None or previous.usable != usable:
            logger.log(logging.INFO if usable else logging.WARNING, "replica %s %s", alias,
                       "in use" if usable else "not used: down or lagging; reading from the primary")  # fmt: skip
        self._verdicts[alias] = _Verdict(usable, time.monotonic())


_health = _Health()


def _check(alias: str) -> bool:
    # Its own short connection: a check never waits on, or disturbs, the connections requests use.
    params = connections[alias].get_connection_params()
    params["connect_timeout"] = min(int(params.get("connect_timeout") or CHECK_CONNECT_TIMEOUT), CHECK_CONNECT_TIMEOUT)
    try:
        with psycopg.connect(**params, autocommit=True) as conn:
            row = conn.execute(_LAG_SQL).fetchone()
    except psycopg.Error:
        return False
    lag = row[0] if row else None
    return lag is not None and float(lag) <= float(settings.DATABASE_REPLICA_MAX_LAG_SECONDS)
