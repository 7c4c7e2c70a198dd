"""Dead letters (issue 12, item 9): tasks that gave up, listed for operators, retried once or discarded.

The store is `tenants.models.TaskFailure`, written by the task base class when a task fails for good
(tenants/celery_tasks.py). A retry queues the same task with the same arguments in the schema of the
organisation it belongs to, through the transactional outbox (durable: the letter is marked retried in
the same transaction as the outbox row, so a broker that is down loses nothing and a retry is never
half done). Every retry and discard is audited; the audit entry names the organisation only in `extra`,
so it does not show in that organisation's own audit log: dead letters are for operators alone.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenants.models import TaskFailure, Tenant
from tenants.outbox import PUBLIC_SCHEMA, outbox_enqueue


class DeadLetterConflictError(Exception):
    """The letter cannot be retried or discarded in its current state (a 409 for the API)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def dead_letter_list(*, status: str = "", task: str = "", tenant_id: Any = None) -> QuerySet[TaskFailure]:
    letters = TaskFailure.objects.order_by("-created_at", "-id")
    if status:
        letters = letters.filter(status=status)
    if task:
        letters = letters.filter(task_name=task)
    if tenant_id is not None:
        letters = letters.filter(tenant_id=tenant_id)
    return letters


def dead_letter_get(*, letter_id: int) -> TaskFailure:
    return TaskFailure.objects.get(pk=letter_id)


def _locked_dead(letter_id: int) -> TaskFailure:
    letter = TaskFailure.objects.select_for_update().get(pk=letter_id)
    if letter.status != TaskFailure.Status.DEAD:
        raise DeadLetterConflictError(
            "dead_letter_resolved", _("This dead letter was already %(status)s.") % {"status": letter.status}
        )
    return letter


def _schema_for(letter: TaskFailure) -> str:
    """Where the retry runs: the organisation's schema now (from its id, never from another letter), or
    the recorded schema for account-level work."""
    if letter.tenant_id is None:
        return letter.schema_name or PUBLIC_SCHEMA
    row = Tenant.objects.filter(pk=letter.tenant_id).values_list("schema_name", "status").first()
    if row is None or row[1] == Tenant.Status.DELETED:
        raise DeadLetterConflictError("dead_letter_not_retryable", _("The organisation of this task no longer exists."))
    return str(row[0])


def _resolve(letter: TaskFailure, status: str, actor: User | None) -> None:
    letter.status = status
    letter.resolved_at = timezone.now()
    letter.resolved_by = actor.email if actor is not None else ""


def _audit(letter: TaskFailure, action: str, actor: User | None, ip: str | None) -> None:
    extra = {"task_name": letter.task_name, "task_id": letter.task_id,
             "tenant_id": str(letter.tenant_id) if letter.tenant_id else None}  # fmt: skip
    if letter.retried_task_id:
        extra["retried_task_id"] = letter.retried_task_id
    audit_record(action=action, actor=actor, target=letter, ip=ip, extra=extra)


def dead_letter_retry(*, letter_id: int, actor: User | None, ip: str | None = None) -> TaskFailure:
    """Queue the task again (once) with its arguments, in its organisation's schema, after commit."""
    with transaction.atomic():
        letter = _locked_dead(letter_id)
        if letter.kwargs is None:
            raise DeadLetterConflictError(
                "dead_letter_not_retryable", _("This letter was recorded without its arguments: it cannot be re-run.")
            )
        if letter.args:
            # The outbox carries keyword arguments only, as every task the kit queues takes them.
            raise DeadLetterConflictError(
                "dead_letter_not_retryable", _("This task was queued with positional arguments: it cannot be re-run.")
            )
        message = outbox_enqueue(letter.task_name, kwargs=dict(letter.kwargs), schema_name=_schema_for(letter))
        _resolve(letter, TaskFailure.Status.RETRIED, actor)
        letter.retried_task_id = str(message.id)
        letter.save(update_fields=["status", "resolved_at", "resolved_by", "retried_task_id"])
        _audit(letter, "dead_letter.retried", actor, ip)
    return letter


def dead_letter_discard(*, letter_id: int, actor: User | None, ip: str | None = None) -> TaskFailure:
    with transaction.atomic():
        letter = _locked_dead(letter_id)
        _resolve(letter, TaskFailure.Status.DISCARDED, actor)
        letter.save(update_fields=["status", "resolved_at", "resolved_by"])
        _audit(letter, "dead_letter.discarded", actor, ip)
    return letter
