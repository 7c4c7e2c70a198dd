"""With an API key, events re-fetch the subscription from Stripe (localstripe here), so out-of-order
delivery ends in Stripe's current state; reconciliation re-syncs missed webhooks."""

from __future__ import annotations

import time
from io import StringIO

import pytest
import requests
from django.core.management import call_command

from shared_apps.accounts.signup import Signup
from shared_apps.billing import tasks
from shared_apps.billing.models import StripeEvent, Subscription
from tests.fakes.stripe_server import FakeStripe
from tests.fakes.stripe_webhooks import event

from .conftest import SECRET_KEY, deliver, localstripe_subscription, ls_post

pytestmark = pytest.mark.django_db


def _process() -> list[str]:
    pks = StripeEvent.objects.filter(processed_at=None).order_by("received_at").values_list("pk", flat=True)
    return [tasks.stripe_event_process(event_id=pk) for pk in pks]


@pytest.mark.usefixtures("localstripe_pro_plan")
def test_out_of_order_events_end_in_stripes_current_state(
    acme: Signup, stripe_on: FakeStripe, localstripe: str
) -> None:
    _, sub = localstripe_subscription(acme, localstripe)
    created = dict(sub)
    canceled = ls_post(localstripe, f"/v1/subscriptions/{sub['id']}", {"cancel_at_period_end": "true"})
    now = int(time.time())
    # Stripe sent "created" then "updated"; they arrive the other way round, each with its stale payload.
    deliver(event("customer.subscription.updated", canceled, created=now))
    deliver(event("customer.subscription.created", created, created=now - 1))
    assert all(outcome.startswith("applied") for outcome in _process())
    row = Subscription.objects.get(tenant=acme.tenant)
    assert (row.plan.code, row.status, row.cancel_at_period_end) == ("pro", "active", True)
    assert row.current_period_end is not None
    assert len(stripe_on.calls("GET", f"/v1/subscriptions/{sub['id']}")) == 2  # each event re-fetched


@pytest.mark.usefixtures("localstripe_pro_plan")
def test_checkout_completed_fetches_the_new_subscription(acme: Signup, stripe_on: FakeStripe, localstripe: str) -> None:
    customer, sub = localstripe_subscription(acme, localstripe)
    session = {"id": "cs_test_1", "object": "checkout.session", "customer": customer, "subscription": sub["id"]}
    deliver(event("checkout.session.completed", session))
    assert _process() == ["applied: pro active"]
    assert Subscription.objects.get(tenant=acme.tenant).stripe_subscription_id == sub["id"]


@pytest.mark.usefixtures("localstripe_pro_plan")
def test_reconcile_resyncs_missed_webhooks(acme: Signup, stripe_on: FakeStripe, localstripe: str) -> None:
    _, sub = localstripe_subscription(acme, localstripe)
    out = StringIO()
    call_command("billing_reconcile", stdout=out)
    assert "customers=1 updated=1 errors=0" in out.getvalue()
    row = Subscription.objects.get(tenant=acme.tenant)
    assert (row.plan.code, row.status, row.stripe_subscription_id) == ("pro", "active", sub["id"])

    requests_before = len(stripe_on.requests)
    deleted = requests.delete(f"{localstripe}/v1/subscriptions/{sub['id']}", auth=(SECRET_KEY, ""), timeout=10)
    assert deleted.status_code == 200
    tasks.billing_reconcile()  # the periodic task runs the same service
    assert Subscription.objects.get(tenant=acme.tenant).status == "canceled"
    # One list per reconcile: the command's, then the task's.
    assert len(stripe_on.calls("GET", "/v1/subscriptions")) == 2 and len(stripe_on.requests) > requests_before
