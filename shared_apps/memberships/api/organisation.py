"""/api/v1/organisation/ on an organisation's host: its settings, its logo, leaving it, deleting it.

The rules and the work are in shared_apps/memberships/organisation.py; these views read the request and
shape the answer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from saas.api.fields import StrictCharField
from saas.api.openapi import error_response
from saas.api.ratelimit import client_ip
from tenants.hosts import subdomain_of
from tenants.models import Tenant
from tenants.selectors import tenant_primary_domain

from ..actions import Action
from ..organisation import (
    LOGO_MAX_BYTES,
    LOGO_MAX_SIDE,
    NAME_MAX_LENGTH,
    organisation_deletion_request,
    organisation_leave,
    organisation_logo_remove,
    organisation_logo_upload,
    organisation_logo_url,
    organisation_update,
)
from ..permissions import IsTenantMember, MemberMay
from .overview import OrganisationOverviewView
from .tenant_views import TenantAPIView

TAGS = ["organisation"]


class StrictBooleanField(serializers.BooleanField):
    """true or false only. DRF's BooleanField also takes "yes", "1", 1..., which the schema's `type: boolean`
    refuses: a client sending them has a bug we should tell it about (like StrictCharField)."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class OrganisationSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = StrictCharField()
    subdomain = StrictCharField()
    logo_url = StrictCharField(
        allow_null=True,
        help_text=f"The logo ({LOGO_MAX_SIDE} px at most, PNG), a link valid for 15 minutes; null when there is none "
        "(an upload shows here once it has been resized, a few seconds later).",
    )
    require_mfa = serializers.BooleanField(help_text="Members without MFA get 403 `mfa_setup_required`.")
    created_at = serializers.DateTimeField()


class OrganisationUpdateSerializer(serializers.Serializer[Any]):
    name = StrictCharField(max_length=NAME_MAX_LENGTH, required=False, help_text="Owners and admins.")
    require_mfa = StrictBooleanField(
        required=False,
        help_text="Owners only, and turning it on needs MFA on their own account (400 `mfa_not_enabled`).",
    )


class LogoUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text=f"PNG, JPEG, GIF or WebP, at most {LOGO_MAX_BYTES} bytes and 40 megapixels.",
    )


class DeletionInputSerializer(serializers.Serializer[Any]):
    confirm = StrictCharField(max_length=63, help_text="The organisation's subdomain (`acme`), typed to confirm.")
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class DeletionSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["scheduled"])
    due_at = serializers.DateTimeField(help_text="When its data is erased; until then an operator can cancel it.")


def _organisation(tenant: Tenant) -> dict[str, Any]:
    return OrganisationSerializer(
        {
            "id": tenant.id,
            "name": tenant.name,
            "subdomain": subdomain_of(tenant_primary_domain(tenant=tenant), settings.SAAS_BASE_DOMAIN),
            "logo_url": organisation_logo_url(tenant),
            "require_mfa": tenant.require_mfa,
            "created_at": tenant.created_at,
        }
    ).data


class OrganisationView(TenantAPIView):
    permission_classes = (IsTenantMember,)

    @extend_schema(responses={200: OrganisationSerializer}, tags=TAGS, summary="The organisation's settings")
    def get(self, request: Request) -> Response:
        return Response(_organisation(self.tenant))

    @extend_schema(
        request=OrganisationUpdateSerializer,
        responses={200: OrganisationSerializer},
        tags=TAGS,
        summary="Rename the organisation (owners, admins) or require MFA of its members (owners)",
    )
    def patch(self, request: Request) -> Response:
        data = OrganisationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = organisation_update(
            tenant=self.tenant, actor=self.membership, ip=client_ip(request._request), **data.validated_data
        )
        return Response(_organisation(tenant))


class OrganisationLogoView(TenantAPIView):
    permission_classes = (MemberMay.of(Action.ORGANISATION_MANAGE),)
    parser_classes = (MultiPartParser,)

    # 202, not 200: the logo served changes only once the worker has resized the upload; the body is the
    # organisation as it is now (its previous logoUrl, or null), to be read again for the new one.
    @extend_schema(
        request={"multipart/form-data": LogoUploadSerializer},
        responses={202: OrganisationSerializer},
        tags=TAGS,
        summary="Upload a logo (owners, admins): resized in the background",
    )
    def post(self, request: Request) -> Response:
        data = LogoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = organisation_logo_upload(
            tenant=self.tenant, actor=self.user, upload=data.validated_data["file"], ip=client_ip(request._request)
        )
        return Response(_organisation(tenant), status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={204: None}, tags=TAGS, summary="Remove the logo (owners, admins)")
    def delete(self, request: Request) -> Response:
        organisation_logo_remove(tenant=self.tenant, actor=self.user, ip=client_ip(request._request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganisationLeaveView(TenantAPIView):
    permission_classes = (IsTenantMember,)

    # 400 `last_owner` (attr `role`): the organisation's last owner cannot leave.
    @extend_schema(
        request=None, responses={204: None, 400: error_response(400)}, tags=TAGS, summary="Leave the organisation"
    )
    def post(self, request: Request) -> Response:
        organisation_leave(tenant=self.tenant, actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganisationDeletionView(TenantAPIView):
    permission_classes = (MemberMay.of(Action.ORGANISATION_SECURITY),)

    @extend_schema(
        request=DeletionInputSerializer,
        responses={202: DeletionSerializer},
        tags=TAGS,
        summary="Delete the organisation (owners): suspended now, erased after the grace period",
        description="The organisation is suspended at once (its host answers 403 `tenant_suspended`) and its "
        "owners are emailed a link to an export of its data; an operator can still cancel it until `dueAt`.",
    )
    def post(self, request: Request) -> Response:
        data = DeletionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        due_at = organisation_deletion_request(
            tenant=self.tenant, actor=self.membership, ip=client_ip(request._request), **data.validated_data
        )
        return Response(
            DeletionSerializer({"status": "scheduled", "due_at": due_at}).data, status=status.HTTP_202_ACCEPTED
        )


urlpatterns = [
    path("", OrganisationView.as_view(), name="organisation"),
    path("logo/", OrganisationLogoView.as_view(), name="organisation-logo"),
    path("leave/", OrganisationLeaveView.as_view(), name="organisation-leave"),
    path("deletion/", OrganisationDeletionView.as_view(), name="organisation-deletion"),
    path("overview/", OrganisationOverviewView.as_view(), name="organisation-overview"),
]
