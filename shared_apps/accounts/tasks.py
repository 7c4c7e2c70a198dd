"""Email delivery. Thin on purpose: the message is rendered before queueing, the task only sends it."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.core.mail import EmailMessage


@shared_task(
    name="accounts.email_send",
    ignore_result=True,
    # A mail server that is down or refusing for a moment: retry with exponential backoff, a bounded
    # number of times. A message the server rejects for good (bad recipient) fails at once.
    autoretry_for=(smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def email_send(*, to: list[str], subject: str, body: str) -> int:
    return EmailMessage(subject=subject, body=body, to=to).send()
