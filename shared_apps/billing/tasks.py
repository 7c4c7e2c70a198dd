"""Thin tasks: load by id, call the service of the same name. Billing rows live in the public schema,
so these run there and carry no tenant."""

from __future__ import annotations

import stripe
from celery import shared_task

from . import services


@shared_task(
    name="shared_apps.billing.tasks.stripe_event_process",
    autoretry_for=(stripe.APIConnectionError, stripe.RateLimitError),
    retry_backoff=5,
    max_retries=8,
    ignore_result=True,
)
def stripe_event_process(*, event_id: int) -> str:
    return services.stripe_event_process(event_id=event_id)


@shared_task(name="shared_apps.billing.tasks.billing_reconcile", ignore_result=True)
def billing_reconcile() -> dict[str, int]:
    return services.billing_reconcile()


@shared_task(name="shared_apps.billing.tasks.stripe_events_requeue", ignore_result=True)
def stripe_events_requeue() -> int:
    return services.stripe_events_requeue()
