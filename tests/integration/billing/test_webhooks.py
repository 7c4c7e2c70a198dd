"""The Stripe webhook (API.md public host; issue 5 item 3): verified for real by the stripe library over
the raw body, stored once per event id, processed by the task (called directly here), mapped through our
stored customer id only."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.signup import Signup
from shared_apps.billing import tasks
from shared_apps.billing.models import StripeEvent, Subscription
from tests.fakes.stripe_webhooks import body, event, signature
from tests.helpers import error

from .conftest import deliver
from .helpers import customer_of, invoice_obj, pin_pro_price, subscription_obj

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_only")]


def _process_all() -> list[str]:
    return [tasks.stripe_event_process(event_id=pk) for pk in StripeEvent.objects.values_list("pk", flat=True)]


def _subscribed(acme: Signup, status: str = "active") -> str:
    pin_pro_price()
    customer = customer_of(acme.tenant).stripe_customer_id
    assert deliver(event("customer.subscription.created", subscription_obj(customer, status=status))).status_code == 200
    _process_all()
    return customer


# ---- verification ---------------------------------------------------------------------------------------


def test_a_signed_event_is_stored_once_and_queued(acme: Signup, django_capture_on_commit_callbacks) -> None:
    payload = event("customer.subscription.created", subscription_obj("cus_nobody"))
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(payload)
    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    assert len(callbacks) == 1  # the processing task, queued on commit
    row = StripeEvent.objects.get()
    assert row.stripe_event_id == payload["id"] and row.type == payload["type"] and row.processed_at is None


@pytest.mark.parametrize(
    "tamper",
    ["wrong secret", "stale timestamp", "re-serialized body", "no header", "garbage header", "not json"],
)
def test_unverifiable_deliveries_get_400_and_write_nothing(acme: Signup, tamper: str) -> None:
    payload = event("customer.subscription.created", subscription_obj("cus_x"))
    raw = body(payload)
    if tamper == "wrong secret":
        response = deliver(raw, header=signature(raw, secret="whsec_other"))
    elif tamper == "stale timestamp":
        response = deliver(raw, timestamp=int(time.time()) - 301)
    elif tamper == "re-serialized body":
        # Signed as Stripe sent it, then re-serialized (as a framework parsing JSON would): same data, other bytes.
        response = deliver(json.dumps(payload, separators=(",", ":")).encode(), header=signature(raw))
    elif tamper == "no header":
        response = deliver(raw, header="")
    elif tamper == "garbage header":
        response = deliver(raw, header="t=abc,v1=zzz")
    else:
        bad = b"not json at all"
        response = deliver(bad, header=signature(bad))
    assert response.status_code == 400
    assert error(response)["code"] in ("invalid_signature", "invalid_payload")
    assert not StripeEvent.objects.exists()


def test_299_seconds_old_is_accepted(acme: Signup) -> None:
    response = deliver(event("invoice.paid", invoice_obj("cus_x")), timestamp=int(time.time()) - 299)
    assert response.status_code == 200
    assert StripeEvent.objects.count() == 1


def test_a_livemode_event_is_refused_by_a_test_mode_deployment(acme: Signup) -> None:
    response = deliver(event("invoice.paid", invoice_obj("cus_x"), livemode=True))
    assert response.status_code == 400
    assert error(response)["code"] == "livemode_mismatch"
    assert not StripeEvent.objects.exists()


def test_without_a_webhook_secret_the_endpoint_answers_503(acme: Signup, settings) -> None:
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = deliver(event("invoice.paid", invoice_obj("cus_x")))
    assert response.status_code == 503
    assert error(response)["code"] == "billing_not_configured"
    assert not StripeEvent.objects.exists()


# ---- idempotency ----------------------------------------------------------------------------------------


def test_a_duplicate_gets_200_and_no_second_effect(acme: Signup, django_capture_on_commit_callbacks) -> None:
    pin_pro_price()
    customer = customer_of(acme.tenant).stripe_customer_id
    payload = event("invoice.payment_failed", invoice_obj(customer))
    _subscribed_payload = event(
        "customer.subscription.created", subscription_obj(customer), created=payload["created"] - 5
    )
    deliver(_subscribed_payload)
    first = deliver(payload)
    _process_all()
    since = Subscription.objects.get(tenant=acme.tenant).past_due_since
    with django_capture_on_commit_callbacks() as callbacks:
        again = deliver(payload)
    assert first.status_code == again.status_code == 200
    assert again.json() == {"received": True, "duplicate": True}
    assert callbacks == []  # nothing queued for a duplicate
    assert StripeEvent.objects.filter(stripe_event_id=payload["id"]).count() == 1
    row = StripeEvent.objects.get(stripe_event_id=payload["id"])
    assert tasks.stripe_event_process(event_id=row.pk) == "already processed"  # a redelivered task is a no-op
    assert Subscription.objects.get(tenant=acme.tenant).past_due_since == since


def test_a_task_for_an_event_row_that_is_gone_is_a_logged_no_op(acme: Signup, caplog) -> None:
    deliver(event("customer.subscription.created", subscription_obj(customer_of(acme.tenant).stripe_customer_id)))
    row = StripeEvent.objects.get()
    row.delete()
    with caplog.at_level("WARNING", logger="shared_apps.billing"):
        assert tasks.stripe_event_process(event_id=row.pk) == "gone"
    assert f"event row {row.pk} is gone" in caplog.text
    assert not Subscription.objects.filter(tenant=acme.tenant).exclude(plan__code="free").exists()


# ---- mapping and effects --------------------------------------------------------------------------------


def test_an_unknown_customer_is_acknowledged_logged_and_changes_nothing(acme: Signup, caplog) -> None:
    pin_pro_price()
    # Metadata naming acme is not enough: only our stored customer id maps an event to an organisation.
    obj = subscription_obj("cus_stranger", metadata={"tenant_id": str(acme.tenant.id)})
    assert deliver(event("customer.subscription.created", obj)).status_code == 200
    assert _process_all() == ["ignored: unknown customer"]
    assert "unknown customer" in caplog.text
    assert not Subscription.objects.exists()
    assert StripeEvent.objects.get().processed_at is not None


def test_subscription_created_puts_the_organisation_on_the_plan(acme: Signup) -> None:
    _subscribed(acme)
    row = Subscription.objects.get(tenant=acme.tenant)
    assert (row.plan.code, row.status, row.stripe_subscription_id) == ("pro", "active", "sub_1")
    assert row.current_period_end is not None
    assert StripeEvent.objects.get().tenant == acme.tenant


def test_out_of_order_updates_end_in_the_newest_state(acme: Signup) -> None:
    pin_pro_price()
    customer = customer_of(acme.tenant).stripe_customer_id
    now = int(time.time())
    older = event(
        "customer.subscription.updated",
        subscription_obj(customer, status="trialing", trial_end=now + 9),
        created=now - 60,
    )
    newer = event("customer.subscription.updated", subscription_obj(customer, status="active"), created=now - 30)
    deliver(newer)
    deliver(older)  # arrives late
    for pk in StripeEvent.objects.order_by("received_at").values_list("pk", flat=True):
        tasks.stripe_event_process(event_id=pk)
    row = Subscription.objects.get(tenant=acme.tenant)
    assert row.status == "active" and row.trial_ends_at is None
    assert StripeEvent.objects.get(stripe_event_id=older["id"]).outcome.startswith("stale")


def test_a_late_deletion_of_an_old_subscription_does_not_end_the_current_one(acme: Signup) -> None:
    customer = _subscribed(acme)
    later = int(time.time()) + 5
    deliver(
        event(
            "customer.subscription.deleted",
            subscription_obj(customer, status="canceled", sub_id="sub_old"),
            created=later,
        )
    )
    _process_all()
    assert Subscription.objects.get(tenant=acme.tenant).status == "active"


def test_payment_failed_then_paid(acme: Signup) -> None:
    customer = _subscribed(acme)
    deliver(event("invoice.payment_failed", invoice_obj(customer), created=int(time.time()) + 1))
    _process_all()
    row = Subscription.objects.get(tenant=acme.tenant)
    assert row.status == "past_due" and row.past_due_since is not None
    deliver(event("invoice.paid", invoice_obj(customer), created=int(time.time()) + 2))
    _process_all()
    row.refresh_from_db()
    assert row.status == "active" and row.past_due_since is None


def test_canceled_falls_back_to_the_free_plan_and_keeps_the_row(acme: Signup) -> None:
    from shared_apps.billing.selectors import effective_plan

    customer = _subscribed(acme)
    assert effective_plan(tenant=acme.tenant).code == "pro"
    deliver(
        event(
            "customer.subscription.deleted", subscription_obj(customer, status="canceled"), created=int(time.time()) + 1
        )
    )
    _process_all()
    assert Subscription.objects.get(tenant=acme.tenant).status == "canceled"
    assert effective_plan(tenant=acme.tenant).code == "free"


def test_unhandled_event_types_are_acknowledged(acme: Signup) -> None:
    assert deliver(event("charge.refunded", {"id": "ch_1", "object": "charge", "customer": "cus_x"})).status_code == 200
    assert _process_all() == ["ignored: event type not handled"]


def test_past_due_since_is_kept_across_repeated_failures(acme: Signup) -> None:
    customer = _subscribed(acme)
    first = timezone.now()
    deliver(event("invoice.payment_failed", invoice_obj(customer), created=int(first.timestamp()) + 1))
    _process_all()
    since = Subscription.objects.get(tenant=acme.tenant).past_due_since
    deliver(
        event("invoice.payment_failed", invoice_obj(customer), created=int((first + timedelta(days=3)).timestamp()))
    )
    _process_all()
    assert Subscription.objects.get(tenant=acme.tenant).past_due_since == since
