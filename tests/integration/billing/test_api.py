"""Billing endpoints (API.md billing rows; issue 5 items 1-2): plans, the organisation's billing,
Checkout and the portal through the official stripe library to the fakes over HTTP."""

from __future__ import annotations

import pytest

from shared_apps.accounts.signup import Signup
from shared_apps.billing.models import Customer, Plan, Subscription
from tenants.selectors import tenant_url
from tests.conftest import Team
from tests.fakes.stripe_server import FakeStripe
from tests.helpers import PUBLIC, api, error, login

from .helpers import customer_of

pytestmark = pytest.mark.django_db


def _owner(acme: Signup) -> str:
    return str(login(acme.host, acme.user.email)["access"])


def _checkout(host: str, token: str, plan: str = "pro"):
    return api(host, token).post("/api/v1/billing/checkout/", {"plan": plan}, content_type="application/json")


# ---- plans ----------------------------------------------------------------------------------------------


def test_plans_are_public_on_the_public_host(acme: Signup) -> None:
    response = api(PUBLIC).get("/api/v1/billing/plans/")
    assert response.status_code == 200
    plans = response.json()
    assert [p["code"] for p in plans] == ["free", "pro", "business"]
    free, pro = plans[0], plans[1]
    assert free == {
        "code": "free", "name": "Free", "priceMonthly": "0.00", "currency": "usd", "seatLimit": 3,
        "storageLimitBytes": 1024**3, "features": [], "trialDays": 0,
    }  # fmt: skip
    assert pro["priceMonthly"] == "29.00" and pro["trialDays"] == 14 and "exports" in pro["features"]
    assert Plan.objects.get(is_default=True).code == "free"


# ---- billing off ----------------------------------------------------------------------------------------


def test_without_a_stripe_key_checkout_and_portal_answer_503_and_the_rest_works(acme: Signup, team: Team) -> None:
    # Reading billing answers 200 on the free plan (test_without_stripe.py).
    owner = _owner(acme)
    for path in ["/api/v1/billing/checkout/", "/api/v1/billing/portal/"]:
        response = api(acme.host, owner).post(path, {"plan": "pro"}, content_type="application/json")
        assert response.status_code == 503, path
        assert error(response)["code"] == "billing_not_configured"
    assert api(acme.host, owner).get("/api/v1/billing/").status_code == 200
    assert api(acme.host, owner).get("/api/v1/members/").status_code == 200
    assert api(PUBLIC).get("/api/v1/billing/plans/").status_code == 200
    assert not Customer.objects.exists()


# ---- the organisation's billing -------------------------------------------------------------------------


def test_a_new_organisation_is_on_the_free_plan(acme: Signup, team: Team, stripe_on: FakeStripe) -> None:
    response = api(acme.host, str(login(acme.host, "member@acme.test")["access"])).get("/api/v1/billing/")
    assert response.status_code == 200
    assert response.json() == {
        "plan": "free", "planName": "Free", "status": "free", "seats": {"used": 3, "limit": 3},
        "storageLimitBytes": 1024**3, "storageUsedBytes": 0, "upgradesAvailable": True, "limitsEnforced": True,
        "trialEndsAt": None, "currentPeriodEnd": None, "cancelAtPeriodEnd": False,
        "readOnlyFrom": None, "features": [],
    }  # fmt: skip
    assert stripe_on.requests == []  # reading billing never calls Stripe


def test_billing_needs_a_member_of_this_organisation(acme: Signup, globex: Signup, stripe_on: FakeStripe) -> None:
    assert api(acme.host).get("/api/v1/billing/").status_code == 401
    globex_token = str(login(globex.host, "owner@globex.test")["access"])
    assert api(acme.host, globex_token).get("/api/v1/billing/").status_code == 401  # token bound to globex
    assert _checkout(acme.host, globex_token).status_code == 401
    assert api(acme.host, globex_token).post("/api/v1/billing/portal/").status_code == 401


def test_each_organisation_sees_only_its_own_billing(acme: Signup, globex: Signup, stripe_on: FakeStripe) -> None:
    Subscription.objects.create(tenant=acme.tenant, plan=Plan.objects.get(code="pro"), status="active")
    globex_token = str(login(globex.host, "owner@globex.test")["access"])
    assert api(globex.host, globex_token).get("/api/v1/billing/").json()["plan"] == "free"
    assert api(acme.host, _owner(acme)).get("/api/v1/billing/").json()["plan"] == "pro"


# ---- Checkout -------------------------------------------------------------------------------------------


def test_checkout_creates_the_customer_once_and_sends_what_stripe_needs(acme: Signup, stripe_on: FakeStripe) -> None:
    stripe_on.prices["saas_pro_monthly"] = "price_pro_live_lookup"
    owner = _owner(acme)
    first = _checkout(acme.host, owner)
    assert first.status_code == 200, first.content
    assert first.json()["url"].startswith("https://checkout.stripe.test/c/pay/cs_test_")

    [create] = stripe_on.calls("POST", "/v1/customers")
    assert create.idempotency_key and create.idempotency_key.startswith(f"customer-create-{acme.tenant.id}-")
    assert create.params["metadata[tenant_id]"] == str(acme.tenant.id)
    assert create.params["email"] == acme.user.email
    customer = Customer.objects.get(tenant=acme.tenant)
    assert customer.stripe_customer_id.startswith("cus_")  # created in localstripe, through the fake

    [prices] = stripe_on.calls("GET", "/v1/prices")
    assert prices.params["lookup_keys[0]"] == "saas_pro_monthly"
    [session] = stripe_on.calls("POST", "/v1/checkout/sessions")
    assert session.idempotency_key and session.idempotency_key.startswith(f"checkout-{acme.tenant.id}-")
    assert session.params["mode"] == "subscription"
    assert session.params["customer"] == customer.stripe_customer_id
    assert session.params["client_reference_id"] == str(acme.tenant.id)
    assert session.params["line_items[0][price]"] == "price_pro_live_lookup"
    assert session.params["line_items[0][quantity]"] == "1"
    assert session.params["subscription_data[trial_period_days]"] == "14"
    assert session.params["success_url"] == f"{tenant_url(host=acme.host)}billing?checkout=success"
    assert session.params["cancel_url"] == f"{tenant_url(host=acme.host)}billing?checkout=canceled"
    assert "Bearer sk_test_kit_" in session.headers["authorization"]

    second = _checkout(acme.host, owner, plan="pro")
    assert second.status_code == 200
    assert len(stripe_on.calls("POST", "/v1/customers")) == 1  # one customer per organisation
    keys = [c.idempotency_key for c in stripe_on.calls("POST", "/v1/checkout/sessions")]
    assert len(set(keys)) == 2  # each session its own key
    assert len(stripe_on.calls("GET", "/v1/prices")) == 1  # the price id is remembered
    assert Plan.objects.get(code="pro").stripe_price_id == "price_pro_live_lookup"


def test_no_second_trial(acme: Signup, stripe_on: FakeStripe) -> None:
    Subscription.objects.create(
        tenant=acme.tenant, plan=Plan.objects.get(code="pro"), status="canceled", trial_used=True
    )
    Plan.objects.filter(code="pro").update(stripe_price_id="price_pinned")
    assert _checkout(acme.host, _owner(acme)).status_code == 200
    [session] = stripe_on.calls("POST", "/v1/checkout/sessions")
    assert "subscription_data[trial_period_days]" not in session.params
    assert stripe_on.calls("GET", "/v1/prices") == []  # a pinned price needs no lookup


@pytest.mark.parametrize(
    ("plan", "code"), [("free", "plan_not_purchasable"), ("nope", "invalid_plan"), ("business", "plan_not_available")]
)
def test_checkout_refuses_plans_it_cannot_sell(acme: Signup, stripe_on: FakeStripe, plan: str, code: str) -> None:
    response = _checkout(acme.host, _owner(acme), plan=plan)
    assert response.status_code == 400
    assert error(response) == {"code": code, "detail": error(response)["detail"], "attr": "plan"}
    assert stripe_on.calls("POST", "/v1/checkout/sessions") == []


def test_checkout_refuses_a_second_subscription(acme: Signup, stripe_on: FakeStripe) -> None:
    Subscription.objects.create(
        tenant=acme.tenant, plan=Plan.objects.get(code="pro"), status="active", stripe_subscription_id="sub_9"
    )
    response = _checkout(acme.host, _owner(acme), plan="business")
    assert response.status_code == 400
    assert error(response)["code"] == "already_subscribed"


@pytest.mark.parametrize("who", ["admin", "member"])
def test_only_owners_manage_billing(acme: Signup, team: Team, stripe_on: FakeStripe, who: str) -> None:
    token = str(login(acme.host, f"{who}@acme.test")["access"])
    assert _checkout(acme.host, token).status_code == 403
    assert api(acme.host, token).post("/api/v1/billing/portal/").status_code == 403
    assert api(acme.host, token).get("/api/v1/billing/").status_code == 200
    assert stripe_on.requests == []


# ---- portal ---------------------------------------------------------------------------------------------


def test_portal_returns_a_session_for_the_organisations_customer(acme: Signup, stripe_on: FakeStripe) -> None:
    customer = customer_of(acme.tenant, "cus_existing")
    response = api(acme.host, _owner(acme)).post("/api/v1/billing/portal/")
    assert response.status_code == 200
    assert response.json()["url"].startswith("https://billing.stripe.test/p/session/bps_")
    [session] = stripe_on.calls("POST", "/v1/billing_portal/sessions")
    assert session.params == {
        "customer": customer.stripe_customer_id,
        "return_url": f"{tenant_url(host=acme.host)}billing?portal=done",
    }
    assert session.idempotency_key and session.idempotency_key.startswith(f"portal-{acme.tenant.id}-")
    assert stripe_on.calls("POST", "/v1/customers") == []


def test_an_unreachable_stripe_answers_503_in_the_error_shape(acme: Signup, stripe_on: FakeStripe, settings) -> None:
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = api(acme.host, _owner(acme)).post("/api/v1/billing/portal/")
    assert response.status_code == 503
    assert error(response)["code"] == "payment_provider_unavailable"
    assert response["Retry-After"] == "5"
