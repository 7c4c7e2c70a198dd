"""Reads for operators (every organisation). The audit log's reads are `shared_apps.audit.selectors`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django_tenants.utils import get_public_schema_name, tenant_context

from shared_apps.memberships.models import Membership
from tenants.db import connection
from tenants.export_registry import export_contributions
from tenants.models import Domain, Tenant
from tenants.replicas import on_primary, read_only

from .models import TenantDeletion, TenantUsage

FREE_PLAN = "free"


def billing_installed() -> bool:
    return apps.is_installed("shared_apps.billing")


def _default_plan_code() -> str:
    if not billing_installed():
        return FREE_PLAN
    from shared_apps.billing.models import Plan

    return Plan.objects.filter(is_default=True).values_list("code", flat=True).first() or FREE_PLAN


@read_only
def tenant_list(*, search: str = "") -> QuerySet[Tenant]:
    """Organisations (not pool schemas, not the public tenant), annotated with the operator columns.

    `search` matches name, subdomain, a member's email and (with billing) the Stripe customer id.
    """
    members = (
        Membership.objects.filter(tenant=OuterRef("pk"), is_active=True)
        .order_by()
        .values("tenant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    usage = TenantUsage.objects.filter(tenant=OuterRef("pk")).order_by("-date")
    active_days = (
        TenantUsage.objects.filter(tenant=OuterRef("pk"), api_requests__gt=0)
        .order_by()
        .values("tenant")
        .annotate(last=Max("date"))
        .values("last")
    )
    tenants = (
        Tenant.objects.exclude(status=Tenant.Status.PROVISIONING)
        .exclude(schema_name=get_public_schema_name())
        .annotate(
            primary_domain=Subquery(Domain.objects.filter(tenant=OuterRef("pk"), is_primary=True).values("domain")[:1]),
            member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
            storage_bytes=Coalesce(Subquery(usage.values("storage_bytes")[:1]), Value(0)),
            last_activity=Subquery(active_days),
        )
        .order_by("-created_at")
    )
    if billing_installed():
        from shared_apps.billing.models import Subscription
        from shared_apps.billing.selectors import PLAN_STATUSES

        current = Subscription.objects.filter(tenant=OuterRef("pk"), status__in=list(PLAN_STATUSES))
        tenants = tenants.annotate(
            plan_code=Coalesce(Subquery(current.values("plan__code")[:1]), Value(_default_plan_code()))
        )
    else:
        tenants = tenants.annotate(plan_code=Value(FREE_PLAN))
    search = search.strip()
    if search:
        tenants = tenants.filter(pk__in=tenant_search_ids(search=search))
    return tenants


def tenant_search_ids(*, search: str) -> QuerySet[Tenant, Any]:
    query = (
        Q(name__icontains=search)
        | Q(domains__domain__istartswith=search)
        | Q(memberships__user__email__icontains=search, memberships__is_active=True)
    )
    if billing_installed():
        query |= Q(billing_customer__stripe_customer_id=search)
    return Tenant.objects.filter(query).values("pk")


def tenant_get(*, tenant_id: Any) -> Tenant:
    return on_primary(tenant_list()).get(pk=tenant_id)  # what suspend, rename, ... start from: never stale


def deletion_list() -> QuerySet[TenantDeletion]:
    return TenantDeletion.objects.order_by("-scheduled_at")


@read_only
def usage_history(*, tenant: Tenant, since: date | None = None) -> QuerySet[TenantUsage]:
    days = TenantUsage.objects.filter(tenant=tenant).order_by("-date")
    return days.filter(date__gte=since) if since is not None else days


class _RolledBackError(Exception):
    pass


def _table_counts(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        tables = [row[0] for row in cursor.fetchall()]
        counts: dict[str, int] = {}
        for table in tables:
            # Names come from the catalogue of a schema we generated, and are quoted all the same.
            qualified = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"
            cursor.execute(f"SELECT count(*) FROM {qualified}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def table_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    """As a list: JSON renderers camelise dict keys, and table names must stay as they are."""
    return [{"name": name, "rows": rows} for name, rows in counts.items()]


def tenant_data_snapshot(*, tenant: Tenant, limit: int = 50) -> dict[str, Any]:
    """A read-only look into one organisation's schema: its tables with row counts, and the newest rows of
    every app that contributes to exports (tenants.export_registry), e.g. projects and files.

    The schema switch lasts for this call only (tenant_context restores the previous one, even on error),
    and everything runs in a READ ONLY transaction that is always rolled back: nothing here can write.
    """
    snapshot: dict[str, Any] = {}
    try:
        with tenant_context(tenant), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
            snapshot["tables"] = table_rows(_table_counts(tenant.schema_name))
            for contribution in export_contributions():
                snapshot[contribution.name] = contribution.look(limit)
            # Roll back on purpose: the READ ONLY setting must not outlive this block (it would if the
            # savepoint were released inside an outer transaction).
            raise _RolledBackError
    except _RolledBackError:
        pass
    return snapshot
