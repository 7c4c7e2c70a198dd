"""Stripe-shaped objects for webhook payloads (the fields the kit reads)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from shared_apps.billing.models import Customer, Plan
from tenants.models import Tenant

PRO_PRICE = "price_pro_test"


def customer_of(tenant: Tenant, stripe_id: str | None = None) -> Customer:
    return Customer.objects.create(tenant=tenant, stripe_customer_id=stripe_id or f"cus_{secrets.token_hex(7)}")


def pin_pro_price() -> Plan:
    plan = Plan.objects.get(code="pro")
    plan.stripe_price_id = PRO_PRICE
    plan.save()
    return plan


def subscription_obj(customer: str, *, status: str = "active", sub_id: str = "sub_1", price: str = PRO_PRICE,
                     trial_end: int | None = None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    now = int(time.time())
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "created": now,
        "cancel_at_period_end": False,
        "trial_end": trial_end,
        "items": {
            "object": "list",
            "data": [
                {"id": "si_1", "price": {"id": price, "lookup_key": None}, "current_period_end": now + 30 * 86400}
            ],
        },
        **extra,
    }


def invoice_obj(customer: str, *, sub_id: str = "sub_1") -> dict[str, Any]:
    return {
        "id": f"in_{secrets.token_hex(6)}",
        "object": "invoice",
        "customer": customer,
        "parent": {"type": "subscription_details", "subscription_details": {"subscription": sub_id}},
    }
