"""An organisation's own audit log, on its host, for its owners. (Operators read every entry through the
operator API, which uses the same selector and serializer.)"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saas.api.pagination import PageNumberPagination
from tenants.permissions import HasRole, IsTenantMember, request_tenant

from ..selectors import audit_list
from .serializers import AuditLogSerializer


class TenantAuditView(APIView):
    """An organisation's own audit log, on its host, for its owners."""

    permission_classes = (IsTenantMember, HasRole.of("owner"))
    pagination_class = PageNumberPagination  # read by the schema: the answer is paginated

    @extend_schema(responses={200: AuditLogSerializer(many=True)}, tags=["audit"])
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page: list[Any] = paginator.paginate_queryset(audit_list(tenant=request_tenant(request)), request, self) or []
        return paginator.get_paginated_response(AuditLogSerializer(page, many=True).data)
