"""Usage metrics per organisation: API requests per day counted in the global cache (one INCR per
request, no SQL: UsageCountingMiddleware), flushed with member counts and storage bytes into TenantUsage
by a periodic task."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

from django.core.cache import caches
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from shared_apps.memberships.models import Membership
from tenants.models import Tenant

from .models import TenantUsage
from .storage import prefix_usage

logger = logging.getLogger(__name__)
# Counters outlive a missed flush or two; the flush writes totals (not increments), so re-reading is safe.
COUNTER_TTL = 3 * 24 * 3600


def api_counter_key(tenant_id: object, day: date) -> str:
    return f"usage:api:{tenant_id}:{day:%Y%m%d}"


def api_request_count(*, tenant_id: object, day: date | None = None) -> None:
    """Count one API request. Never fails the request: a cache outage loses counts, not requests."""
    cache = caches["default"]
    key = api_counter_key(tenant_id, day or timezone.now().date())
    try:
        try:
            cache.incr(key)
        except ValueError:  # first request of the day
            if not cache.add(key, 1, timeout=COUNTER_TTL):
                cache.incr(key)
    except Exception:
        logger.warning("usage counter unavailable", exc_info=True)


class UsageCountingMiddleware:
    """Counts each API request made to an organisation host (after routing and redirects: a redirected
    old host is not counted, the request made to the new host is)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is not None and request.path.startswith("/api/"):
            api_request_count(tenant_id=tenant.id)
        return self.get_response(request)


def usage_flush(*, today: date | None = None, measure_storage: bool = True) -> int:
    """Write today's and yesterday's counters, member counts and storage bytes into TenantUsage."""
    today = today or timezone.now().date()
    days = [today - timedelta(days=1), today]
    tenants = list(Tenant.objects.filter(status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED]).exclude(
        schema_name="public"
    ))  # fmt: skip
    keys = {api_counter_key(t.id, day): (t, day) for t in tenants for day in days}
    counts = caches["default"].get_many(list(keys)) if keys else {}
    members = dict(
        Membership.objects.filter(is_active=True, tenant__in=tenants)
        .values_list("tenant")
        .annotate(n=Count("pk"))
        .values_list("tenant", "n")
    )
    written = 0
    for tenant in tenants:
        storage = prefix_usage(tenant=tenant).bytes if measure_storage else None
        for day in days:
            requests = counts.get(api_counter_key(tenant.id, day))
            if requests is None and day != today:
                continue
            defaults: dict[str, object] = {"members": members.get(tenant.id, 0)}
            if requests is not None:
                defaults["api_requests"] = int(requests)
            if storage is not None and day == today:
                defaults["storage_bytes"] = storage
            with transaction.atomic():
                TenantUsage.objects.update_or_create(tenant=tenant, date=day, defaults=defaults)
            written += 1
    return written
