"""Email delivery (thin on purpose: the message is rendered before queueing, the task only sends it) and the
avatar's work (shared_apps/accounts/avatars.py). Public-schema tasks: accounts belong to no organisation."""

from __future__ import annotations

import smtplib

from botocore.exceptions import BotoCoreError, ClientError
from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from shared_apps.accounts.avatars import avatar_objects_delete, avatar_resize
from shared_apps.accounts.emails import email_html
from tenants.outbox import task_once

# S3 down or refusing for a while: retried with the base class's backoff, never a lost object.
_STORAGE_ERRORS: tuple[type[BaseException], ...] = (BotoCoreError, ClientError, OSError)


@shared_task(
    bind=True,
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
def email_send(self: Task, *, to: list[str], subject: str, body: str, language: str | None = None) -> int:
    """Sent once per message: a redelivery (acks_late after a worker died) finds the receipt and stops. The
    receipt commits only after the SMTP server took the message; a crash between the two sends it again,
    with the same Message-ID, which mail clients and most servers dedupe on."""
    task_id = self.request.id
    with task_once(task_id, task_name="accounts.email_send") as first:
        if not first:
            return 0
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or settings.SAAS_BASE_DOMAIN
        headers = {"Message-ID": f"<{task_id}@{domain}>"} if task_id else None
        message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers)
        # Rendered here, not queued: messages already in the outbox get their HTML part too. In the
        # language of the request that queued it (subject and body already are); None: the default.
        with translation.override(language or settings.LANGUAGE_CODE):
            message.attach_alternative(email_html(subject=subject, body=body), "text/html")
        return message.send()


@shared_task(name="accounts.avatar_resize", bind=True, ignore_result=True)
def avatar_resize_task(self, *, user_id: int, source_key: str) -> None:  # type: ignore[no-untyped-def]
    """Make the bounded copy of an uploaded avatar and serve it (tenants/images.py does the pixels)."""
    try:
        avatar_resize(user_id=user_id, source_key=source_key)
    except _STORAGE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=self.retry_countdown()) from exc


@shared_task(name="accounts.avatar_objects_delete", bind=True, ignore_result=True)
def avatar_objects_delete_task(self, *, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Delete avatar objects no longer served. Idempotent: deleting a missing object succeeds."""
    try:
        avatar_objects_delete(keys=keys)
    except _STORAGE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=self.retry_countdown()) from exc
