from django.urls import path

from .views import BillingView, CheckoutView, PlanListView, PortalView, StripeWebhookView

public = [
    path("plans/", PlanListView.as_view(), name="billing-plans"),
    path("stripe/webhook/", StripeWebhookView.as_view(), name="billing-stripe-webhook"),
]
tenant = [
    # The plans on an organisation's host too: its billing page lists what it can upgrade to.
    path("plans/", PlanListView.as_view(), name="billing-plans"),
    path("", BillingView.as_view(), name="billing"),
    path("checkout/", CheckoutView.as_view(), name="billing-checkout"),
    path("portal/", PortalView.as_view(), name="billing-portal"),
]
