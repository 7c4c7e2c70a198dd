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

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboxMessage, TaskReceipt

logger = logging.getLogger(__name__)

PUBLIC_SCHEMA = "public"
# Backoff between relay attempts of one message while the broker refuses it: 1 s, 2 s, 4 s ... 60 s.
MAX_BACKOFF_SECONDS = 60
# How long the relay leaves a new message to the request that wrote it (which publishes it after commit).
PUBLISH_GRACE = timedelta(seconds=5)


def outbox_enqueue(task_name: str, *, kwargs: dict[str, Any], schema_name: str = PUBLIC_SCHEMA) -> OutboxMessage:
    """Ask for `task_name(**kwargs)` in `schema_name` once the current transaction commits (at once outside one).

    The row is part of the caller's transaction: rolled back with it, durable with it.
    """
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs, schema_name=schema_name)
    transaction.on_commit(lambda: _publish_committed(message))
    return message


def _publish_committed(message: OutboxMessage) -> None:
    """The request's own publish, right after its commit: one publish and one autocommit DELETE, no lock (the
    relay leaves a message alone for PUBLISH_GRACE, so the two do not race). Whatever fails now (the broker,
    or the database going away before the delete) must not turn the caller's answer into an error: the row is
    durable and the relay publishes what is left."""
    try:
        _send(message)
    except Exception as exc:  # noqa: BLE001 - any publish failure leaves the row for the relay
        try:
            _postpone(message, exc)
        except Exception:
            logger.warning("outbox: %s not published after commit; the relay will", message.id, exc_info=True)
        return
    try:
        # One statement in autocommit (QuerySet.delete() would wrap it in BEGIN/COMMIT: two more round trips).
        table = connection.ops.quote_name(OutboxMessage._meta.db_table)  # our own model's name, not input
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [message.id])  # noqa: S608
    except Exception:  # published but not deleted: the relay publishes it again, and tasks dedupe (task_once)
        logger.warning("outbox: %s published, its row not deleted", message.id, exc_info=True)


def _send(message: OutboxMessage) -> None:
    from saas.celery import app

    app.send_task(
        message.task_name,
        kwargs=message.kwargs,
        task_id=str(message.id),
        headers={"_schema_name": message.schema_name},
        retry=False,  # the outbox retries; a request must not wait on a broker that is down
    )


def outbox_publish(*, message_ids: list[Any] | None = None, limit: int = 500, due_only: bool = True) -> int:
    """Publish messages (these ids, or every due one; every one at all with `due_only=False`) and delete each
    the broker took. Never raises for a broker that is down: the message stays, with its next attempt pushed
    back. Returns how many went out."""
    sent = 0
    with transaction.atomic():
        due = OutboxMessage.objects.select_for_update(skip_locked=True).order_by("next_attempt_at")
        if message_ids is not None:
            due = due.filter(id__in=message_ids)
        elif due_only:
            now = timezone.now()
            # A fresh message is its request's to publish (right after commit) for PUBLISH_GRACE; after a
            # refusal, it is due when its backoff is over.
            due = due.filter(
                Q(attempts=0, created_at__lte=now - PUBLISH_GRACE) | Q(attempts__gt=0, next_attempt_at__lte=now)
            )
        for message in due[:limit]:
            try:
                _send(message)
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


def outbox_relay(*, limit: int = 500, due_only: bool = True) -> int:
    """Publish every due message (every message, backoff or not, with `due_only=False`), in batches, until
    none is left or the broker refuses."""
    total = 0
    while True:
        sent = outbox_publish(limit=limit, due_only=due_only)
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
