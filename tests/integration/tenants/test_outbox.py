"""The transactional outbox (tenants/outbox.py): a task is written with the change that asks for it, a broker
that refuses never fails the request or loses the task, and the relay delivers it once the broker is back.

The broker "down" here is real: the app is pointed at a loopback port nothing listens on (the machine's
RabbitMQ is never touched), so kombu's connection is refused exactly as it is when RabbitMQ is stopped.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from kombu import pools

from saas.celery import app
from shared_apps.accounts.signup import Signup
from tenant_apps.projects.models import Project
from tenants.db import connection
from tenants.models import OutboxMessage
from tenants.outbox import outbox_enqueue, outbox_publish, outbox_relay
from tests.conftest import Team
from tests.helpers import api, eventually, login
from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def broker_down() -> Iterator[None]:
    """The Celery app's broker refuses connections until the block ends."""
    original = app.conf.broker_write_url  # what publishing connects to (set from broker_url)
    _forget_connections()
    app.conf.broker_write_url = f"amqp://guest:guest@127.0.0.1:{_closed_port()}//"
    try:
        yield
    finally:
        _forget_connections()
        app.conf.broker_write_url = original


def _forget_connections() -> None:
    # Connection and producer pools are built from broker_url on first use and kept (kombu's registry too).
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_task() -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            outbox_enqueue("tenants.tasks.ping", kwargs={})
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_a_refused_publish_keeps_the_message_and_backs_off() -> None:
    message = OutboxMessage.objects.create(task_name="tenants.tasks.ping", kwargs={}, schema_name="public")
    with broker_down():
        assert outbox_publish(message_ids=[message.id]) == 0
    message.refresh_from_db()
    assert message.attempts == 1
    assert "Connection refused" in message.last_error or "ECONNREFUSED" in message.last_error
    assert message.next_attempt_at > message.created_at
    assert outbox_publish(message_ids=[message.id]) == 1  # the broker is back
    assert OutboxMessage.objects.filter(pk=message.pk).exists() is False


def test_a_request_made_while_the_broker_is_down_answers_and_its_work_happens_once_after(
    live_db: None, acme: Signup, team: Team, celery_worker: Worker, smtp_sink: SmtpSink
) -> None:
    token = login(acme.host, team.owner.email)["access"]
    client = api(acme.host, token)
    with broker_down():
        created = client.post("/api/v1/projects/", {"name": "Offline"}, content_type="application/json")
        invited = client.post(
            "/api/v1/invitations/", {"email": "later@example.test", "role": "member"}, content_type="application/json"
        )
    assert (created.status_code, invited.status_code) == (201, 201)
    waiting = set(OutboxMessage.objects.values_list("task_name", flat=True))
    assert waiting == {"projects.activity_record", "accounts.email_send"}

    # What beat's `outbox-relay` does every 5 s, once each message's backoff (1 s after its refusal) is over.
    relayed: list[int] = []

    def drained() -> bool:
        relayed.append(outbox_relay())
        return not OutboxMessage.objects.exists()

    eventually(drained, timeout=10, what="the outbox to drain")
    assert sum(relayed) == 2
    smtp_sink.wait_for(to="later@example.test")
    connection.set_tenant(acme.tenant)
    try:
        project = Project.objects.get(pk=created.json()["id"])
        activity = eventually(lambda: list(project.activity.all()), what="the project's activity row")
    finally:
        connection.set_schema_to_public()
    assert [a.action for a in activity] == ["created"]
    assert smtp_sink.none_for(to="later@example.test", wait=1.0)  # sent once
