"""The project's Celery task base and how tenant work is queued.

tenant-schemas-celery switches the worker's connection to the schema named in the message headers.
Two of its failure modes are silent (ARCHITECTURE.md, known traps): a task queued on commit after a
`schema_context` closed carries `public`, and a task naming a deleted tenant runs in `public` and
reports success. So tenant tasks carry their tenant explicitly (`tenant_id`), and this base class
refuses to run — and fails visibly — unless that tenant exists, is active, and is the connection's
schema right now.

Workers heal by themselves after a database outage (issue 12, item 3). Celery keeps the connection
across tasks (CELERY_DB_REUSE_MAX), and tenant-schemas-celery's schema switch runs in a `task_prerun`
signal whose errors Celery only logs, so a restarted PostgreSQL used to leave a dead connection that
failed every later task for good. Now every task's prelude, run inside the task where its errors can be
handled, (1) drops a connection that is broken and opens a fresh one, (2) switches the schema, (3)
checks the tenant. A database error there means nothing of the task ran yet: it is retried with backoff.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from typing import Any, ClassVar

from celery import Task
from celery.signals import task_failure, worker_ready
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from tenant_schemas_celery.app import get_schema_name_from_task, switch_schema
from tenant_schemas_celery.task import TenantTask

logger = logging.getLogger(__name__)

# Worth retrying: the database or broker blinked. Anything else is a bug or bad data: fail at once.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class TenantUnavailableError(RuntimeError):
    """The task's tenant is gone, not active, or not the connection's schema: the task must not run."""


class ProjectTask(TenantTask):
    abstract = True
    acks_late = True  # a worker that dies mid-task leaves the message for another worker
    reject_on_worker_lost = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5
    # The tenant statuses this task may run in. Only active by default; a task that must also serve a
    # suspended organisation (the export offered before deletion) says so in its decorator.
    allowed_statuses: ClassVar[tuple[str, ...]] = ("active",)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.request.called_directly:
            try:
                self._prelude(kwargs)
            except TRANSIENT_ERRORS as exc:
                # Nothing of the task has run, so retrying is always safe. autoretry_for covers only
                # `run`, hence the explicit retry here.
                drop_broken_connections()
                raise self.retry(exc=exc, countdown=self.retry_countdown()) from exc
        return super().__call__(*args, **kwargs)

    def _prelude(self, kwargs: dict[str, Any]) -> None:
        from .models import Tenant

        ensure_usable_connections(self.get_tenant_databases())
        tenant_id = kwargs.get("tenant_id")
        # tenant-schemas-celery's own switch, which saas/celery.py unhooks from `task_prerun`: there a
        # database error is logged and swallowed, and the task would then run on the previous schema.
        try:
            switch_schema(self, kwargs)
        except Tenant.DoesNotExist:
            if tenant_id is None:
                raise
            # No tenant has the header's schema any more: the check below fails, naming the tenant.
        if tenant_id is not None:
            self._check_tenant(str(tenant_id), self.allowed_statuses)

    def retry_countdown(self) -> float:
        """Exponential backoff with "equal jitter": between half and all of `retry_backoff * 2**n`.

        Celery's full jitter may draw 0 s several times in a row, and five such retries would give up
        on a database that is back two seconds later; this way five retries span at least 31 s.
        """
        step = min(float(self.retry_backoff_max), float(self.retry_backoff) * 2 ** (self.request.retries or 0))
        return step / 2 + random.uniform(0, step / 2)  # noqa: S311 - jitter, not a secret

    @staticmethod
    def _check_tenant(tenant_id: str, allowed_statuses: tuple[str, ...] = ("active",)) -> None:
        from .db import connection

        schema, status = _tenant_state(tenant_id)
        if schema is None or status not in allowed_statuses:
            # The cached state may be up to ROUTING_VERSION_TTL old (a tenant reactivated a moment ago):
            # refusing is final, so confirm it against the database first. The warm path stays query-free.
            schema, status = _tenant_state(tenant_id, fresh=True)
        if schema is None:
            raise TenantUnavailableError(f"tenant {tenant_id} no longer exists")
        if status not in allowed_statuses:
            raise TenantUnavailableError(f"tenant {tenant_id} is {status}, not {' or '.join(allowed_statuses)}")
        if connection.schema_name != schema:
            raise TenantUnavailableError(
                f"tenant {tenant_id} expects schema {schema}, the connection is on {connection.schema_name}"
            )


# tenant id -> (schema, status), valid while the routing version is unchanged. Any save or delete of a
# Tenant bumps that version after commit (tenants/signals.py), so a deleted or suspended tenant is seen
# by the next task; the warm path costs one cache GET instead of a query.
_STATES: dict[str, tuple[str | None, str | None]] = {}
_STATES_VERSION: list[str] = [""]


def _tenant_state(tenant_id: str, *, fresh: bool = False) -> tuple[str | None, str | None]:
    from .models import Tenant
    from .routing import routing_version

    # Read now, not the process's copy of up to ROUTING_VERSION_TTL: one cache GET per task, so a task queued
    # right after its tenant was suspended or deleted elsewhere is refused (CI saw one run in a suspended
    # tenant: the worker had read the version 0.5 s before the suspension).
    version = routing_version(max_age=0.0)
    if version != _STATES_VERSION[0]:
        _STATES.clear()
        _STATES_VERSION[0] = version
    if fresh or tenant_id not in _STATES:
        row = Tenant.objects.filter(pk=tenant_id).values_list("schema_name", "status").first()
        _STATES[tenant_id] = row if row is not None else (None, None)
    return _STATES[tenant_id]


def ensure_usable_connections(aliases: tuple[str, ...] | list[str] = ("default",)) -> None:
    """Make sure each connection in `aliases` is open and answers, reconnecting once if it does not.

    A connection PostgreSQL dropped (a restart, a failover, an idle timeout) looks fine until used; one
    `SELECT 1` per task finds out before the task's own queries do (~0.1 ms, against ~15 ms for the
    reconnect per task that CELERY_DB_REUSE_MAX saves). Raises OperationalError if the database is down.
    """
    for alias in aliases:
        conn = connections[alias]
        if conn.in_atomic_block:
            continue  # an eager task inside a caller's transaction: not ours to close
        if conn.connection is not None and (conn.errors_occurred or not conn.is_usable()):
            _close_quietly(alias)
        conn.ensure_connection()


def drop_broken_connections() -> None:
    """Close every connection that failed, so the next task (or retry) starts on a fresh one."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and (conn.errors_occurred or not conn.is_usable()):
            _close_quietly(conn.alias)


def _close_quietly(alias: str) -> None:
    # Closing a connection whose server went away may itself raise; it is gone either way.
    try:
        connections[alias].close()
    except DatabaseError:
        connections[alias].connection = None


def tenant_task_enqueue(task: Task, *, tenant: Any, **kwargs: Any) -> None:
    """Queue `task` for `tenant`, durably, once the current transaction commits.

    The schema is captured now, not at commit time, so a `schema_context` that closes before the commit
    cannot turn this into a task for `public`.
    """
    from .outbox import outbox_enqueue

    # Through the outbox: written with the caller's change, published after commit, retried until the
    # broker takes it (a request never fails on, or loses work to, a broker that is down).
    outbox_enqueue(task.name, kwargs={"tenant_id": str(tenant.id), **kwargs}, schema_name=tenant.schema_name)


def spread_countdown(tenant_id: str) -> int:
    """A stable offset in [0, TENANT_TASK_SPREAD_SECONDS) for this tenant's periodic work."""
    spread = max(1, settings.TENANT_TASK_SPREAD_SECONDS)
    return int(hashlib.sha256(tenant_id.encode()).hexdigest(), 16) % spread


TRACEBACK_EXCERPT_CHARS = 4000


@task_failure.connect
def _record_failure(sender: Task | None = None, task_id: str = "", exception: BaseException | None = None,
                    args: Any = None, kwargs: dict[str, Any] | None = None, einfo: Any = None,
                    **_: Any) -> None:  # fmt: skip
    """A task that gave up becomes a dead letter (TaskFailure, public schema) as well as a log line: with
    its arguments and schema, so an operator can run it again (shared_apps/operator/dead_letters.py)."""
    from django_tenants.utils import schema_context

    from .models import TaskFailure

    tenant_id = (kwargs or {}).get("tenant_id")
    logger.error("task %s %s failed for tenant %s: %r", getattr(sender, "name", "?"), task_id, tenant_id, exception)
    letter = {
        "task_name": getattr(sender, "name", "?"),
        "task_id": task_id,
        "tenant_id": tenant_id,
        "error": repr(exception),
        **_replay_fields(sender, args, kwargs),
        "retries": _retries(sender),
        "exception_type": _qualified_name(exception),
        "traceback": str(getattr(einfo, "traceback", "") or "")[-TRACEBACK_EXCERPT_CHARS:],
    }
    # The failure may be the database's: the task's connection can be the broken one. Write on a fresh
    # connection, and try a second fresh one if the first breaks too (a restart in progress).
    for attempt in (1, 2):
        try:
            drop_broken_connections()
            with schema_context("public"):
                TaskFailure.objects.create(**letter)
            return
        except TRANSIENT_ERRORS:
            if attempt == 2:
                logger.exception("could not record the task failure: the database is unavailable")
        except Exception:
            logger.exception("could not record the task failure")
            return


def _replay_fields(sender: Task | None, args: Any, kwargs: dict[str, Any] | None) -> dict[str, Any]:
    """The arguments as JSON (they came as JSON; a direct call may pass anything) and the schema the task
    was queued for (the message header tenant-schemas-celery switches on), "" when neither is known."""
    schema = str(get_schema_name_from_task(sender, kwargs) or "") if sender is not None else ""
    try:
        replay = json.loads(json.dumps({"args": list(args or ()), "kwargs": dict(kwargs or {})}))
    except (TypeError, ValueError):
        return {"args": None, "kwargs": None, "schema_name": schema}  # recorded, but not replayable
    return {"args": replay["args"], "kwargs": replay["kwargs"], "schema_name": schema}


def _retries(sender: Task | None) -> int:
    request = getattr(sender, "request", None)
    return int(getattr(request, "retries", 0) or 0)


def _qualified_name(exception: BaseException | None) -> str:
    if exception is None:
        return ""
    kind = type(exception)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


@worker_ready.connect
def _relay_outbox_at_start(**_: Any) -> None:
    """A worker that starts relays the outbox once: what was committed while the broker or every worker was
    down goes out now, not at beat's next tick (or never, in a deployment that runs no beat).

    Backoff is ignored here: this worker has just connected to the broker, so it is taking messages again.
    Publishing is safe next to beat's relay and other starting workers (rows are locked, SKIP LOCKED).
    """
    from .outbox import outbox_relay

    try:
        sent = outbox_relay(due_only=False)
    except Exception:  # the database may be down at start: beat's relay picks them up later
        logger.exception("outbox: relay at worker start failed")
        return
    finally:
        # Worker-start code, not a task: leave no connection behind for the pool's processes to share.
        connections.close_all()
    if sent:
        logger.info("outbox: %d message(s) relayed at worker start", sent)
