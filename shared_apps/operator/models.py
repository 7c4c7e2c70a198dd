"""Operator state, all in the public schema. Tenant references carry no database constraint on purpose:
the audit trail and deletion reports must outlive whatever they describe."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AuditLog(models.Model):
    """Who did what to which organisation, from where. Written only through `audit_record`."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: the entry still says who it was after the account is gone.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    tenant = models.ForeignKey(
        "tenants.Tenant",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_email or '-'} {self.action}"


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


class DomainRedirect(models.Model):
    """An organisation's previous host, kept (not primary) after a subdomain change: it answers 301 to the
    new host until `expires_at`, then the domain is released."""

    domain = models.OneToOneField("tenants.Domain", on_delete=models.CASCADE, related_name="redirect")
    target_host = models.CharField(max_length=253)
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.domain_id} -> {self.target_host}"


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
