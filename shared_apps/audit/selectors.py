"""Reads of the audit log: every entry (operators) or one organisation's (its owners)."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import Tenant
from tenants.replicas import read_only

from .models import AuditLog


@read_only
def audit_list(*, tenant: Tenant | None = None) -> QuerySet[AuditLog]:
    """Every entry (operators) or one organisation's (its owners): pass `tenant=` for the latter."""
    entries = AuditLog.objects.select_related("tenant").order_by("-created_at", "-id")
    return entries.filter(tenant=tenant) if tenant is not None else entries
