from __future__ import annotations

from rest_framework import serializers

from saas.api.fields import StrictCharField

from ..models import Plan


class PlanSerializer(serializers.ModelSerializer[Plan]):
    features = serializers.ListField(child=StrictCharField())
    trial_days = serializers.IntegerField()

    class Meta:
        model = Plan
        fields = (
            "code",
            "name",
            "price_monthly",
            "currency",
            "seat_limit",
            "storage_limit_bytes",
            "features",
            "trial_days",
        )


class SeatsSerializer(serializers.Serializer[dict[str, int | None]]):
    used = serializers.IntegerField()
    limit = serializers.IntegerField(allow_null=True)


class BillingSerializer(serializers.Serializer[dict[str, object]]):
    plan = StrictCharField(help_text="The code of the plan in force (the free plan when none is paid).")
    plan_name = StrictCharField()
    status = StrictCharField(help_text="free, trialing, active, past_due, unpaid (Stripe's status otherwise).")
    seats = SeatsSerializer()
    storage_limit_bytes = serializers.IntegerField(allow_null=True)
    storage_used_bytes = serializers.IntegerField(
        allow_null=True, help_text="Bytes of the organisation's files; null when no installed app stores files."
    )
    upgrades_available = serializers.BooleanField(
        help_text="False when billing is not configured (no STRIPE_SECRET_KEY): checkout and the portal answer 503."
    )
    limits_enforced = serializers.BooleanField(
        help_text="False when billing is not configured: the plan's limits are shown but nothing is capped."
    )
    trial_ends_at = serializers.DateTimeField(allow_null=True)
    current_period_end = serializers.DateTimeField(allow_null=True)
    cancel_at_period_end = serializers.BooleanField()
    read_only_from = serializers.DateTimeField(
        allow_null=True, help_text="When writes stop (402) because a payment failed; null when paid up."
    )
    features = serializers.ListField(child=StrictCharField())


class CheckoutSerializer(serializers.Serializer[dict[str, str]]):
    plan = StrictCharField(max_length=40)


class WebhookAckSerializer(serializers.Serializer[dict[str, bool]]):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField()
