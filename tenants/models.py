from __future__ import annotations

import uuid

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class SchemaStatus(models.TextChoices):
    READY = "ready"
    MIGRATING = "migrating"
    FAILED = "failed"  # the last migration run failed here: tenants.SchemaMigrationFailure says why


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
    # Which migrations the schema holds: a SchemaLevel digest ("" = not recorded yet, served as current),
    # and whether the migration controller is at work on it. Routing reads both from its cached row:
    # a schema behind the code, being migrated or failed answers 503 `tenant_maintenance`, never a 500.
    schema_level = models.CharField(max_length=64, blank=True, default="")
    schema_status = models.CharField(
        max_length=20, choices=SchemaStatus.choices, default=SchemaStatus.READY, db_index=True
    )
    # Organisation settings (PATCH /api/v1/organisation/, shared_apps/memberships/organisation.py).
    # Members without MFA get 403 `mfa_setup_required` on the API (shared_apps/memberships/authentication.py).
    require_mfa = models.BooleanField(default=False, db_default=False)
    # Storage keys under the tenant's prefix (tenants/storage.py): the logo served (the resized copy, "" =
    # none) and the original a resize task is working on ("" = none); the newest upload wins.
    # db_default as well: processes of the previous release insert tenants without these columns mid-deploy.
    logo_key = models.CharField(max_length=300, blank=True, default="", db_default="")
    logo_source_key = models.CharField(max_length=300, blank=True, default="", db_default="")

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


class DomainRedirect(models.Model):
    """An organisation's previous host, kept (not primary) after a subdomain change: it answers 301 to the
    new host until `expires_at`, then the domain is released (tenants/redirects.py answers it)."""

    domain = models.OneToOneField(Domain, on_delete=models.CASCADE, related_name="redirect")
    target_host = models.CharField(max_length=253)
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table the operator app created: the model moved here in state only (tenants 0006, operator 0004).
        db_table = "operator_domainredirect"

    def __str__(self) -> str:
        return f"{self.domain_id} -> {self.target_host}"


class SchemaLevel(models.Model):
    """A set of applied migrations, named by its digest: what `Tenant.schema_level` points at.

    Few rows (one per code version that migrated a schema) and never changed: each process keeps its
    answer to "does this level hold every migration my code has?" (tenants/schema_levels.py).
    """

    digest = models.CharField(max_length=64, primary_key=True)
    migrations = models.JSONField()  # ["app.name", ...], sorted
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.digest[:12]


class SchemaMigrationFailure(models.Model):
    """Why the last migration run failed in a schema; deleted when a later run brings it up to date."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, primary_key=True, related_name="migration_failure")
    migration = models.CharField(max_length=255)  # "app.name", the one that raised
    error = models.TextField()
    traceback = models.TextField(blank=True, default="")
    failed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.migration}"


class TaskFailure(models.Model):
    """A dead letter: a Celery task that gave up (retries exhausted, or refused to run), kept for operators.

    Written by tenants/celery_tasks.py on a fresh connection, in the public schema, with what it takes to
    run it again: the task's arguments and the schema it ran in. Operators list, retry (once, through the
    outbox, in the same schema) or discard it (shared_apps/operator/dead_letters.py); organisation users
    never see it.
    """

    class Status(models.TextChoices):
        DEAD = "dead"  # waiting for an operator
        RETRIED = "retried"  # queued again once (retried_task_id); a new failure is a new letter
        DISCARDED = "discarded"

    task_name = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, db_index=True)
    tenant_id = models.UUIDField(null=True, blank=True, db_index=True)
    error = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # What a retry needs. Null on letters recorded before they were kept (those cannot be retried).
    args = models.JSONField(null=True, blank=True)
    kwargs = models.JSONField(null=True, blank=True)
    schema_name = models.CharField(max_length=63, blank=True, default="")  # "" = not known (older letters)
    retries = models.PositiveIntegerField(default=0)  # retries made before giving up
    exception_type = models.CharField(max_length=255, blank=True, default="")
    traceback = models.TextField(blank=True, default="")  # the last lines only
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DEAD)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The operator's email, as in AuditLog.actor_email (tenants/ holds no link to the accounts app);
    # the audit entry of the retry or discard links the account itself.
    resolved_by = models.CharField(max_length=254, blank=True, default="")
    retried_task_id = models.CharField(max_length=64, blank=True, default="")  # the new run's Celery task id

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "dead letter"
        indexes = [models.Index(fields=["status", "-created_at"], name="taskfailure_status_created")]

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
