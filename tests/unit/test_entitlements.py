"""ENTITLEMENTS: the configured implementation is the one asked (reloaded when the setting changes), and
without billing's setting nothing is limited."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory
from rest_framework.request import Request

from tenants.entitlements import HasFeature, Unlimited, entitlements
from tenants.models import Tenant


class OnlyReports(Unlimited):
    def seat_limit(self, tenant: Tenant) -> int | None:
        return 1

    def has_feature(self, tenant: Tenant, feature: str) -> bool:
        return feature == "reports"


def _request(tenant: Tenant) -> Request:
    django_request = RequestFactory().get("/")
    django_request.tenant = tenant  # type: ignore[attr-defined]
    return Request(django_request)


def test_entitlements_is_the_configured_implementation(settings: Any) -> None:
    settings.ENTITLEMENTS = f"{__name__}.OnlyReports"
    assert isinstance(entitlements(), OnlyReports)
    assert entitlements() is entitlements()  # loaded once
    tenant = Tenant(name="Acme")
    assert entitlements().seat_limit(tenant) == 1
    assert HasFeature.of("reports")().has_permission(_request(tenant), None)
    assert not HasFeature.of("exports")().has_permission(_request(tenant), None)


def test_without_billing_everything_is_unlimited(settings: Any) -> None:
    del settings.ENTITLEMENTS
    tenant = Tenant(name="Acme")
    assert type(entitlements()) is Unlimited
    assert entitlements().seat_limit(tenant) is None
    assert entitlements().storage_limit_bytes(tenant) is None
    assert entitlements().has_feature(tenant, "exports")
    assert HasFeature.of("exports")().has_permission(_request(tenant), None)


def test_no_tenant_has_no_feature() -> None:
    assert not HasFeature.of("exports")().has_permission(Request(RequestFactory().get("/")), None)
