"""The sample tenant app's API: copy this file's shape for your own app (see README)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from shared_apps.memberships.api.tenant_views import TenantGenericAPIView
from shared_apps.memberships.permissions import IsTenantMember

from ..models import Project
from ..selectors import project_get, project_list
from ..services import project_create, project_delete, project_update
from .serializers import ProjectInputSerializer, ProjectListQuerySerializer, ProjectSerializer, ProjectUpdateSerializer


def _project(project_id: int) -> Project:
    try:
        return project_get(project_id=project_id)
    except Project.DoesNotExist as exc:
        raise exceptions.NotFound from exc


class ProjectListView(TenantGenericAPIView):
    permission_classes = (IsTenantMember,)
    serializer_class = ProjectSerializer

    @extend_schema(
        parameters=[ProjectListQuerySerializer], responses={200: ProjectSerializer(many=True)}, tags=["projects"]
    )
    def get(self, request: Request) -> Response:
        query = ProjectListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(project_list(**query.validated_data))
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer}, tags=["projects"])
    def post(self, request: Request) -> Response:
        data = ProjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_create(tenant=self.tenant, **data.validated_data, created_by=self.user)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(TenantGenericAPIView):
    permission_classes = (IsTenantMember,)
    serializer_class = ProjectSerializer

    @extend_schema(responses={200: ProjectSerializer}, tags=["projects"])
    def get(self, request: Request, project_id: int) -> Response:
        return Response(ProjectSerializer(_project(project_id)).data)

    @extend_schema(request=ProjectUpdateSerializer, responses={200: ProjectSerializer}, tags=["projects"])
    def patch(self, request: Request, project_id: int) -> Response:
        project = _project(project_id)
        data = ProjectUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_update(tenant=self.tenant, project=project, actor=self.user, **data.validated_data)
        return Response(ProjectSerializer(project).data)

    @extend_schema(responses={204: None}, tags=["projects"])
    def delete(self, request: Request, project_id: int) -> Response:
        project_delete(project=_project(project_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
