"""RabbitMQ down (issue 12, the RabbitMQ row): every request that queues work answers as if the broker were up,
and each accepted task's effect happens exactly once after the broker returns (the transactional outbox).

Against a RabbitMQ node the group starts (tests/faults/rabbitmq_server.py, never the machine's 5672), the
web as deployed and a worker pointed at it, and the outbox relay (`manage.py outbox_relay --loop`, what
beat's `outbox-relay` does in production: no beat runs here). One outage for the five flows (a RabbitMQ
restart costs seconds): the module fixture makes every request with the broker stopped, starts it again,
and each test checks its flow: the status the client saw, then its effect counted after recovery.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from tests.fakes.stripe_webhooks import WEBHOOK_SECRET, body, event, signature
from tests.helpers import eventually
from tests.integration.billing.helpers import PRO_PRICE, subscription_obj
from tests.plugins.smtp import SmtpSink

from .conftest import PUBLIC_HOST, Stack, dumps, run_worker, serve_web
from .rabbitmq_server import RabbitMQServer, rabbitmq_server
from .servers import ROOT, Process

pytestmark = pytest.mark.faults

CUSTOMER = "cus_faults_rabbitmq"
# The webhook's customer belongs to acme, and the pro plan has the price the event names.
_BILLING_SETUP = f"""
import django
django.setup()
from shared_apps.billing.models import Customer, Plan
from tenants.models import Tenant
Customer.objects.create(tenant=Tenant.objects.get(domains__domain="acme.localhost"), stripe_customer_id={CUSTOMER!r})
Plan.objects.filter(code="pro").update(stripe_price_id={PRO_PRICE!r})
"""


@dataclass
class Outage:
    stack: Stack
    broker: RabbitMQServer
    smtp: SmtpSink
    answers: dict[str, requests.Response] = field(default_factory=dict)
    queued: list[str] = field(default_factory=list)  # the outbox while the broker was down
    invitee: str = f"invitee-{uuid.uuid4().hex[:6]}@example.test"
    signup_email: str = f"signup-{uuid.uuid4().hex[:6]}@example.test"
    webhook_event: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def broker() -> Iterator[RabbitMQServer]:
    with rabbitmq_server() as server:
        yield server


@pytest.fixture(scope="module")
def outage(stack: Stack, broker: RabbitMQServer, smtp_sink: SmtpSink) -> Iterator[Outage]:
    env = {
        **stack.env,
        "CELERY_BROKER_URL": broker.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        # Events are applied from their payloads: no Stripe API to fetch from.
        "STRIPE_SECRET_KEY": "",
        "STRIPE_API_BASE": "",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    done = subprocess.run([sys.executable, "-c", _BILLING_SETUP], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    relay = Process([sys.executable, "manage.py", "outbox_relay", "--loop", "--interval", "0.5"], env=env, name="relay")
    try:
        with serve_web(env) as web, run_worker(stack, env, name=f"{stack.run_id}-rabbitmq"):
            token = web.login()
            found = Outage(stack=stack, broker=broker, smtp=smtp_sink)
            found.webhook_event = event(
                "customer.subscription.updated", subscription_obj(CUSTOMER, sub_id="sub_faults_rabbitmq")
            )
            broker.stop()
            try:
                invitation = {"email": found.invitee, "role": "member"}
                found.answers["invitation"] = web.request(
                    "POST", "/api/v1/invitations/", token=token, json_body=invitation
                )
                found.answers["project"] = web.request(
                    "POST", "/api/v1/projects/", token=token, json_body={"name": "While the broker is down"}
                )
                found.answers["export"] = web.request("POST", "/api/v1/exports/", token=token)
                found.answers["signup"] = web.request("POST", "/api/v1/signup/", host=PUBLIC_HOST, json_body={
                    "organisationName": "Offline", "subdomain": f"offline-{uuid.uuid4().hex[:6]}",
                    "email": found.signup_email, "password": "broker-down-password-2026!",
                })  # fmt: skip
                raw = body(found.webhook_event)
                found.answers["webhook"] = requests.post(
                    f"http://127.0.0.1:{web.port}/api/v1/billing/stripe/webhook/",
                    data=raw,
                    headers={"Host": PUBLIC_HOST, "Content-Type": "application/json",
                             "Stripe-Signature": signature(raw)},
                    timeout=15,
                )  # fmt: skip
                found.queued = [name for (name,) in stack.query("SELECT task_name FROM tenants_outboxmessage")]
            finally:
                broker.start()
            yield found
    finally:
        relay.cleanup()


def _outbox_left(stack: Stack) -> int:
    return int(stack.query("SELECT count(*) FROM tenants_outboxmessage")[0][0])


def _emails_to(smtp: SmtpSink, to: str) -> int:
    return sum(1 for message in smtp.messages if to.lower() in str(message["To"]).lower())


def _exactly_once(count: Any, what: str, timeout: float = 45.0) -> None:
    """Waits for the effect, then checks that it stays at one (a duplicate lands right behind)."""
    eventually(lambda: count() >= 1, timeout=timeout, what=what)
    time.sleep(1.0)
    assert count() == 1, f"{what}: {count()} times"


def test_while_down_every_request_was_answered_and_its_task_kept(outage: Outage) -> None:
    statuses = {name: response.status_code for name, response in outage.answers.items()}
    assert statuses == {"invitation": 201, "project": 201, "export": 202, "signup": 201, "webhook": 200}, {
        name: response.text[:300] for name, response in outage.answers.items()
    }
    # Nothing reached the broker; everything waited in the outbox.
    for task in ("accounts.email_send", "projects.activity_record", "stripe_event_process"):
        assert any(task in name for name in outage.queued), dumps(outage.queued)


def test_the_invitation_email_is_sent_once_after_recovery(outage: Outage) -> None:
    _exactly_once(lambda: _emails_to(outage.smtp, outage.invitee), "the invitation email")


def test_the_project_activity_is_written_once_after_recovery(outage: Outage) -> None:
    project_id = outage.answers["project"].json()["id"]

    def rows() -> int:
        found = outage.stack.query("SELECT count(*) FROM projects_projectactivity WHERE project_id = %s",
                                   (project_id,), schema=outage.stack.acme_schema)  # fmt: skip
        return int(found[0][0])

    _exactly_once(rows, "the project's activity row")


def test_the_export_completes_after_recovery(outage: Outage) -> None:
    export_id = outage.answers["export"].json()["id"]

    def status() -> str:
        found = outage.stack.query("SELECT status FROM exports_export WHERE id = %s", (export_id,),
                                   schema=outage.stack.acme_schema)  # fmt: skip
        return str(found[0][0])

    final = eventually(lambda: status() if status() in ("done", "failed") else None, timeout=45, what="the export")
    assert final == "done"

    # Its "ready" email to the owner, once (taken from the run's shared sink, so no later test finds it).
    def is_ready(message: Any) -> bool:
        return "export is ready" in str(message["Subject"])

    outage.smtp.wait_for(to="owner@acme.test", match=is_ready, timeout=30)
    time.sleep(1.0)
    again = [m for m in outage.smtp.messages if "owner@acme.test" in str(m["To"]) and is_ready(m)]
    assert again == [], "the export's email was sent twice"


def test_the_signup_verification_email_is_sent_once_after_recovery(outage: Outage) -> None:
    _exactly_once(lambda: _emails_to(outage.smtp, outage.signup_email), "the verification email")


def test_the_webhook_event_is_applied_once_after_recovery(outage: Outage) -> None:
    event_id = outage.webhook_event["id"]

    def applied() -> int:
        rows = outage.stack.query("SELECT count(*) FROM billing_stripeevent WHERE stripe_event_id = %s "
                                  "AND processed_at IS NOT NULL", (event_id,))  # fmt: skip
        return int(rows[0][0])

    _exactly_once(applied, "the Stripe event")
    outcome = outage.stack.query("SELECT outcome FROM billing_stripeevent WHERE stripe_event_id = %s", (event_id,))
    assert not str(outcome[0][0]).startswith("ignored"), outcome
    subscriptions = outage.stack.query(
        "SELECT s.status FROM billing_subscription s JOIN tenants_tenant t ON t.id = s.tenant_id "
        "WHERE t.schema_name = %s",
        (outage.stack.acme_schema,),
    )
    assert subscriptions == [("active",)], subscriptions


def test_nothing_is_left_in_the_outbox(outage: Outage) -> None:
    eventually(lambda: _outbox_left(outage.stack) == 0, timeout=30, what="the outbox to drain")
