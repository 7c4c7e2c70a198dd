"""Reads of billing state. Everything that belongs to a tenant is looked up by `tenant=`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from tenants.models import Tenant

from .models import Customer, Plan, Subscription

# Statuses in which the subscription's plan applies. Past due keeps the plan (read-only comes from the
# grace period, not from a plan change); canceled and never-completed subscriptions fall back to free.
PLAN_STATUSES = frozenset(
    {
        Subscription.Status.TRIALING,
        Subscription.Status.ACTIVE,
        Subscription.Status.PAST_DUE,
        Subscription.Status.UNPAID,
    }
)


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.filter(is_public=True).order_by("sort_order", "price_monthly", "code")


def plan_default() -> Plan:
    return Plan.objects.get(is_default=True)


def plan_get(*, code: str) -> Plan:
    return Plan.objects.get(code=code)


def customer_for(*, tenant: Tenant) -> Customer | None:
    return Customer.objects.filter(tenant=tenant).first()


def subscription_for(*, tenant: Tenant) -> Subscription | None:
    return Subscription.objects.filter(tenant=tenant).select_related("plan").first()


def effective_plan(*, tenant: Tenant, subscription: Subscription | None = None) -> Plan:
    subscription = subscription or subscription_for(tenant=tenant)
    if subscription is not None and subscription.status in PLAN_STATUSES:
        return subscription.plan
    return plan_default()


def read_only_since(subscription: Subscription | None) -> datetime | None:
    """When the organisation becomes (or became) read-only because of an unpaid bill; None if it is paid up."""
    if subscription is None:
        return None
    if subscription.status == Subscription.Status.UNPAID:
        return subscription.past_due_since or subscription.updated_at
    if subscription.status == Subscription.Status.PAST_DUE and subscription.past_due_since is not None:
        return subscription.past_due_since + timedelta(days=settings.BILLING_GRACE_PERIOD_DAYS)
    return None


def is_read_only(*, tenant: Tenant) -> bool:
    since = read_only_since(subscription_for(tenant=tenant))
    return since is not None and since <= timezone.now()


@dataclass(frozen=True)
class BillingOverview:
    plan: Plan
    status: str
    seats_used: int
    seat_limit: int | None
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    read_only_from: datetime | None


def billing_overview(*, tenant: Tenant) -> BillingOverview:
    from shared_apps.memberships.seats import seats_used

    subscription = subscription_for(tenant=tenant)
    plan = effective_plan(tenant=tenant, subscription=subscription)
    live = subscription is not None and subscription.status in PLAN_STATUSES
    return BillingOverview(
        plan=plan,
        status=subscription.status if live and subscription else "free",
        seats_used=seats_used(tenant=tenant),
        seat_limit=plan.seat_limit,
        trial_ends_at=subscription.trial_ends_at if live and subscription else None,
        current_period_end=subscription.current_period_end if live and subscription else None,
        cancel_at_period_end=bool(live and subscription and subscription.cancel_at_period_end),
        read_only_from=read_only_since(subscription),
    )
