"""Invitations on an organisation's host (API.md): owners and admins list, create, revoke and resend;
anyone holding a link previews and accepts it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from saas.api.openapi import error_response
from saas.api.ratelimit import client_ip, rate_limit
from shared_apps.accounts.api.serializers import MfaChallengeSerializer
from shared_apps.accounts.api.views import LOGIN_RESPONSE, InvalidCredentials, session_response
from shared_apps.accounts.mfa import mfa_challenge_create, mfa_enabled
from shared_apps.accounts.tokens import token_pair_issue

from ..actions import Action
from ..invitations import (
    InvitationCredentialsError,
    account_exists,
    invitation_accept,
    invitation_by_token,
    invitation_create,
    invitation_list,
    invitation_resend,
    invitation_revoke,
)
from ..models import Invitation
from ..permissions import IsTenantMember, MemberMay
from .invitation_serializers import (
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationPreviewQuerySerializer,
    InvitationPreviewSerializer,
    InvitationSerializer,
)
from .tenant_views import TenantAPIView, TenantGenericAPIView

MANAGERS = (IsTenantMember, MemberMay.of(Action.MEMBERS_MANAGE))


def _row(invitation: Invitation) -> dict[str, Any]:
    inviter = invitation.invited_by
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation.status,
        "expires_at": invitation.expires_at,
        "invited_by": {"id": inviter.id, "email": inviter.email} if inviter else None,
    }


class InvitationListView(TenantGenericAPIView):
    permission_classes = MANAGERS
    serializer_class = InvitationSerializer

    @extend_schema(responses={200: InvitationSerializer(many=True)}, tags=["invitations"])
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(invitation_list(tenant=self.tenant))
        return self.get_paginated_response(InvitationSerializer([_row(i) for i in page or []], many=True).data)

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer}, tags=["invitations"])
    def post(self, request: Request) -> Response:
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = self.tenant
        rate_limit("invitations_tenant", str(tenant.id))
        invitation = invitation_create(
            tenant=tenant,
            inviter=self.membership,
            email=data.validated_data["email"],
            role=data.validated_data["role"],
        )
        return Response(InvitationSerializer(_row(invitation)).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(TenantAPIView):
    permission_classes = MANAGERS

    @extend_schema(responses={204: None}, tags=["invitations"])
    def delete(self, request: Request, invitation_id: UUID) -> Response:
        invitation_revoke(tenant=self.tenant, actor=self.membership, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResendView(TenantAPIView):
    permission_classes = MANAGERS

    @extend_schema(request=None, responses={202: InvitationSerializer}, tags=["invitations"])
    def post(self, request: Request, invitation_id: UUID) -> Response:
        tenant = self.tenant
        rate_limit("invitations_tenant", str(tenant.id))
        invitation = invitation_resend(tenant=tenant, actor=self.membership, invitation_id=invitation_id)
        return Response(InvitationSerializer(_row(invitation)).data, status=status.HTTP_202_ACCEPTED)


class InvitationPreviewView(TenantAPIView):
    """Who invited whom, for the accept page. No login; 404 for any link that cannot be accepted here."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        parameters=[OpenApiParameter("token", str, required=True)],
        responses={200: InvitationPreviewSerializer, 404: error_response(404)},
        tags=["invitations"],
    )
    def get(self, request: Request) -> Response:
        rate_limit("invitation_accept_ip", client_ip(request._request))
        query = InvitationPreviewQuerySerializer(data=request.query_params.dict())
        if not query.is_valid():
            raise exceptions.NotFound
        try:
            invitation = invitation_by_token(tenant=self.tenant, token=query.validated_data["token"])
        except Invitation.DoesNotExist as exc:
            raise exceptions.NotFound from exc
        body = {
            "organisation_name": invitation.tenant.name,
            "email": invitation.email,
            "role": invitation.role,
            "account_exists": account_exists(email=invitation.email),
        }
        return Response(InvitationPreviewSerializer(body).data)


class InvitationAcceptView(TenantAPIView):
    """Join with the link's token: creates the invited email's account, or signs into it with its password."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        request=InvitationAcceptSerializer,
        responses={200: LOGIN_RESPONSE, 401: error_response(401), 404: error_response(404)},
        tags=["invitations"],
        description=(
            "Joins, then answers like a login: tokens, or for an account with MFA `{mfaRequired, mfaToken, "
            "methods}` and no tokens (the membership is made; the second step is `POST /api/v1/auth/mfa/`)."
        ),
    )
    def post(self, request: Request) -> Response:
        rate_limit("invitation_accept_ip", client_ip(request._request))
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = self.tenant
        try:
            membership = invitation_accept(
                tenant=tenant,
                token=data.validated_data["token"],
                password=data.validated_data["password"],
                full_name=data.validated_data["full_name"],
            )
        except InvitationCredentialsError as exc:
            raise InvalidCredentials from exc  # the same answer as a failed login
        if mfa_enabled(membership.user):
            # The password alone never gives tokens to an account with a second factor, here as at login.
            challenge = mfa_challenge_create(user=membership.user, tenant=tenant)
            body = {"mfa_required": True, "mfa_token": challenge.token, "methods": challenge.methods}
            return Response(MfaChallengeSerializer(body).data)
        pair = token_pair_issue(user=membership.user, tenant=tenant, membership=membership)
        return session_response(pair, membership.user, membership)


urlpatterns = [
    path("", InvitationListView.as_view(), name="invitations"),
    path("preview/", InvitationPreviewView.as_view(), name="invitation-preview"),
    path("accept/", InvitationAcceptView.as_view(), name="invitation-accept"),
    path("<uuid:invitation_id>/", InvitationDetailView.as_view(), name="invitation-detail"),
    path("<uuid:invitation_id>/resend/", InvitationResendView.as_view(), name="invitation-resend"),
]
