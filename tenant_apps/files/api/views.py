from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from shared_apps.memberships.api.tenant_views import TenantGenericAPIView
from shared_apps.memberships.permissions import IsTenantMember
from tenant_apps.projects.models import Project
from tenants.models import Tenant
from tenants.storage import download_url

from ..models import File
from ..selectors import file_get, file_list
from ..services import file_delete, file_upload
from .serializers import (
    FileDetailSerializer,
    FileLimitsSerializer,
    FileListQuerySerializer,
    FileSerializer,
    FileUploadSerializer,
)


def _serialized(files: Any, *, tenant: Tenant, many: bool = False) -> Any:
    return FileSerializer(files, many=many, context={"tenant": tenant}).data  # it signs thumbnail links for it


def _file(file_id: int) -> File:
    try:
        return file_get(file_id=file_id)
    except File.DoesNotExist as exc:
        raise exceptions.NotFound from exc


class FileListView(TenantGenericAPIView):
    permission_classes = (IsTenantMember,)
    serializer_class = FileSerializer
    parser_classes = (MultiPartParser,)

    @extend_schema(
        parameters=[FileListQuerySerializer],
        responses={200: FileSerializer(many=True)},
        tags=["files"],
    )
    def get(self, request: Request) -> Response:
        query = FileListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(file_list(project_id=query.validated_data.get("project_id")))
        return self.get_paginated_response(_serialized(page, tenant=self.tenant, many=True))

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer}, responses={201: FileSerializer}, tags=["files"]
    )
    def post(self, request: Request) -> Response:
        data = FileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = None
        if data.validated_data.get("project_id") is not None:
            project = Project.objects.filter(pk=data.validated_data["project_id"]).first()
            if project is None:
                raise exceptions.ValidationError({"project_id": [_("No such project.")]})
        file = file_upload(
            tenant=self.tenant, upload=data.validated_data["file"], uploaded_by=self.user, project=project
        )
        return Response(_serialized(file, tenant=self.tenant), status=status.HTTP_201_CREATED)


class FileLimitsView(TenantGenericAPIView):
    """What an upload may be, so the page can refuse a file that is too large before sending its bytes."""

    permission_classes = (IsTenantMember,)

    @extend_schema(responses={200: FileLimitsSerializer}, tags=["files"])
    def get(self, request: Request) -> Response:
        body = {"max_upload_bytes": settings.FILE_UPLOAD_MAX_BYTES, "content_types": list(settings.FILE_CONTENT_TYPES)}
        return Response(FileLimitsSerializer(body).data)


class FileDetailView(TenantGenericAPIView):
    permission_classes = (IsTenantMember,)
    serializer_class = FileDetailSerializer

    @extend_schema(responses={200: FileDetailSerializer}, tags=["files"])
    def get(self, request: Request, file_id: int) -> Response:
        file = _file(file_id)
        url = download_url(tenant=self.tenant, key=file.key, filename=file.name)
        return Response({**_serialized(file, tenant=self.tenant), "download_url": url})

    @extend_schema(responses={204: None}, tags=["files"])
    def delete(self, request: Request, file_id: int) -> Response:
        file_delete(tenant=self.tenant, file=_file(file_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
