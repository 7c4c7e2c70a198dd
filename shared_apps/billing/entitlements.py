"""What an organisation may use, from its plan. Other apps reach these through settings hooks
(SEAT_LIMIT_FUNCTION, STORAGE_LIMIT_FUNCTION) or the HasFeature permission, never through models.

With billing off (no STRIPE_SECRET_KEY) nothing is limited: a kit run without a Stripe account is not
billed, so it is not capped either.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenants.models import Tenant

from .models import Plan
from .selectors import effective_plan
from .stripe_client import billing_enabled


def _plan(tenant: Tenant) -> Plan | None:
    return effective_plan(tenant=tenant) if billing_enabled() else None


def seat_limit(tenant: Tenant) -> int | None:
    """SEAT_LIMIT_FUNCTION: members + pending invitations allowed (None = unlimited)."""
    plan = _plan(tenant)
    return plan.seat_limit if plan else None


def storage_limit_bytes(tenant: Tenant) -> int | None:
    """STORAGE_LIMIT_FUNCTION: total bytes of the organisation's files allowed (None = unlimited)."""
    plan = _plan(tenant)
    return plan.storage_limit_bytes if plan else None


def has_feature(tenant: Tenant, feature: str) -> bool:
    plan = _plan(tenant)
    return plan is None or feature in (plan.features or [])


class HasFeature(BasePermission):
    """The organisation's plan includes `feature`. Use as `HasFeature.of("exports")` after IsTenantMember."""

    feature = ""
    message = "Your plan does not include this feature. Upgrade to use it."
    code = "feature_not_in_plan"

    @classmethod
    def of(cls, feature: str) -> type[HasFeature]:
        return type(f"HasFeature_{feature}", (cls,), {"feature": feature})

    def has_permission(self, request: Request, view: Any) -> bool:
        tenant = getattr(request._request, "tenant", None)
        return tenant is not None and has_feature(tenant, self.feature)
