from django.urls import path

from .views import BillingView, CheckoutView, PlanListView, PortalView, StripeWebhookView

public = [
    path("plans/", PlanListView.as_view(), name="billing-plans"),
    path("stripe/webhook/", StripeWebhookView.as_view(), name="billing-stripe-webhook"),
]
tenant = [
    path("", BillingView.as_view(), name="billing"),
    path("checkout/", CheckoutView.as_view(), name="billing-checkout"),
    path("portal/", PortalView.as_view(), name="billing-portal"),
]
