from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import AuditLog


class AuditLogSerializer(serializers.ModelSerializer[AuditLog]):
    actor = serializers.SerializerMethodField()
    tenant_id = serializers.UUIDField(allow_null=True)
    extra = serializers.JSONField()

    class Meta:
        model = AuditLog
        fields = ("id", "created_at", "actor", "action", "tenant_id", "target_type", "target_id", "ip", "extra")

    def get_actor(self, entry: AuditLog) -> dict[str, Any] | None:
        if not entry.actor_id and not entry.actor_email:
            return None
        return {"id": entry.actor_id, "email": entry.actor_email}
