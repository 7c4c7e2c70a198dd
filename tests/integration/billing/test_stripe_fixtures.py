"""Webhooks carrying Stripe's own published objects (issue 11 item 1), on the current API version and on a
2024-era one (tests/fakes/stripe_fixtures.py). The objects hold decimal strings (`unit_amount_decimal`,
`fx_rate`) that stripe-python turns into Decimal: the event must be stored as sent and applied from there."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from shared_apps.accounts.signup import Signup
from shared_apps.billing import tasks
from shared_apps.billing.models import Plan, StripeEvent, Subscription
from shared_apps.billing.selectors import effective_plan
from tests.fakes.stripe_fixtures import (
    API_2024,
    API_VERSIONS,
    CURRENT_API,
    FIXTURE_PRICE,
    FIXTURE_SUBSCRIPTION,
    checkout_session,
    event,
    invoice,
    subscription,
)
from tests.fakes.stripe_server import FakeStripe
from tests.fakes.stripe_webhooks import body, signature
from tests.helpers import error

from .conftest import deliver, localstripe_subscription
from .helpers import customer_of

pytestmark = pytest.mark.django_db

# The published subscription's item period ends here (976287773); status active, cancel_at_period_end
# true, a trial that ended in 2009.
FIXTURE_PERIOD_END = datetime(2000, 12, 8, 15, 2, 53, tzinfo=UTC)
by_api = pytest.mark.parametrize("api", API_VERSIONS, ids=["current", "2024"])


@pytest.fixture
def pro_on_fixture_price() -> Plan:
    plan = Plan.objects.get(code="pro")
    plan.stripe_price_id = FIXTURE_PRICE
    plan.save()
    return plan


@pytest.fixture
def customer(acme: Signup) -> str:
    return customer_of(acme.tenant).stripe_customer_id


def _process_all() -> list[str]:
    pks = StripeEvent.objects.filter(processed_at=None).order_by("received_at").values_list("pk", flat=True)
    return [tasks.stripe_event_process(event_id=pk) for pk in pks]


def _at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _subscribed(customer: str, api: str, created: int) -> None:
    payload = event("customer.subscription.created", subscription(customer=customer, api=api), api=api, created=created)
    assert deliver(payload).status_code == 200
    assert _process_all() == ["applied: pro active"]


def test_the_2024_variants_carry_the_fields_where_that_version_kept_them() -> None:
    """The tests below only prove both shapes work if the two shapes really differ where basil moved fields."""
    current, old = (subscription(customer="cus_1", api=api) for api in (CURRENT_API, API_2024))
    assert "current_period_end" not in current and current["items"]["data"][0]["current_period_end"] == 976287773
    assert old["current_period_end"] == 976287773 and "current_period_end" not in old["items"]["data"][0]
    paid_now, paid_2024 = (invoice(customer="cus_1", subscription="sub_9", api=api, paid=True) for api in API_VERSIONS)
    assert paid_now["subscription"] is None and paid_now["parent"]["subscription_details"]["subscription"] == "sub_9"
    assert paid_2024["subscription"] == "sub_9" and "parent" not in paid_2024
    assert current["items"]["data"][0]["price"]["unit_amount_decimal"] == "2000"


# ---- applied from the payload (no API key) -------------------------------------------------------------


@by_api
@pytest.mark.parametrize("event_type", ["customer.subscription.created", "customer.subscription.updated"])
@pytest.mark.usefixtures("webhook_only", "pro_on_fixture_price")
def test_a_fixture_subscription_event_is_stored_as_sent_and_sets_plan_status_and_period(
    acme: Signup, customer: str, api: str, event_type: str
) -> None:
    previous = {"cancel_at_period_end": False} if event_type.endswith("updated") else None
    payload = event(event_type, subscription(customer=customer, api=api), api=api, previous_attributes=previous)
    response = deliver(payload)
    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    stored = StripeEvent.objects.get()
    assert stored.payload == payload
    assert stored.payload["data"]["object"]["items"]["data"][0]["price"]["unit_amount_decimal"] == "2000"
    assert _process_all() == ["applied: pro active"]
    row = Subscription.objects.get(tenant=acme.tenant)
    assert (row.plan.code, row.status, row.stripe_subscription_id) == ("pro", "active", FIXTURE_SUBSCRIPTION)
    assert (row.current_period_end, row.cancel_at_period_end) == (FIXTURE_PERIOD_END, True)
    assert (row.trial_ends_at, row.trial_used, row.past_due_since) == (None, True, None)
    assert row.stripe_event_created == _at(payload["created"])
    assert effective_plan(tenant=acme.tenant).code == "pro"


@by_api
@pytest.mark.usefixtures("webhook_only", "pro_on_fixture_price")
def test_a_fixture_subscription_deletion_puts_the_organisation_back_on_free(
    acme: Signup, customer: str, api: str
) -> None:
    now = int(time.time())
    _subscribed(customer, api, created=now - 10)
    ended = subscription(customer=customer, api=api, status="canceled")
    assert deliver(event("customer.subscription.deleted", ended, api=api, created=now)).status_code == 200
    assert _process_all() == ["applied: pro canceled"]
    row = Subscription.objects.get(tenant=acme.tenant)
    assert (row.status, row.stripe_subscription_id, row.current_period_end) == (
        "canceled",
        FIXTURE_SUBSCRIPTION,
        FIXTURE_PERIOD_END,
    )
    assert effective_plan(tenant=acme.tenant).code == "free"


@by_api
@pytest.mark.usefixtures("webhook_only", "pro_on_fixture_price")
def test_fixture_invoices_move_the_subscription_to_past_due_and_back(acme: Signup, customer: str, api: str) -> None:
    now = int(time.time())
    _subscribed(customer, api, created=now - 10)
    failed = event(
        "invoice.payment_failed",
        invoice(customer=customer, subscription=FIXTURE_SUBSCRIPTION, api=api, paid=False),
        api=api,
        created=now - 5,
    )
    assert deliver(failed).status_code == 200
    assert StripeEvent.objects.get(stripe_event_id=failed["id"]).payload == failed
    assert _process_all() == ["applied: past_due"]
    row = Subscription.objects.get(tenant=acme.tenant)
    assert (row.status, row.past_due_since, row.plan.code) == ("past_due", _at(now - 5), "pro")

    paid = event(
        "invoice.paid",
        invoice(customer=customer, subscription=FIXTURE_SUBSCRIPTION, api=api, paid=True),
        api=api,
        created=now,
    )
    assert deliver(paid).status_code == 200
    assert _process_all() == ["applied: active"]
    row.refresh_from_db()
    assert (row.status, row.past_due_since, row.stripe_event_created) == ("active", None, _at(now))


@by_api
@pytest.mark.parametrize(
    ("invoiced", "outcome"),
    [
        ("sub_1OtherSubscription", "ignored: not the organisation's current subscription"),
        (None, "ignored: not a subscription invoice"),
    ],
    ids=["another subscription", "one-off invoice"],
)
@pytest.mark.usefixtures("webhook_only", "pro_on_fixture_price")
def test_a_failed_fixture_invoice_of_something_else_changes_nothing(
    acme: Signup, customer: str, api: str, invoiced: str | None, outcome: str
) -> None:
    now = int(time.time())
    _subscribed(customer, api, created=now - 10)
    obj = invoice(customer=customer, subscription=invoiced, api=api, paid=False)
    assert deliver(event("invoice.payment_failed", obj, api=api, created=now)).status_code == 200
    assert _process_all() == [outcome]
    row = Subscription.objects.get(tenant=acme.tenant)
    assert (row.status, row.past_due_since, row.stripe_event_created) == ("active", None, _at(now - 10))


@pytest.mark.usefixtures("webhook_only")
def test_a_fixture_checkout_session_is_stored_and_without_a_key_not_fetched(acme: Signup, customer: str) -> None:
    payload = event(
        "checkout.session.completed", checkout_session(customer=customer, subscription="sub_1"), api=CURRENT_API
    )
    assert deliver(payload).status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.payload == payload
    assert stored.payload["data"]["object"]["currency_conversion"]["fx_rate"] == "291452898"
    assert _process_all() == ["ignored: no subscription to fetch"]
    assert not Subscription.objects.filter(tenant=acme.tenant).exists()


# ---- refused ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("webhook_only", "pro_on_fixture_price")
def test_a_fixture_event_with_a_bad_signature_gets_400_and_nothing_is_stored(acme: Signup, customer: str) -> None:
    raw = body(
        event("customer.subscription.updated", subscription(customer=customer, api=CURRENT_API), api=CURRENT_API)
    )
    response = deliver(raw, header=signature(raw, secret="whsec_someone_else"))
    assert response.status_code == 400
    assert error(response)["code"] == "invalid_signature"
    assert not StripeEvent.objects.exists()
    assert not Subscription.objects.filter(tenant=acme.tenant).exists()


def _without_object(payload: dict[str, Any]) -> dict[str, Any]:
    return payload | {"data": {}}


@pytest.mark.parametrize(
    "raw",
    [
        b"[]",
        b'"evt_1"',
        b'{"id": "evt_1", "object": "event"}',
        body(_without_object(event("invoice.paid", {}, api=CURRENT_API))),
        body(event("invoice.paid", {"object": "invoice"}, api=CURRENT_API) | {"id": 42}),
        b"[" * 50_000,
        b"\xff\xfe{}",
    ],
    ids=["a list", "a string", "no type or data", "no data.object", "a numeric id", "too deep", "not utf-8"],
)
@pytest.mark.usefixtures("webhook_only")
def test_a_signed_body_that_is_not_an_event_gets_400_and_nothing_is_stored(acme: Signup, raw: bytes) -> None:
    response = deliver(raw, header=signature(raw))
    assert response.status_code == 400
    assert error(response)["code"] == "invalid_payload"
    assert not StripeEvent.objects.exists()


# ---- with an API key: the subscription is re-fetched (localstripe) -------------------------------------


def _fixture_event_for(event_type: str, customer: str, sub_id: str, api: str) -> dict[str, Any]:
    if event_type.startswith("customer.subscription."):
        obj = subscription(customer=customer, api=api, stripe_id=sub_id)
    elif event_type == "checkout.session.completed":
        obj = checkout_session(customer=customer, subscription=sub_id)
    else:
        obj = invoice(customer=customer, subscription=sub_id, api=api, paid=event_type == "invoice.paid")
    return event(event_type, obj, api=api)


@by_api
@pytest.mark.parametrize(
    "event_type",
    ["customer.subscription.updated", "invoice.paid", "invoice.payment_failed", "checkout.session.completed"],
)
@pytest.mark.usefixtures("localstripe_pro_plan")
def test_with_an_api_key_a_fixture_event_refetches_the_subscription_it_names(
    acme: Signup, stripe_on: FakeStripe, localstripe: str, api: str, event_type: str
) -> None:
    customer, sub = localstripe_subscription(acme, localstripe)
    payload = _fixture_event_for(event_type, customer, sub["id"], api)
    assert deliver(payload).status_code == 200
    assert StripeEvent.objects.get().payload == payload
    assert _process_all() == ["applied: pro active"]
    assert len(stripe_on.calls("GET", f"/v1/subscriptions/{sub['id']}")) == 1
    row = Subscription.objects.get(tenant=acme.tenant)
    assert (row.plan.code, row.status, row.stripe_subscription_id) == ("pro", "active", sub["id"])
    assert row.current_period_end == _at(sub["current_period_end"])
