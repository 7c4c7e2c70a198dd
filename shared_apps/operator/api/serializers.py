from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from saas.api.fields import StrictCharField
from shared_apps.accounts.api.serializers import UrlSerializer
from tenants.export_registry import export_contributions
from tenants.hosts import subdomain_of
from tenants.models import TaskFailure
from tenants.selectors import tenant_url

from ..models import TenantDeletion, TenantUsage


class OperatorTenantSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = StrictCharField()
    subdomain = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    status = StrictCharField()
    plan = StrictCharField(source="plan_code")
    member_count = serializers.IntegerField()
    storage_bytes = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_activity = serializers.DateField(allow_null=True)

    def get_subdomain(self, tenant: Any) -> str:
        return subdomain_of(tenant.primary_domain, settings.SAAS_BASE_DOMAIN)

    def get_url(self, tenant: Any) -> str | None:
        return tenant_url(host=tenant.primary_domain) if tenant.primary_domain else None


class UsageSerializer(serializers.ModelSerializer[TenantUsage]):
    class Meta:
        model = TenantUsage
        fields = ("date", "api_requests", "members", "storage_bytes")


class DeletionSerializer(serializers.ModelSerializer[TenantDeletion]):
    class Meta:
        model = TenantDeletion
        fields = ("id", "tenant_id", "tenant_name", "status", "reason", "scheduled_at", "due_at", "started_at",
                  "finished_at", "export_id", "report")  # fmt: skip


class OperatorTenantDetailSerializer(OperatorTenantSerializer):
    usage = serializers.SerializerMethodField()

    def get_usage(self, tenant: Any) -> list[dict[str, Any]]:
        return UsageSerializer(tenant.usage_days.order_by("-date")[:30], many=True).data  # type: ignore[return-value]


class ReasonInputSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)


class DeleteInputSerializer(ReasonInputSerializer):
    export = serializers.BooleanField(
        required=False, default=True, help_text="Build an export first and email the owners its download link."
    )


class ImpersonateInputSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(max_length=2000)
    user_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    write = serializers.BooleanField(required=False, default=False)


class SubdomainInputSerializer(serializers.Serializer[Any]):
    subdomain = StrictCharField(max_length=63)
    redirect_days = serializers.IntegerField(required=False, min_value=0, max_value=365, default=None)


class TableRowsSerializer(serializers.Serializer[Any]):
    name = StrictCharField()
    rows = serializers.IntegerField()


# The tables, and one list of rows per app that contributes to exports (tenants.export_registry). A comment,
# not a docstring: the schema's description of DataSnapshot stays as it was.
class DataSnapshotSerializer(serializers.Serializer[Any]):
    tables = TableRowsSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for contribution in export_contributions():
            fields[contribution.name] = serializers.ListField(child=serializers.DictField(), required=False)
        return fields


# Named in the schema as DeadLetterStatusEnum (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
DEAD_LETTER_STATUSES = TaskFailure.Status.choices


class DeadLetterSerializer(serializers.ModelSerializer[TaskFailure]):
    """A task that gave up. `retriedTaskId` is the Celery task id of the run a retry queued."""

    args = serializers.JSONField(allow_null=True, help_text="Positional arguments (null: not recorded).")
    kwargs = serializers.JSONField(allow_null=True, help_text="Keyword arguments (null: not recorded).")

    class Meta:
        model = TaskFailure
        fields: tuple[str, ...] = (
            *("id", "task_name", "task_id", "tenant_id", "schema_name", "status", "error", "exception_type"),
            *("retries", "args", "kwargs", "created_at", "resolved_at", "resolved_by", "retried_task_id"),
        )


class DeadLetterDetailSerializer(DeadLetterSerializer):
    class Meta(DeadLetterSerializer.Meta):
        fields = (*DeadLetterSerializer.Meta.fields, "traceback")


class DeadLetterQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=DEAD_LETTER_STATUSES, required=False)
    task = StrictCharField(required=False, max_length=200, help_text="The task's name, e.g. `projects.activity_record`")
    tenant = serializers.UUIDField(required=False, help_text="Only this organisation's letters")


__all__ = ["UrlSerializer"]
