"""With an API key, events re-fetch the subscription from Stripe (localstripe here), so out-of-order
delivery ends in Stripe's current state; reconciliation re-syncs missed webhooks."""

from __future__ import annotations

import time
from io import StringIO

import pytest
import requests
from django.core.management import call_command

from shared_apps.billing import tasks
from shared_apps.billing.models import StripeEvent, Subscription
from shared_apps.billing.services import customer_ensure
from tenants.services import Signup
from tests.fakes.stripe_server import FakeStripe
from tests.fakes.stripe_webhooks import event

from .conftest import SECRET_KEY, deliver, ls_post
from .helpers import PRO_PRICE, pin_pro_price

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def _localstripe_pro_plan(localstripe: str) -> str:
    ls_post(localstripe, "/v1/products", {"id": "prod_pro", "name": "Pro", "type": "service"})
    ls_post(
        localstripe,
        "/v1/plans",
        {"id": PRO_PRICE, "amount": 2900, "currency": "usd", "interval": "month", "product": "prod_pro"},
    )
    return PRO_PRICE


def _active_subscription(acme: Signup, localstripe: str) -> tuple[str, dict]:
    """A paying customer, made in localstripe directly (as Checkout would in Stripe)."""
    pin_pro_price()
    customer = customer_ensure(tenant=acme.tenant, email="owner@acme.test").stripe_customer_id
    card = {
        "type": "card",
        "card[number]": "4242424242424242",
        "card[exp_month]": "12",
        "card[exp_year]": "2040",
        "card[cvc]": "123",
    }
    method = ls_post(localstripe, "/v1/payment_methods", card)["id"]
    ls_post(localstripe, f"/v1/payment_methods/{method}/attach", {"customer": customer})
    ls_post(localstripe, f"/v1/customers/{customer}", {"invoice_settings[default_payment_method]": method})
    sub = ls_post(localstripe, "/v1/subscriptions", {"customer": customer, "items[0][plan]": PRO_PRICE})
    assert sub["status"] == "active"
    return customer, sub


def _process() -> list[str]:
    pks = StripeEvent.objects.filter(processed_at=None).order_by("received_at").values_list("pk", flat=True)
    return [tasks.stripe_event_process(event_id=pk) for pk in pks]


@pytest.mark.usefixtures("_localstripe_pro_plan")
def test_out_of_order_events_end_in_stripes_current_state(
    acme: Signup, stripe_on: FakeStripe, localstripe: str
) -> None:
    _, sub = _active_subscription(acme, localstripe)
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


@pytest.mark.usefixtures("_localstripe_pro_plan")
def test_checkout_completed_fetches_the_new_subscription(acme: Signup, stripe_on: FakeStripe, localstripe: str) -> None:
    customer, sub = _active_subscription(acme, localstripe)
    session = {"id": "cs_test_1", "object": "checkout.session", "customer": customer, "subscription": sub["id"]}
    deliver(event("checkout.session.completed", session))
    assert _process() == ["applied: pro active"]
    assert Subscription.objects.get(tenant=acme.tenant).stripe_subscription_id == sub["id"]


@pytest.mark.usefixtures("_localstripe_pro_plan")
def test_reconcile_resyncs_missed_webhooks(acme: Signup, stripe_on: FakeStripe, localstripe: str) -> None:
    _, sub = _active_subscription(acme, localstripe)
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
    assert len(stripe_on.calls("GET", "/v1/subscriptions")) >= 1 and len(stripe_on.requests) > requests_before
