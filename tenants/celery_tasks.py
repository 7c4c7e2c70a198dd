"""The project's Celery task base and how tenant work is queued.

tenant-schemas-celery switches the worker's connection to the schema named in the message headers.
Two of its failure modes are silent (ARCHITECTURE.md, known traps): a task queued on commit after a
`schema_context` closed carries `public`, and a task naming a deleted tenant runs in `public` and
reports success. So tenant tasks carry their tenant explicitly (`tenant_id`), and this base class
refuses to run — and fails visibly — unless that tenant exists, is active, and is the connection's
schema right now.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, ClassVar

from celery import Task
from celery.signals import task_failure
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
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
        tenant_id = kwargs.get("tenant_id")
        if tenant_id is not None:
            self._check_tenant(str(tenant_id), self.allowed_statuses)
        return super().__call__(*args, **kwargs)

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

    version = routing_version()
    if version != _STATES_VERSION[0]:
        _STATES.clear()
        _STATES_VERSION[0] = version
    if fresh or tenant_id not in _STATES:
        row = Tenant.objects.filter(pk=tenant_id).values_list("schema_name", "status").first()
        _STATES[tenant_id] = row if row is not None else (None, None)
    return _STATES[tenant_id]


def tenant_task_enqueue(task: Task, *, tenant: Any, **kwargs: Any) -> None:
    """Queue `task` for `tenant` once the current transaction commits.

    The schema is captured now, not at commit time, so a `schema_context` that closes before the commit
    cannot turn this into a task for `public`.
    """
    tenant_id, schema = str(tenant.id), tenant.schema_name
    transaction.on_commit(
        lambda: task.apply_async(kwargs={"tenant_id": tenant_id, **kwargs}, headers={"_schema_name": schema})
    )


def spread_countdown(tenant_id: str) -> int:
    """A stable offset in [0, TENANT_TASK_SPREAD_SECONDS) for this tenant's periodic work."""
    spread = max(1, settings.TENANT_TASK_SPREAD_SECONDS)
    return int(hashlib.sha256(tenant_id.encode()).hexdigest(), 16) % spread


@task_failure.connect
def _record_failure(sender: Task | None = None, task_id: str = "", exception: BaseException | None = None,
                    kwargs: dict[str, Any] | None = None, **_: Any) -> None:  # fmt: skip
    """Failures are kept in the public schema (TaskFailure) as well as logged."""
    from django_tenants.utils import schema_context

    from .models import TaskFailure

    tenant_id = (kwargs or {}).get("tenant_id")
    logger.error("task %s %s failed for tenant %s: %r", getattr(sender, "name", "?"), task_id, tenant_id, exception)
    try:
        with schema_context("public"):
            TaskFailure.objects.create(
                task_name=getattr(sender, "name", "?"), task_id=task_id, tenant_id=tenant_id, error=repr(exception)
            )
    except Exception:
        logger.exception("could not record the task failure")
