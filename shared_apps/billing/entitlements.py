"""What an organisation may use, from its plan: billing's implementation of the entitlements protocol
(tenants.entitlements), configured by `ENTITLEMENTS` in saas/settings/billing.py. Other apps ask
`tenants.entitlements`, never this module.

With billing off (no STRIPE_SECRET_KEY) nothing is limited: a kit run without a Stripe account is not
billed, so it is not capped either.
"""

from __future__ import annotations

from tenants.models import Tenant

from .models import Plan
from .selectors import effective_plan
from .stripe_client import billing_enabled


class PlanEntitlements:
    """Limits and features of the organisation's effective plan."""

    def _plan(self, tenant: Tenant) -> Plan | None:
        return effective_plan(tenant=tenant) if billing_enabled() else None

    def seat_limit(self, tenant: Tenant) -> int | None:
        plan = self._plan(tenant)
        return plan.seat_limit if plan else None

    def storage_limit_bytes(self, tenant: Tenant) -> int | None:
        plan = self._plan(tenant)
        return plan.storage_limit_bytes if plan else None

    def has_feature(self, tenant: Tenant, feature: str) -> bool:
        plan = self._plan(tenant)
        return plan is None or feature in (plan.features or [])
