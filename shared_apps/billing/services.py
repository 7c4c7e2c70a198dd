"""Billing writes: Stripe customers and sessions, subscription state from Stripe, event processing.

Every create call to Stripe carries an idempotency key, so a retry (ours or the library's) never
creates a second object. Tenant-owned rows change under a row lock on the tenant, so two events for
one organisation apply one after the other.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Tenant
from tenants.outbox import outbox_enqueue
from tenants.selectors import tenant_primary_domain, tenant_url

from .models import Customer, Plan, StripeEvent, Subscription
from .selectors import customer_for, subscription_for
from .stripe_client import billing_enabled, expected_livemode, stripe_client

logger = logging.getLogger(__name__)

LIVE_STATUSES = frozenset(
    {Subscription.Status.TRIALING, Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE, Subscription.Status.UNPAID}
)
ENDED_STATUSES = frozenset({Subscription.Status.CANCELED, Subscription.Status.INCOMPLETE_EXPIRED})
HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.paid",
        "invoice.payment_failed",
    }
)


def _lock_tenant(tenant: Tenant) -> None:
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _id_of(value: Any) -> str:
    """A Stripe reference is an id or, when expanded, an object with one."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _billing_url(tenant: Tenant, query: str) -> str:
    return f"{tenant_url(host=tenant_primary_domain(tenant=tenant))}billing?{query}"


# ---- customers and sessions -----------------------------------------------------------------------------


def customer_ensure(*, tenant: Tenant, email: str) -> Customer:
    """The organisation's Stripe customer, created on first need (one per organisation)."""
    existing = customer_for(tenant=tenant)
    if existing is not None:
        return existing
    with transaction.atomic():
        _lock_tenant(tenant)  # two first checkouts at once: the second waits and finds the first's row
        existing = customer_for(tenant=tenant)
        if existing is not None:
            return existing
        params: dict[str, Any] = {"name": tenant.name, "email": email, "metadata": {"tenant_id": str(tenant.id)}}
        # Same organisation and details -> same key: if our insert below fails after Stripe created the
        # customer, the retry gets that customer back instead of a second one.
        digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
        created = stripe_client().v1.customers.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": f"customer-create-{tenant.id}-{digest}"},
        )
        return Customer.objects.create(tenant=tenant, stripe_customer_id=created.id)


def _price_id(plan: Plan) -> str:
    """The plan's Stripe price: pinned, or found by lookup key (and remembered)."""
    if plan.stripe_price_id:
        return plan.stripe_price_id
    prices = stripe_client().v1.prices.list(
        params={"lookup_keys": [plan.stripe_lookup_key], "active": True, "limit": 1}
    )
    if not prices.data:
        raise ValidationError(
            {
                "plan": ValidationError(
                    _("No active Stripe price has the lookup key %(key)s.") % {"key": plan.stripe_lookup_key},
                    code="plan_not_available",
                )
            }
        )
    Plan.objects.filter(pk=plan.pk).update(stripe_price_id=prices.data[0].id)
    return str(prices.data[0].id)


def checkout_session_create(*, tenant: Tenant, plan_code: str, email: str) -> str:
    """A Stripe Checkout URL to subscribe the organisation to `plan_code` (with the plan's trial, once)."""
    plan = Plan.objects.filter(code=plan_code, is_public=True).first()
    if plan is None:
        raise ValidationError({"plan": ValidationError(_("No such plan."), code="invalid_plan")})
    if not plan.is_paid:
        raise ValidationError(
            {"plan": ValidationError(_("This plan is free: nothing to buy."), code="plan_not_purchasable")}
        )
    subscription = subscription_for(tenant=tenant)
    if subscription is not None and subscription.status in LIVE_STATUSES and subscription.stripe_subscription_id:
        raise ValidationError(
            _("The organisation already has a subscription: change it in the billing portal."),
            code="already_subscribed",
        )
    customer = customer_ensure(tenant=tenant, email=email)
    subscription_data: dict[str, Any] = {"metadata": {"tenant_id": str(tenant.id), "plan": plan.code}}
    if plan.trial_days and not (subscription is not None and subscription.trial_used):
        subscription_data["trial_period_days"] = plan.trial_days
    params: Any = {
        "mode": "subscription",
        "customer": customer.stripe_customer_id,
        "client_reference_id": str(tenant.id),
        "line_items": [{"price": _price_id(plan), "quantity": 1}],
        "subscription_data": subscription_data,
        "success_url": _billing_url(tenant, "checkout=success"),
        "cancel_url": _billing_url(tenant, "checkout=canceled"),
    }
    session = stripe_client().v1.checkout.sessions.create(
        params=params,
        options={"idempotency_key": f"checkout-{tenant.id}-{uuid.uuid4().hex}"},
    )
    return str(session.url)


def portal_session_create(*, tenant: Tenant, email: str) -> str:
    """A Stripe customer portal URL (payment methods, invoices, plan changes, cancellation)."""
    customer = customer_ensure(tenant=tenant, email=email)
    session = stripe_client().v1.billing_portal.sessions.create(
        params={"customer": customer.stripe_customer_id, "return_url": _billing_url(tenant, "portal=done")},
        options={"idempotency_key": f"portal-{tenant.id}-{uuid.uuid4().hex}"},
    )
    return str(session.url)


# ---- subscription state ---------------------------------------------------------------------------------


def _first_item(data: dict[str, Any]) -> dict[str, Any]:
    items = (data.get("items") or {}).get("data") or []
    return items[0] if items else {}


def plan_for_stripe_subscription(data: dict[str, Any]) -> Plan | None:
    item = _first_item(data)
    price = item.get("price") or {}
    # Legacy plans and prices share ids, so a subscription item's `plan.id` is its price id too.
    price_id = _id_of(price) or _id_of(item.get("plan"))
    plan = Plan.objects.filter(stripe_price_id=price_id).first() if price_id else None
    if plan is None and isinstance(price, dict) and price.get("lookup_key"):
        plan = Plan.objects.filter(stripe_lookup_key=price["lookup_key"]).first()
    return plan


def subscription_apply(
    *, tenant: Tenant, data: dict[str, Any], seen_at: datetime, authoritative: bool, since: datetime | None = None
) -> str:
    """Store Stripe's subscription `data` for the organisation; returns what happened.

    `seen_at` is when Stripe's state was observed: an event's `created`, or now for a fresh fetch
    (`authoritative`), which always wins. An observation older than the one stored is not applied, so
    events delivered out of order end in the newest state.
    """
    with transaction.atomic():
        _lock_tenant(tenant)
        row = Subscription.objects.filter(tenant=tenant).first()
        stripe_id = _id_of(data.get("id"))
        status = str(data.get("status") or "")
        if row is not None and not authoritative and row.stripe_event_created and seen_at < row.stripe_event_created:
            return "stale: a newer state is stored"
        if (
            row is not None
            and row.stripe_subscription_id
            and row.stripe_subscription_id != stripe_id
            and status in ENDED_STATUSES
            and row.status in LIVE_STATUSES
        ):
            return "ignored: an older subscription ended, the current one goes on"
        plan = plan_for_stripe_subscription(data)
        if plan is None:
            logger.error("billing: subscription %s has a price no plan knows; not applied", stripe_id)
            return "ignored: unknown price"
        in_arrears = status in (Subscription.Status.PAST_DUE, Subscription.Status.UNPAID)
        item = _first_item(data)
        values = {
            "plan": plan,
            "status": status,
            "stripe_subscription_id": stripe_id,
            # API versions from 2025 keep the period on the item; older ones on the subscription.
            "current_period_end": _timestamp(data.get("current_period_end") or item.get("current_period_end")),
            "trial_ends_at": _timestamp(data.get("trial_end")) if status == Subscription.Status.TRIALING else None,
            "cancel_at_period_end": bool(data.get("cancel_at_period_end")),
            "past_due_since": ((row.past_due_since if row else None) or since or seen_at) if in_arrears else None,
            "trial_used": bool((row.trial_used if row else False) or data.get("trial_end")),
            "stripe_event_created": max(seen_at, row.stripe_event_created)
            if row and row.stripe_event_created
            else seen_at,
        }
        Subscription.objects.update_or_create(tenant=tenant, defaults=values)
        return f"applied: {plan.code} {status}"


def _invoice_subscription_id(invoice: dict[str, Any]) -> str:
    parent = ((invoice.get("parent") or {}).get("subscription_details") or {}).get("subscription")
    return _id_of(parent or invoice.get("subscription"))


def invoice_apply(*, tenant: Tenant, invoice: dict[str, Any], paid: bool, seen_at: datetime) -> str:
    """An invoice outcome without asking Stripe (billing keys absent in this process): paid -> active,
    failed -> past due (the grace period starts at the first failure)."""
    with transaction.atomic():
        _lock_tenant(tenant)
        row = Subscription.objects.filter(tenant=tenant).first()
        subscription_id = _invoice_subscription_id(invoice)
        if not subscription_id:
            # A one-off invoice (Stripe's `billing_reason: manual`) says nothing about the subscription.
            return "ignored: not a subscription invoice"
        if row is None or row.stripe_subscription_id != subscription_id:
            return "ignored: not the organisation's current subscription"
        if row.stripe_event_created and seen_at < row.stripe_event_created:
            return "stale: a newer state is stored"
        if paid and row.status in (Subscription.Status.PAST_DUE, Subscription.Status.UNPAID):
            row.status, row.past_due_since = Subscription.Status.ACTIVE, None
        elif not paid and row.status in LIVE_STATUSES:
            if row.status != Subscription.Status.UNPAID:
                row.status = Subscription.Status.PAST_DUE
            row.past_due_since = row.past_due_since or seen_at
        row.stripe_event_created = seen_at
        row.save()
        return f"applied: {row.status}"


def _fetch_subscription(subscription_id: str) -> dict[str, Any]:
    return stripe_client().v1.subscriptions.retrieve(subscription_id).to_dict(recursive=True)


def subscription_refresh(*, tenant: Tenant, subscription_id: str, since: datetime | None = None) -> str:
    """Fetch the subscription from Stripe (the source of truth) and store it."""
    data = _fetch_subscription(subscription_id)
    if _id_of(data.get("customer")) != getattr(customer_for(tenant=tenant), "stripe_customer_id", None):
        return "ignored: the subscription belongs to another customer"
    return subscription_apply(tenant=tenant, data=data, seen_at=timezone.now(), authoritative=True, since=since)


# ---- events ---------------------------------------------------------------------------------------------


class EventRefusedError(Exception):
    """The event is not for this deployment (livemode mismatch)."""


class EventMalformedError(ValueError):
    """A correctly signed body that is not a Stripe event (no id, type, created or data.object)."""


def _check_envelope(event: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise EventMalformedError
    data = event.get("data")
    if not (
        isinstance(event.get("id"), str)
        and event["id"]
        and isinstance(event.get("type"), str)
        and isinstance(event.get("created"), int)
        and isinstance(data, dict)
        and isinstance(data.get("object"), dict)
    ):
        raise EventMalformedError
    return event


def stripe_event_record(*, event: Any) -> tuple[StripeEvent, bool]:
    """Store a verified event once, as Stripe sent it (its JSON, untouched: whatever the API version's
    shape, processing reads it later). Returns (row, created); a duplicate (even concurrent) is not
    created again, and only a created row queues processing, after commit."""
    from .tasks import stripe_event_process

    event = _check_envelope(event)
    if bool(event.get("livemode")) != expected_livemode():
        raise EventRefusedError
    with transaction.atomic():
        row, created = StripeEvent.objects.get_or_create(
            stripe_event_id=str(event["id"]),
            defaults={
                "type": str(event.get("type") or ""),
                "livemode": bool(event.get("livemode")),
                "created": _timestamp(event.get("created")) or timezone.now(),
                "payload": event,
            },
        )
        # Queued with the row (the outbox); and again when Stripe retries an event we stored but have not
        # applied yet (its task was lost or failed): processing is idempotent under the row lock.
        if created or row.processed_at is None:
            outbox_enqueue(stripe_event_process.name, kwargs={"event_id": row.pk})
    return row, created


def _customer_id_of(event_type: str, obj: dict[str, Any]) -> str:
    if event_type.startswith("customer.") and obj.get("object") == "customer":
        return _id_of(obj.get("id"))
    return _id_of(obj.get("customer"))


def _dispatch(event: StripeEvent) -> tuple[str, Tenant | None]:
    if event.type not in HANDLED_EVENTS:
        return "ignored: event type not handled", None
    obj: dict[str, Any] = ((event.payload or {}).get("data") or {}).get("object") or {}
    customer = (
        Customer.objects.select_related("tenant").filter(stripe_customer_id=_customer_id_of(event.type, obj)).first()
    )
    if customer is None:
        # Never mapped through metadata: a customer we did not create is not ours to act on.
        logger.warning("billing: event %s (%s) for an unknown customer; ignored", event.stripe_event_id, event.type)
        return "ignored: unknown customer", None
    tenant = customer.tenant
    can_fetch = billing_enabled()
    if event.type == "checkout.session.completed":
        subscription_id = _id_of(obj.get("subscription"))
        if not subscription_id or not can_fetch:
            return "ignored: no subscription to fetch", tenant
        return subscription_refresh(tenant=tenant, subscription_id=subscription_id, since=event.created), tenant
    if event.type.startswith("customer.subscription."):
        if can_fetch:
            return subscription_refresh(
                tenant=tenant, subscription_id=_id_of(obj.get("id")), since=event.created
            ), tenant
        return subscription_apply(tenant=tenant, data=obj, seen_at=event.created, authoritative=False), tenant
    subscription_id = _invoice_subscription_id(obj)
    if can_fetch and subscription_id:
        return subscription_refresh(tenant=tenant, subscription_id=subscription_id, since=event.created), tenant
    return invoice_apply(tenant=tenant, invoice=obj, paid=event.type == "invoice.paid", seen_at=event.created), tenant


def stripe_event_process(*, event_id: int) -> str:
    """Apply one stored event, once: the row lock makes a second run (a redelivered task) a no-op."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            # Rows are only ever deleted with their data (pruning, a test's cleanup): a retry cannot succeed.
            logger.warning("billing: event row %s is gone; nothing to apply", event_id)
            return "gone"
        if event.processed_at is not None:
            return "already processed"
        outcome, tenant = _dispatch(event)
        event.processed_at, event.outcome, event.tenant = timezone.now(), outcome[:200], tenant
        event.save(update_fields=["processed_at", "outcome", "tenant"])
    logger.info("billing: event %s (%s): %s", event.stripe_event_id, event.type, outcome)
    return outcome


# ---- reconciliation -------------------------------------------------------------------------------------


def _current_subscription(subscriptions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one that matters: a live one if any, else the most recently created."""
    if not subscriptions:
        return None
    live = [s for s in subscriptions if s.get("status") in LIVE_STATUSES]
    return max(live or subscriptions, key=lambda s: int(s.get("created") or 0))


def stripe_events_requeue(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Queue again every event stored but not applied after `older_than` (its task failed for good or was
    lost with a broker): within minutes, not at the hourly reconcile. Applying twice is a no-op."""
    from .tasks import stripe_event_process

    stale = StripeEvent.objects.filter(processed_at=None, received_at__lt=timezone.now() - older_than)
    queued = 0
    with transaction.atomic():
        for event_id in stale.values_list("pk", flat=True)[:1000]:
            outbox_enqueue(stripe_event_process.name, kwargs={"event_id": event_id})
            queued += 1
    return queued


def billing_reconcile(*, requeue_after: timedelta = timedelta(minutes=10)) -> dict[str, int]:
    """Re-sync every customer's subscription from Stripe (webhooks missed during an outage) and
    re-run events stored but never processed (a lost task)."""
    counts = {"customers": 0, "updated": 0, "errors": 0, "events_requeued": 0}
    stale = StripeEvent.objects.filter(processed_at=None, received_at__lt=timezone.now() - requeue_after)
    for event_id in stale.values_list("pk", flat=True):
        stripe_event_process(event_id=event_id)
        counts["events_requeued"] += 1
    if not billing_enabled():
        return counts
    client = stripe_client()
    for customer in Customer.objects.select_related("tenant").order_by("created_at"):
        counts["customers"] += 1
        try:
            listed = client.v1.subscriptions.list(
                params={"customer": customer.stripe_customer_id, "status": "all", "limit": 100}
            )
            current = _current_subscription([s.to_dict(recursive=True) for s in listed.data])
            if current is not None:
                outcome = subscription_apply(
                    tenant=customer.tenant, data=current, seen_at=timezone.now(), authoritative=True
                )
                counts["updated"] += outcome.startswith("applied")
        except Exception:  # one customer's failure must not stop the others
            logger.exception("billing: reconciling %s failed", customer.stripe_customer_id)
            counts["errors"] += 1
    return counts
