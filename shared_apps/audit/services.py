"""The audit log's one writer. Call it from services, inside their transaction, so an action and its
record commit (or roll back) together.

Call sites (wired by their owners):
- shared_apps/memberships/services.py: `member_role_change` -> action "member.role_changed",
  `member_remove` -> "member.removed" (or "member.left" when the actor removes themself).
- shared_apps/memberships/invitations.py: "invitation.created", "invitation.revoked", "invitation.resent",
  "invitation.accepted".
- billing: "billing.checkout_started", "billing.subscription_changed"; exports: "export.requested";
  the operator: tenant.*, impersonation.*, dead_letter.*.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from tenants.models import Tenant

from .models import AuditLog


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | None = None,
    tenant: Tenant | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    ip: str | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditLog:
    """One audit entry. `target` (any model instance) fills target_type/target_id unless given explicitly."""
    if target is not None:
        target_type = target_type or f"{target._meta.app_label}.{target._meta.model_name}"
        target_id = target_id or str(target.pk)
    return AuditLog.objects.create(
        actor_id=actor.pk if actor is not None else None,  # any user model: audit sits below accounts
        actor_email=getattr(actor, actor.get_email_field_name()) if actor is not None else "",
        action=action,
        tenant=tenant,
        target_type=target_type,
        target_id=target_id,
        ip=ip or None,
        extra=extra or {},
    )
