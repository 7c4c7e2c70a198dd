"""Reads of the audit log: every entry (operators) or one organisation's (its owners)."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import Tenant
from tenants.replicas import read_only

from .models import AuditLog


@read_only
def audit_list(*, tenant: Tenant | None = None, action_prefix: str = "", actor_email: str = "") -> QuerySet[AuditLog]:
    """Every entry (operators) or one organisation's (its owners): pass `tenant=` for the latter.
    `action_prefix` keeps one kind ("member." or "member.role_changed"); `actor_email` one person's."""
    entries = AuditLog.objects.select_related("tenant").order_by("-created_at", "-id")
    if tenant is not None:
        entries = entries.filter(tenant=tenant)
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    if actor_email:
        entries = entries.filter(actor_email__iexact=actor_email)
    return entries
