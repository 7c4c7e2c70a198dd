from django.contrib import admin

from .models import Customer, Plan, StripeEvent, Subscription


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "price_monthly", "currency", "seat_limit", "trial_days", "is_default", "is_public")
    ordering = ("sort_order",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("tenant", "stripe_customer_id", "created_at")
    search_fields = ("stripe_customer_id", "tenant__name")
    readonly_fields = ("tenant", "stripe_customer_id", "created_at")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("tenant", "plan", "status", "current_period_end", "past_due_since", "updated_at")
    list_filter = ("status", "plan")
    search_fields = ("stripe_subscription_id", "tenant__name")
    # Stripe is the source of truth: change subscriptions there (or run billing_reconcile), not here.
    readonly_fields = [f.name for f in Subscription._meta.fields]


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("stripe_event_id", "type", "tenant", "received_at", "processed_at", "outcome")
    list_filter = ("type",)
    search_fields = ("stripe_event_id",)
    readonly_fields = [f.name for f in StripeEvent._meta.fields]
