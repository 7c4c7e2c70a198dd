"""Billing state, all in the public schema. Rows that belong to a tenant are read through selectors taking `tenant=`."""

from __future__ import annotations

from django.db import models


class Plan(models.Model):
    """What an organisation may use. Seeded by migration 0002 (the one place plans are defined); prices
    are found in Stripe by `stripe_lookup_key` (README, "Billing"), or pinned with `stripe_price_id`."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    price_monthly = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="usd")
    stripe_lookup_key = models.CharField(max_length=200, blank=True)
    stripe_price_id = models.CharField(max_length=200, blank=True, db_index=True)
    seat_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    storage_limit_bytes = models.BigIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    features = models.JSONField(default=list, blank=True, help_text='Feature flags, e.g. ["exports"].')
    trial_days = models.PositiveSmallIntegerField(default=0)
    is_default = models.BooleanField(default=False, help_text="The free plan every organisation starts on.")
    is_public = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "price_monthly"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True), name="plan_one_default")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_paid(self) -> bool:
        return bool(self.stripe_lookup_key or self.stripe_price_id)


class Customer(models.Model):
    """The organisation's Stripe customer: the only way a Stripe event is mapped to an organisation."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.PROTECT, related_name="billing_customer")
    stripe_customer_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.stripe_customer_id


class Subscription(models.Model):
    """The organisation's current subscription, as last seen from Stripe. No row = the free plan."""

    class Status(models.TextChoices):
        # Stripe's statuses (https://docs.stripe.com/api/subscriptions/object#subscription_object-status).
        INCOMPLETE = "incomplete"
        INCOMPLETE_EXPIRED = "incomplete_expired"
        TRIALING = "trialing"
        ACTIVE = "active"
        PAST_DUE = "past_due"
        CANCELED = "canceled"
        UNPAID = "unpaid"
        PAUSED = "paused"

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.PROTECT, related_name="billing_subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    stripe_subscription_id = models.CharField(max_length=200, blank=True, db_index=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # When a payment first failed; the grace period (BILLING_GRACE_PERIOD_DAYS) runs from here.
    past_due_since = models.DateTimeField(null=True, blank=True)
    # `created` of the newest Stripe event applied: older events arriving late are not applied.
    stripe_event_created = models.DateTimeField(null=True, blank=True)
    trial_used = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant_id} on {self.plan_id} ({self.status})"


class StripeEvent(models.Model):
    """Each Stripe event once: the unique id makes a redelivery (even a concurrent one) a no-op."""

    stripe_event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    livemode = models.BooleanField(default=False)
    created = models.DateTimeField(help_text="Stripe's `created` of the event.")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    tenant = models.ForeignKey("tenants.Tenant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.stripe_event_id} {self.type}"
