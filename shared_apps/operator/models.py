"""Operator state, all in the public schema. Tenant references carry no database constraint on purpose:
deletion reports must outlive whatever they describe. (The audit log is `shared_apps.audit`'s, subdomain
redirects are `tenants.DomainRedirect`: both moved out in state only, their tables kept.)"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from shared_apps.audit import models as audit


class AuditLog(audit.AuditLog):
    """The audit log as the operator console shows it: a proxy, so its admin page stays at
    /admin/operator/auditlog/ with the permissions operators already hold. The model is `shared_apps.audit`'s."""

    class Meta:
        proxy = True


class TenantDeletion(models.Model):
    """A scheduled deletion and, once done, its report (what was removed, counts, when)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        CANCELLED = "cancelled"
        DONE = "done"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    tenant_name = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    scheduled_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(db_index=True, help_text="Not before this (the grace period ends).")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    # The export offered to the owners before the data goes (an Export id in the organisation's schema).
    export_id = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(status="scheduled"), name="tenant_deletion_one_scheduled"
            )
        ]

    def __str__(self) -> str:
        return f"deletion of {self.tenant_name or self.tenant_id} ({self.status})"


class TenantUsage(models.Model):
    """One organisation's usage on one day (UTC), flushed from Redis counters by a periodic task."""

    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.DO_NOTHING, db_constraint=False, related_name="usage_days"
    )
    date = models.DateField()
    api_requests = models.PositiveBigIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    storage_bytes = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["tenant", "date"], name="tenant_usage_one_per_day")]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.date}"


class ImpersonationGrant(models.Model):
    """An operator's time-boxed session as a member. Tokens redeemed from its link are tied to it by their
    refresh family (`fam` claim, kept across rotation), so its write flag and end time apply to all of them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    is_write = models.BooleanField(default=False)
    code_hash = models.CharField(max_length=64, unique=True)
    family = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.operator_id} as {self.user_id} in {self.tenant_id}"
