"""What an organisation may use: the entitlements protocol, the configured implementation, `HasFeature`.

`settings.ENTITLEMENTS` is a dotted path to an object implementing `Entitlements` (a class, instantiated
without arguments, or a module or instance). Billing points it at its plans; without billing, the default
here limits nothing, so tenants/ and the apps above it work on their own.
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:
    from .models import Tenant

DEFAULT_ENTITLEMENTS = "tenants.entitlements.Unlimited"


class Entitlements(Protocol):
    def seat_limit(self, tenant: Tenant) -> int | None:
        """Members + pending invitations allowed (None = unlimited)."""

    def storage_limit_bytes(self, tenant: Tenant) -> int | None:
        """Total bytes of the organisation's files allowed (None = unlimited)."""

    def has_feature(self, tenant: Tenant, feature: str) -> bool: ...


class Unlimited:
    """The default: no plan, so no limit and every feature."""

    def seat_limit(self, tenant: Tenant) -> int | None:
        return None

    def storage_limit_bytes(self, tenant: Tenant) -> int | None:
        return None

    def has_feature(self, tenant: Tenant, feature: str) -> bool:
        return True


@cache
def entitlements() -> Entitlements:
    """The configured implementation, loaded once (reloaded when a test overrides ENTITLEMENTS)."""
    target = import_string(getattr(settings, "ENTITLEMENTS", "") or DEFAULT_ENTITLEMENTS)
    return cast(Entitlements, target() if inspect.isclass(target) else target)


@receiver(setting_changed)
def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting == "ENTITLEMENTS":
        entitlements.cache_clear()


class HasFeature(BasePermission):
    """The organisation may use `feature`. Use as `HasFeature.of("exports")` after IsTenantMember."""

    feature = ""
    message = gettext_lazy("Your plan does not include this feature. Upgrade to use it.")
    code = "feature_not_in_plan"

    @classmethod
    def of(cls, feature: str) -> type[HasFeature]:
        return type(f"HasFeature_{feature}", (cls,), {"feature": feature})

    def has_permission(self, request: Request, view: Any) -> bool:
        from .routed import routed_tenant  # (models: not at this module's import, which settings may trigger)

        tenant = routed_tenant(request)
        return tenant is not None and entitlements().has_feature(tenant, self.feature)
