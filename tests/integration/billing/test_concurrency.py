"""The same event delivered 10 times at once (real commits, threads): one row, one task, one effect,
processed by the real Celery worker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from shared_apps.accounts.signup import Signup
from shared_apps.billing.models import Customer, StripeEvent, Subscription
from tests.fakes.stripe_webhooks import event

from .conftest import deliver
from .helpers import subscription_obj


@pytest.fixture
def acme_customer(live_db: None, acme: Signup) -> Iterator[str]:
    customer = Customer.objects.create(tenant=acme.tenant, stripe_customer_id="cus_concurrent")
    try:
        yield customer.stripe_customer_id
    finally:
        StripeEvent.objects.filter(tenant=acme.tenant).delete()
        StripeEvent.objects.filter(payload__data__object__customer=customer.stripe_customer_id).delete()
        Subscription.objects.filter(tenant=acme.tenant).delete()
        customer.delete()


@pytest.mark.usefixtures("webhook_only")
def test_ten_concurrent_deliveries_have_one_effect(acme: Signup, acme_customer: str, celery_worker) -> None:
    # Mapped to the pro plan by the price's lookup key (no plan row is changed for this committed test).
    obj = subscription_obj(acme_customer, price="price_concurrent")
    obj["items"]["data"][0]["price"]["lookup_key"] = "saas_pro_monthly"
    payload = event("customer.subscription.created", obj)

    def one(_: int) -> tuple[int, bool]:
        try:
            response = deliver(payload)
            return response.status_code, response.json()["duplicate"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(one, range(10)))

    assert [status for status, _ in results] == [200] * 10
    assert sorted(duplicate for _, duplicate in results) == [False] + [True] * 9
    assert StripeEvent.objects.filter(stripe_event_id=payload["id"]).count() == 1

    deadline = time.monotonic() + 30
    while StripeEvent.objects.get(stripe_event_id=payload["id"]).processed_at is None:
        assert time.monotonic() < deadline, celery_worker.output()[-3000:]
        time.sleep(0.2)
    row = StripeEvent.objects.get(stripe_event_id=payload["id"])
    assert row.outcome == "applied: pro active" and row.tenant_id == acme.tenant.id
    subscription = Subscription.objects.get(tenant=acme.tenant)
    assert (subscription.plan.code, subscription.status) == ("pro", "active")
    assert celery_worker.output().count(payload["id"]) == 1  # the worker ran it once
