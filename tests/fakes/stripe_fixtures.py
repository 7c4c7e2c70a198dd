"""Webhook events built from Stripe's own published objects (tests/fixtures/stripe: stripe/openapi's
openapi/fixtures3.json, MIT), on the current API version and on a 2024-era one.

The fixtures are in today's API shape. A webhook endpoint pinned to an older version still receives the
older shape, so the 2024 variants are derived by undoing what `2025-03-31.basil` moved: subscription
periods went from the subscription to each item, `invoice.subscription` went under
`invoice.parent.subscription_details`, and invoice lines' `subscription`/`price` went under `parent` and
`pricing`. Fields added since 2024 are left in place: the kit must ignore what it does not read anyway.
Only ids and the values an event type implies (a paid invoice is `paid`) are substituted.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from functools import cache
from pathlib import Path
from typing import Any

import stripe

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stripe" / "fixtures3_subset.json"
CURRENT_API = str(stripe.api_version)  # the version stripe-python 16 pins
API_2024 = "2024-06-20"
API_VERSIONS = (CURRENT_API, API_2024)
BASIL = "2025-03-31"  # the release that moved the fields above


@cache
def _resources() -> dict[str, Any]:
    return dict(json.loads(FIXTURES.read_text())["resources"])


def stripe_object(name: str) -> dict[str, Any]:
    """A fresh copy of one published object, e.g. `subscription`."""
    return copy.deepcopy(_resources()[name])


def _before_basil(api: str) -> bool:
    return api < BASIL


FIXTURE_SUBSCRIPTION = str(stripe_object("subscription")["id"])
FIXTURE_PRICE = str(stripe_object("price")["id"])
FIXTURE_ITEM = str(stripe_object("subscription")["items"]["data"][0]["id"])


def subscription(*, customer: str, api: str, status: str | None = None, stripe_id: str | None = None) -> dict[str, Any]:
    obj = stripe_object("subscription")
    obj["customer"] = customer
    if status is not None:
        obj["status"] = status
    if stripe_id is not None:
        obj["id"] = stripe_id
        for item in obj["items"]["data"]:
            item["subscription"] = stripe_id
    if _before_basil(api):
        # Before basil every item shared the subscription's billing period, which lived on the subscription.
        items = obj["items"]["data"]
        obj["current_period_start"] = items[0]["current_period_start"]
        obj["current_period_end"] = items[0]["current_period_end"]
        for item in items:
            del item["current_period_start"], item["current_period_end"]
    return obj


def invoice(*, customer: str, subscription: str | None, api: str, paid: bool) -> dict[str, Any]:
    """A subscription's renewal invoice (or, with `subscription=None`, a one-off invoice)."""
    obj = stripe_object("invoice")
    price = stripe_object("price")
    obj.update(
        customer=customer,
        billing_reason="subscription_cycle" if subscription else "manual",
        status="paid" if paid else "open",
        attempted=True,
        attempt_count=1,
        amount_paid=obj["amount_due"] if paid else 0,
        amount_remaining=0 if paid else obj["amount_due"],
    )
    line = obj["lines"]["data"][0]
    if _before_basil(api):
        del obj["parent"], line["parent"], line["pricing"]
        obj["subscription"] = subscription
        obj["subscription_details"] = {"metadata": {}} if subscription else None
        obj["paid"] = paid
        line.update(
            type="subscription" if subscription else "invoiceitem",
            subscription=subscription,
            subscription_item=FIXTURE_ITEM if subscription else None,
            invoice_item=None if subscription else "ii_1",
            proration=False,
            price=price,
        )
        return obj
    # The published invoice fills every branch of `parent`; a real one has only the branch its type names.
    obj["parent"] = (
        {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": subscription},
        }
        if subscription
        else None
    )
    line["subscription"] = None
    line["parent"] = (
        {
            "type": "subscription_item_details",
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": subscription,
                "subscription_item": FIXTURE_ITEM,
            },
        }
        if subscription
        else line["parent"] | {"type": "invoice_item_details", "subscription_item_details": None}
    )
    line["pricing"] = {
        "type": "price_details",
        "price_details": {"price": price["id"], "product": price["product"]},
        "unit_amount_decimal": price["unit_amount_decimal"],
    }
    return obj


def checkout_session(*, customer: str, subscription: str) -> dict[str, Any]:
    """A completed subscription-mode Checkout (the published one is an open payment-mode session)."""
    obj = stripe_object("checkout.session")
    obj.update(
        mode="subscription",
        status="complete",
        payment_status="paid",
        payment_intent=None,
        customer=customer,
        subscription=subscription,
    )
    return obj


def event(
    event_type: str,
    obj: dict[str, Any],
    *,
    api: str,
    created: int | None = None,
    previous_attributes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The published event envelope around `obj`, as an endpoint on `api` receives it."""
    envelope = stripe_object("event")
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    envelope.update(
        id=f"evt_{secrets.token_hex(12)}",
        api_version=api,
        created=int(time.time()) if created is None else created,
        type=event_type,
        data=data,
        pending_webhooks=1,
    )
    return envelope
