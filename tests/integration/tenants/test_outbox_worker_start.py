"""A worker that starts relays the outbox at once (`worker_ready`, tenants/celery_tasks.py): what was committed
while the broker or every worker was down goes out when the first worker is back, not at beat's next tick.

No beat runs in the tests, so nothing but the starting worker publishes these rows. The session's
`celery_worker` may be running too (it consumes the same queue, and started before these rows existed):
this test starts a worker of its own (the plugin's `worker_process`) and stops it at the end.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.utils import timezone

from tenants.models import OutboxMessage
from tests.helpers import eventually
from tests.plugins.celery_worker import worker_process
from tests.plugins.smtp import SmtpSink


def _left_in_the_outbox(to: str, *, backing_off_for: timedelta) -> OutboxMessage:
    """An email task committed while the broker refused it: a row only, as `outbox_publish` leaves it."""
    message = OutboxMessage.objects.create(
        task_name="accounts.email_send",
        kwargs={"to": [to], "subject": "Left while down", "body": "Sent when a worker starts."},
        schema_name="public",
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=3, next_attempt_at=timezone.now() + backing_off_for, last_error="ConnectionRefusedError(111)"
    )
    return message


def test_a_starting_worker_relays_what_the_outbox_holds_and_each_email_goes_once(
    live_db: None, smtp_sink: SmtpSink
) -> None:
    due = _left_in_the_outbox("due@worker-start.test", backing_off_for=timedelta(0))
    # Backed off for a minute by earlier refusals: a worker that just connected to the broker sends it anyway.
    later = _left_in_the_outbox("later@worker-start.test", backing_off_for=timedelta(seconds=60))
    ids = [due.pk, later.pk]
    try:
        with worker_process(smtp_sink, name=f"test-{os.environ['TEST_RUN_ID']}-start") as worker:
            eventually(
                lambda: not OutboxMessage.objects.filter(pk__in=ids).exists(), timeout=10, what="the relay at start"
            )
            smtp_sink.wait_for(to="due@worker-start.test", timeout=15)
            smtp_sink.wait_for(to="later@worker-start.test", timeout=15)
            assert "relayed at worker start" in worker.output()
    finally:
        OutboxMessage.objects.filter(pk__in=ids).delete()
    # Sent once each: the relay deleted the rows it published, nothing sends them again.
    assert smtp_sink.none_for(to="due@worker-start.test", wait=1.0)
    assert smtp_sink.none_for(to="later@worker-start.test", wait=0.1)
