"""Operator API (public host, staff only). An organisation's own audit log is `shared_apps.memberships.api.audit`."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from djangorestframework_camel_case.render import CamelCaseJSONRenderer
from djangorestframework_camel_case.settings import api_settings as camel_case_settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saas.api.errors import ApiError
from saas.api.openapi import error_response
from saas.api.pagination import PageNumberPagination
from saas.api.ratelimit import client_ip
from shared_apps.accounts.models import User
from shared_apps.audit.api.serializers import AuditLogSerializer
from shared_apps.audit.selectors import audit_list
from tenants.models import Tenant
from tenants.storage import download_url, tenant_storage

from ..dead_letters import (
    DeadLetterConflictError,
    dead_letter_discard,
    dead_letter_get,
    dead_letter_list,
    dead_letter_retry,
)
from ..deletion import DeletionExportUnavailableError, deletion_export_open, tenant_deletion_schedule
from ..impersonation import impersonation_start
from ..selectors import deletion_list, tenant_get, tenant_list
from ..services import tenant_data_look, tenant_reactivate, tenant_subdomain_change, tenant_suspend
from .permissions import IsOperator, OperatorAuthentication
from .serializers import (
    DataSnapshotSerializer,
    DeadLetterDetailSerializer,
    DeadLetterQuerySerializer,
    DeadLetterSerializer,
    DeleteInputSerializer,
    DeletionSerializer,
    ImpersonateInputSerializer,
    OperatorTenantDetailSerializer,
    OperatorTenantSerializer,
    ReasonInputSerializer,
    SubdomainInputSerializer,
    UrlSerializer,
)


class OperatorView(APIView):
    authentication_classes = (OperatorAuthentication,)
    permission_classes = (IsOperator,)
    pagination_class = PageNumberPagination  # read by the schema: list answers are paginated (_paginated)

    def operator(self) -> User:
        assert isinstance(self.request.user, User)
        return self.request.user

    def ip(self) -> str | None:
        return client_ip(self.request._request) or None

    def tenant(self, tenant_id: Any) -> Tenant:
        try:
            return tenant_get(tenant_id=tenant_id)
        except Tenant.DoesNotExist as exc:
            raise exceptions.NotFound from exc

    def tenant_response(self, tenant_id: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(OperatorTenantSerializer(self.tenant(tenant_id)).data, status=code)


def _paginated(view: APIView, request: Request, queryset: Any, serializer: Any) -> Response:
    paginator = PageNumberPagination()
    page: list[Any] = paginator.paginate_queryset(queryset, request, view=view) or []
    return paginator.get_paginated_response(serializer(page, many=True).data)


class TenantListView(OperatorView):
    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Name, subdomain, member email, Stripe customer id")],
        responses={200: OperatorTenantSerializer(many=True)},
        tags=["operator"],
    )
    def get(self, request: Request) -> Response:
        return _paginated(self, request, tenant_list(search=request.query_params.get("search", "")),
                          OperatorTenantSerializer)  # fmt: skip


class TenantDetailView(OperatorView):
    @extend_schema(responses={200: OperatorTenantDetailSerializer}, tags=["operator"])
    def get(self, request: Request, tenant_id: str) -> Response:
        return Response(OperatorTenantDetailSerializer(self.tenant(tenant_id)).data)


class TenantSuspendView(OperatorView):
    @extend_schema(request=ReasonInputSerializer, responses={200: OperatorTenantSerializer}, tags=["operator"])
    def post(self, request: Request, tenant_id: str) -> Response:
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant_suspend(tenant=self.tenant(tenant_id), actor=self.operator(), ip=self.ip(),
                       reason=data.validated_data["reason"])  # fmt: skip
        return self.tenant_response(tenant_id)


class TenantReactivateView(OperatorView):
    @extend_schema(request=None, responses={200: OperatorTenantSerializer}, tags=["operator"])
    def post(self, request: Request, tenant_id: str) -> Response:
        tenant_reactivate(tenant=self.tenant(tenant_id), actor=self.operator(), ip=self.ip())
        return self.tenant_response(tenant_id)


class TenantSubdomainView(OperatorView):
    @extend_schema(request=SubdomainInputSerializer, responses={200: OperatorTenantSerializer}, tags=["operator"])
    def post(self, request: Request, tenant_id: str) -> Response:
        data = SubdomainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant_subdomain_change(tenant=self.tenant(tenant_id), subdomain=data.validated_data["subdomain"],
                                actor=self.operator(), ip=self.ip(),
                                redirect_days=data.validated_data["redirect_days"])  # fmt: skip
        return self.tenant_response(tenant_id)


class TenantDeleteView(OperatorView):
    @extend_schema(request=DeleteInputSerializer, responses={202: DeletionSerializer}, tags=["operator"])
    def post(self, request: Request, tenant_id: str) -> Response:
        data = DeleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deletion = tenant_deletion_schedule(tenant=self.tenant(tenant_id), actor=self.operator(), ip=self.ip(),
                                            reason=data.validated_data["reason"],
                                            export=data.validated_data["export"])  # fmt: skip
        return Response(DeletionSerializer(deletion).data, status=status.HTTP_202_ACCEPTED)


class TenantImpersonateView(OperatorView):
    @extend_schema(request=ImpersonateInputSerializer, responses={200: UrlSerializer}, tags=["operator"])
    def post(self, request: Request, tenant_id: str) -> Response:
        data = ImpersonateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        url = impersonation_start(tenant=self.tenant(tenant_id), operator=self.operator(), ip=self.ip(),
                                  reason=data.validated_data["reason"], user_id=data.validated_data["user_id"],
                                  write=data.validated_data["write"])  # fmt: skip
        return Response(UrlSerializer({"url": url}).data)


class TenantDataView(OperatorView):
    """Read-only: the organisation's tables with row counts, and its projects and files."""

    @extend_schema(responses={200: DataSnapshotSerializer}, tags=["operator"])
    def get(self, request: Request, tenant_id: str) -> Response:
        tenant = self.tenant(tenant_id)
        if tenant.status == Tenant.Status.DELETED:
            raise exceptions.NotFound(_("This organisation's data was deleted."))
        snapshot = tenant_data_look(tenant=tenant, actor=self.operator(), ip=self.ip())
        return Response(DataSnapshotSerializer(snapshot).data)


class AuditListView(OperatorView):
    @extend_schema(
        parameters=[OpenApiParameter("tenant", str, description="Only this organisation's entries")],
        responses={200: AuditLogSerializer(many=True)},
        tags=["operator"],
    )
    def get(self, request: Request) -> Response:
        entries = audit_list()
        if request.query_params.get("tenant"):
            entries = entries.filter(tenant_id=self.tenant(request.query_params["tenant"]).id)
        if request.query_params.get("action"):
            entries = entries.filter(action=request.query_params["action"])
        return _paginated(self, request, entries, AuditLogSerializer)


class DeletionListView(OperatorView):
    @extend_schema(responses={200: DeletionSerializer(many=True)}, tags=["operator"])
    def get(self, request: Request) -> Response:
        return _paginated(self, request, deletion_list(), DeletionSerializer)


class ArgumentsAsSentRenderer(CamelCaseJSONRenderer):
    """camelCase keys as everywhere, except inside a task's `args` and `kwargs`: those are the task's own
    parameter names (`tenant_id`), shown as the task will receive them."""

    json_underscoreize = {**camel_case_settings.JSON_UNDERSCOREIZE, "ignore_fields": ("args", "kwargs")}


class DeadLetterView(OperatorView):
    renderer_classes = (ArgumentsAsSentRenderer,)

    def conflict(self, exc: DeadLetterConflictError) -> ApiError:
        return ApiError(status.HTTP_409_CONFLICT, exc.code, exc.detail)


class DeadLetterListView(DeadLetterView):
    """Tasks that gave up (retries exhausted or refused to run), newest first."""

    @extend_schema(
        parameters=[DeadLetterQuerySerializer],
        responses={200: DeadLetterSerializer(many=True)},
        tags=["operator"],
    )
    def get(self, request: Request) -> Response:
        query = DeadLetterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        letters = dead_letter_list(status=query.validated_data.get("status", ""),
                                   task=query.validated_data.get("task", ""),
                                   tenant_id=query.validated_data.get("tenant"))  # fmt: skip
        return _paginated(self, request, letters, DeadLetterSerializer)


class DeadLetterDetailView(DeadLetterView):
    @extend_schema(responses={200: DeadLetterDetailSerializer}, tags=["operator"])
    def get(self, request: Request, letter_id: int) -> Response:
        return Response(DeadLetterDetailSerializer(dead_letter_get(letter_id=letter_id)).data)


class DeadLetterRetryView(DeadLetterView):
    """Queue the task again, once, with the same arguments in its organisation's schema (through the outbox).
    409 `dead_letter_resolved` if the letter was already retried or discarded, `dead_letter_not_retryable`
    if it cannot be re-run (no recorded arguments, or its organisation is gone)."""

    @extend_schema(request=None, responses={202: DeadLetterSerializer, 409: error_response(409)}, tags=["operator"])
    def post(self, request: Request, letter_id: int) -> Response:
        try:
            letter = dead_letter_retry(letter_id=letter_id, actor=self.operator(), ip=self.ip())
        except DeadLetterConflictError as exc:
            raise self.conflict(exc) from exc
        return Response(DeadLetterSerializer(letter).data, status=status.HTTP_202_ACCEPTED)


class DeadLetterDiscardView(DeadLetterView):
    """Mark the letter discarded (it stays listed). 409 `dead_letter_resolved` if it was already resolved."""

    @extend_schema(request=None, responses={200: DeadLetterSerializer, 409: error_response(409)}, tags=["operator"])
    def post(self, request: Request, letter_id: int) -> Response:
        try:
            letter = dead_letter_discard(letter_id=letter_id, actor=self.operator(), ip=self.ip())
        except DeadLetterConflictError as exc:
            raise self.conflict(exc) from exc
        return Response(DeadLetterSerializer(letter).data)


class DeletionExportView(APIView):
    """The link emailed to an organisation's owners when its deletion is scheduled (public host).

    The signed link is the credential, like a presigned URL, and works only while the deletion is still
    scheduled. Each visit mints a fresh short-lived download URL, so the link can outlive 15 minutes.
    """

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(responses={302: None}, tags=["operator"])
    def get(self, request: Request, token: str) -> HttpResponseRedirect | FileResponse:
        try:
            tenant, key, filename = deletion_export_open(token=token)
        except DeletionExportUnavailableError as exc:
            code = status.HTTP_409_CONFLICT if exc.code == "export_not_ready" else status.HTTP_404_NOT_FOUND
            raise ApiError(code, exc.code, str(exc)) from exc
        storage = tenant_storage(tenant)
        if isinstance(storage, FileSystemStorage):  # development: the organisation's host is suspended
            return FileResponse(storage.open(key, "rb"), as_attachment=True, filename=filename)
        return HttpResponseRedirect(download_url(tenant=tenant, key=key, filename=filename))
