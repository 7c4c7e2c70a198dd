"""The email task: sends the rendered message over real SMTP, retries a dead server a bounded number of
times with backoff, and is queued only once the transaction commits."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import threading
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from shared_apps.accounts.emails import email_queue, email_render, site_url
from shared_apps.accounts.signup import Signup
from shared_apps.accounts.tasks import email_send
from tenants.models import OutboxMessage
from tests.plugins.smtp import SmtpSink, body_of


def _smtp(port: int) -> dict[str, Any]:
    options = {"host": "127.0.0.1", "port": port, "timeout": 2}
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}


@pytest.mark.django_db
def test_the_task_sends_the_message_it_is_given(smtp_sink: SmtpSink) -> None:
    with override_settings(MAILERS=_smtp(smtp_sink.port)):
        result = email_send.apply(kwargs={"to": ["task@example.test"], "subject": "Hello", "body": "Body text\n"})
    assert result.successful() and result.result == 1
    message = smtp_sink.wait_for(to="task@example.test", timeout=5)
    assert message["Subject"] == "Hello" and body_of(message).strip() == "Body text"


@pytest.mark.django_db
def test_a_failing_mail_server_is_retried_a_bounded_number_of_times() -> None:
    """A real server that hangs up on every connection: count how often the task comes back."""
    accepted: list[int] = []
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(10)

        def hang_up() -> None:
            with contextlib.suppress(OSError):
                while len(accepted) < 20:
                    conn, _ = server.accept()
                    accepted.append(1)
                    conn.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        with override_settings(MAILERS=_smtp(server.getsockname()[1])):
            # Eager execution runs the retries at once (no countdown), so the bound is observable.
            result = email_send.apply(kwargs={"to": ["nobody@example.test"], "subject": "s", "body": "b"})
    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert len(accepted) == 1 + email_send.max_retries == 7
    assert email_send.retry_backoff  # in a worker, retries wait exponentially longer (with jitter)


@pytest.mark.django_db
def test_emails_are_queued_only_on_commit(acme: Signup, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        email_queue(to=["later@example.test"], subject="s", body="b")
        assert OutboxMessage.objects.filter(task_name="accounts.email_send").count() == 1  # with the change
    assert len(callbacks) == 1  # nothing left the process before the commit


@pytest.mark.django_db
def test_a_redelivered_email_task_sends_nothing_the_second_time(smtp_sink: SmtpSink) -> None:
    kwargs = {"to": ["once@example.test"], "subject": "Once", "body": "b\n"}
    with override_settings(MAILERS=_smtp(smtp_sink.port)):
        first = email_send.apply(kwargs=kwargs, task_id="3f0c1d2e-0000-4000-8000-000000000001")
        again = email_send.apply(kwargs=kwargs, task_id="3f0c1d2e-0000-4000-8000-000000000001")
    assert (first.result, again.result) == (1, 0)
    message = smtp_sink.wait_for(to="once@example.test", timeout=5)
    assert message["Message-ID"] == "<3f0c1d2e-0000-4000-8000-000000000001@localhost>"
    assert smtp_sink.none_for(to="once@example.test", wait=1.0)  # the first one was the only one


@pytest.mark.django_db
def test_links_come_from_the_tenant_domain_or_the_base_domain(acme: Signup) -> None:
    assert site_url(tenant=acme.tenant) == "http://acme.localhost/"
    assert site_url(tenant=None) == "http://localhost/"
    subject, body = email_render(
        template_prefix="memberships/email/invitation",
        context={"organisation_name": "Acme", "inviter_name": "Ann", "role": "admin", "accept_url": "URL"},
    )
    assert subject == "Ann invited you to join Acme" and "URL" in body


@pytest.mark.django_db
def test_every_email_has_an_html_part_made_from_its_text(smtp_sink: SmtpSink) -> None:
    link = "http://acme.localhost/accept-invite?token=" + "Ab3=" * 30  # long enough to be folded in transit
    body = f"Ann invited you to join Acme as admin.\n\nAccept the invitation:\n{link}\n\nSee <you> & soon\n"
    with override_settings(MAILERS=_smtp(smtp_sink.port)):
        email_send.apply(kwargs={"to": ["html@example.test"], "subject": "Join Acme", "body": body})
    message = smtp_sink.wait_for(to="html@example.test", timeout=5)
    assert message.get_content_type() == "multipart/alternative"
    assert body_of(message).replace("\r\n", "\n") == body  # the text part is the message as written (CRLF: SMTP)
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    html = str(html_part.get_content())
    assert "<title>Join Acme</title>" in html
    assert f'<a href="{link}"' in html and ">Accept the invitation</a>" in html  # the link whole, as a button
    assert '<p style="margin:0 0 16px">See &lt;you&gt; &amp; soon</p>' in html  # text is escaped
    assert "Accept the invitation:<" in html
