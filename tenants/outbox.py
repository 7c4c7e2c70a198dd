"""The transactional outbox: every task a request or a webhook asks for is a row written in the same
transaction as the change, relayed to the broker after commit, and relayed again until the broker takes it.

A request never fails, and never loses what it accepted, because RabbitMQ is down: the row waits in
PostgreSQL and `outbox_relay` (a periodic task, at worker start, and `manage.py outbox_relay`) publishes it
when the broker is back. Delivery is at least once: a relay that dies between publishing and deleting the
row publishes it again, and acks_late redelivers a task whose worker died. The row's id is the Celery task
id, so a task that must act once records it with `task_once` in the transaction of its effects.

Ours rather than django-celery-outbox (evaluated): it replaces the Celery app class, which
tenant-schemas-celery already replaces, its CI covers Django <= 5.2 and Celery <= 5.6 (we run 6.1 and
5.7), and it has no notion of the schema a task must run in. This is one table, two functions and a
periodic task.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage, TaskReceipt

logger = logging.getLogger(__name__)

PUBLIC_SCHEMA = "public"
# Backoff between relay attempts of one message while the broker refuses it: 1 s, 2 s, 4 s ... 60 s.
MAX_BACKOFF_SECONDS = 60


def outbox_enqueue(task_name: str, *, kwargs: dict[str, Any], schema_name: str = PUBLIC_SCHEMA) -> OutboxMessage:
    """Ask for `task_name(**kwargs)` in `schema_name` once the current transaction commits (at once outside one).

    The row is part of the caller's transaction: rolled back with it, durable with it.
    """
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs, schema_name=schema_name)
    message_id = message.id
    transaction.on_commit(lambda: _publish_committed(message_id))
    return message


def _publish_committed(message_id: Any) -> None:
    """The change is committed: whatever fails now (the broker, or the database going away before the row
    is deleted) must not turn the caller's answer into an error. The relay publishes what is left."""
    try:
        outbox_publish(message_ids=[message_id])
    except Exception:  # the row is durable; the relay retries it
        logger.warning("outbox: %s not published after commit; the relay will", message_id, exc_info=True)


def outbox_publish(*, message_ids: list[Any] | None = None, limit: int = 500) -> int:
    """Publish messages (these ids, or every due one) and delete each the broker took. Never raises for a
    broker that is down: the message stays, with its next attempt pushed back. Returns how many went out."""
    from saas.celery import app

    sent = 0
    with transaction.atomic():
        due = OutboxMessage.objects.select_for_update(skip_locked=True).order_by("next_attempt_at")
        if message_ids is not None:
            due = due.filter(id__in=message_ids)
        else:
            due = due.filter(next_attempt_at__lte=timezone.now())
        for message in due[:limit]:
            try:
                app.send_task(
                    message.task_name,
                    kwargs=message.kwargs,
                    task_id=str(message.id),
                    headers={"_schema_name": message.schema_name},
                    retry=False,  # the outbox retries; a request must not wait on a broker that is down
                )
            except Exception as exc:  # noqa: BLE001 - any publish failure leaves the row for the relay
                _postpone(message, exc)
                continue
            message.delete()
            sent += 1
    return sent


def _postpone(message: OutboxMessage, exc: BaseException) -> None:
    message.attempts += 1
    delay = min(MAX_BACKOFF_SECONDS, 2 ** min(message.attempts - 1, 10))
    message.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    message.last_error = repr(exc)[:2000]
    message.save(update_fields=["attempts", "next_attempt_at", "last_error"])
    logger.warning(
        "outbox: %s %s not published (attempt %d), next in %d s: %r",
        message.task_name,
        message.id,
        message.attempts,
        delay,
        exc,
    )


def outbox_relay(*, limit: int = 500) -> int:
    """Publish every due message, in batches, until none is left or the broker refuses."""
    total = 0
    while True:
        sent = outbox_publish(limit=limit)
        total += sent
        if sent < limit:
            return total


def outbox_pending() -> int:
    return OutboxMessage.objects.count()


@contextmanager
def task_once(task_id: str | None, *, task_name: str) -> Iterator[bool]:
    """One transaction for a task's effects and its receipt: yields False when `task_id` already ran (a
    redelivery), True the first time. The effects inside commit together with the receipt, or neither."""
    if not task_id:  # called directly, not by a worker: nothing to dedupe against
        with transaction.atomic():
            yield True
        return
    with transaction.atomic():
        # A concurrent delivery of the same id waits on the unique index until this one commits, then
        # finds the receipt.
        _, created = TaskReceipt.objects.get_or_create(task_id=task_id, defaults={"task_name": task_name})
        yield created


def receipts_prune(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Redeliveries come within hours; receipts older than a week only take space."""
    deleted, _ = TaskReceipt.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return int(deleted)
