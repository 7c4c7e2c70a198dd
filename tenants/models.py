from __future__ import annotations

import uuid

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """An organisation. Its data lives in its own PostgreSQL schema, named `t_<random>`."""

    class Status(models.TextChoices):
        # Schema migrated and waiting in the pool; claimed by signup, never routed to.
        PROVISIONING = "provisioning"
        ACTIVE = "active"
        SUSPENDED = "suspended"
        DELETED = "deleted"

    # Immutable and unguessable: used in URLs and storage prefixes, never reused.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROVISIONING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    # Schemas are created by tenants.provisioning (pool or fast path), never on save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name or self.schema_name


class Domain(DomainMixin):
    """A host name that routes to a tenant: `<subdomain>.<SAAS_BASE_DOMAIN>` or a verified custom domain."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.domain


class TaskFailure(models.Model):
    """A Celery task that gave up (retries exhausted or refused to run), kept for operators."""

    task_name = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, db_index=True)
    tenant_id = models.UUIDField(null=True, blank=True, db_index=True)
    error = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"


class OutboxMessage(models.Model):
    """A task asked for by a committed change and not yet taken by the broker (tenants/outbox.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # also the Celery task id
    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    schema_name = models.CharField(max_length=63)  # where the task runs ("public" for account-level work)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["next_attempt_at"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.id}"


class TaskReceipt(models.Model):
    """A task id whose effects were committed: a redelivered message (acks_late) finds it and does nothing."""

    task_id = models.CharField(max_length=64, unique=True)
    task_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"
