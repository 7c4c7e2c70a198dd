from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from shared_apps.memberships.actions import Action
from shared_apps.memberships.api.tenant_views import TenantAPIView
from shared_apps.memberships.permissions import IsTenantMember, MemberMay
from tenants.entitlements import HasFeature
from tenants.storage import download_url

from ..models import Export
from ..services import export_request
from .serializers import ExportSerializer

# Owners and admins, on a plan that includes exports (every plan does when billing is off).
OWNERS_AND_ADMINS = (IsTenantMember, MemberMay.of(Action.EXPORTS_MANAGE), HasFeature.of("exports"))


class ExportListView(TenantAPIView):
    permission_classes = OWNERS_AND_ADMINS

    @extend_schema(request=None, responses={202: ExportSerializer}, tags=["exports"])
    def post(self, request: Request) -> Response:
        export = export_request(tenant=self.tenant, requested_by=self.user)
        return Response(
            ExportSerializer({"id": export.id, "status": export.status}).data, status=status.HTTP_202_ACCEPTED
        )


class ExportDetailView(TenantAPIView):
    permission_classes = OWNERS_AND_ADMINS

    @extend_schema(responses={200: ExportSerializer}, tags=["exports"])
    def get(self, request: Request, export_id: int) -> Response:
        export = Export.objects.filter(pk=export_id).first()
        if export is None:
            raise exceptions.NotFound
        body: dict[str, Any] = {"id": export.id, "status": export.status}
        if export.status == Export.Status.DONE:
            body["download_url"] = download_url(
                tenant=self.tenant,
                key=export.key,
                filename=f"export-{export.id}.zip",
            )
        return Response(ExportSerializer(body).data)
