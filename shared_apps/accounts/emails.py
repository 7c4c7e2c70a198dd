"""Emails: rendered here, sent by the Celery task `accounts.email_send` after the transaction commits.

Links in emails are built from the organisation's primary domain (or SAAS_BASE_DOMAIN for the public
host), never from the request's Host header, so an attacker-supplied host never ends up in a link.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext

from tenants.models import Tenant
from tenants.outbox import outbox_enqueue

logger = logging.getLogger(__name__)


def site_url(*, tenant: Tenant | None) -> str:
    """`<scheme>://<host>[:port]/` of the organisation's primary domain, or of the public host."""
    from django.conf import settings

    from tenants.selectors import tenant_primary_domain, tenant_url

    host = tenant_primary_domain(tenant=tenant) if tenant is not None else ""
    return tenant_url(host=host or settings.SAAS_BASE_DOMAIN)


def email_render(*, template_prefix: str, context: dict[str, Any]) -> tuple[str, str]:
    """`<prefix>_subject.txt` (one line) and `<prefix>_message.txt`."""
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).splitlines()).strip()
    body = render_to_string(f"{template_prefix}_message.txt", context).strip() + "\n"
    return subject, body


_LINK_LINE = re.compile(r"^\s*(https?://\S+)\s*$")


def email_html(*, subject: str, body: str) -> str:
    """The HTML part of a message, made from its plain text (the one we write and test): each paragraph
    as a paragraph, and a line that is only a link as a button with the link under it. Every email gets
    one, allauth's too, without a second template per message to keep in step."""
    blocks: list[dict[str, str]] = []
    for paragraph in re.split(r"\n\s*\n", body.strip()):
        text: list[str] = []
        for line in paragraph.splitlines():
            if match := _LINK_LINE.match(line):
                if text:
                    blocks.append({"text": "\n".join(text)})
                    text = []
                blocks.append({"url": match.group(1), "label": _link_label(match.group(1))})
            else:
                text.append(line)
        if text:
            blocks.append({"text": "\n".join(text)})
    return render_to_string("accounts/email/layout.html", {"subject": subject, "blocks": blocks})


def _link_label(url: str) -> str:
    """The button's words, from what the link does (the text around it says the rest)."""
    path = url.split("://", 1)[-1].partition("/")[2]
    for prefix, label in (
        ("accept-invite", gettext("Accept the invitation")),
        ("reset-password", gettext("Reset your password")),
        ("verify-email", gettext("Verify your email address")),
    ):
        if path.startswith(prefix):
            return label
    return gettext("Open")


def email_queue(*, to: list[str], subject: str, body: str) -> None:
    """Send the email once the surrounding transaction commits (at once outside a transaction), through the
    outbox: a broker that is down delays it, never loses it, and never fails the request. The language
    active now (the request's) goes with it: the task renders the HTML part's buttons in it."""
    kwargs = {"to": list(to), "subject": subject, "body": body, "language": get_language()}
    outbox_enqueue("accounts.email_send", kwargs=kwargs)
