"""An organisation's own audit log, on its host, for the roles allowed to read it. (Operators read every
entry through the operator API, which uses the same selector and serializer.)

Here rather than in shared_apps.audit: who may read it is a membership rule, and audit sits below
memberships (everything records through it).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from saas.api.pagination import PageNumberPagination
from shared_apps.audit.api.serializers import AuditLogSerializer
from shared_apps.audit.selectors import audit_list

from ..actions import Action
from ..permissions import IsTenantMember, MemberMay
from .tenant_views import TenantAPIView


class AuditFilterSerializer(serializers.Serializer[dict[str, Any]]):
    # Filters only narrow: a value that names no kind or no person matches nothing (an empty page), so
    # nothing here is refused and the schema promises no constraint the server would add.
    action = serializers.CharField(
        required=False, allow_blank=True, help_text="Entries whose action starts with this, e.g. `member.`."
    )
    actor = serializers.CharField(required=False, allow_blank=True, help_text="Entries by this person (email).")


class TenantAuditView(TenantAPIView):
    """An organisation's own audit log, on its host, for its owners; filtered by kind and by person."""

    permission_classes = (IsTenantMember, MemberMay.of(Action.AUDIT_READ))
    pagination_class = PageNumberPagination  # read by the schema: the answer is paginated

    @extend_schema(parameters=[AuditFilterSerializer], responses={200: AuditLogSerializer(many=True)}, tags=["audit"])
    def get(self, request: Request) -> Response:
        filters = AuditFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        entries = audit_list(
            tenant=self.tenant,
            action_prefix=filters.validated_data.get("action", ""),
            actor_email=filters.validated_data.get("actor", ""),
        )
        paginator = PageNumberPagination()
        page: list[Any] = paginator.paginate_queryset(entries, request, self) or []
        return paginator.get_paginated_response(AuditLogSerializer(page, many=True).data)


urlpatterns = [path("", TenantAuditView.as_view(), name="audit")]
