"""/api/v1/me/ on an organisation's host: the signed-in person, their profile, avatar, password and sessions.

An account is global (one person, any number of organisations), so what is changed here is changed for
every organisation; each change is audited in the organisation where it was made. The rules and the work
are in shared_apps/accounts/profile.py, avatars.py, passwords.py and sessions.py; these views read the
request and shape the answer.

While an operator impersonates the person, the account itself cannot be changed (403
`impersonation_not_allowed`): impersonation is for working in one organisation as its member, not for
renaming, re-picturing, re-keying or signing out the person everywhere.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from saas.api.fields import StrictCharField
from saas.api.pagination import PageNumberPagination
from saas.api.ratelimit import client_ip, rate_limit
from shared_apps.memberships.actions import actions_of
from shared_apps.memberships.api.tenant_views import TenantAPIView
from shared_apps.memberships.authentication import MfaSetupRequired, mfa_setup_required
from shared_apps.memberships.models import Membership
from shared_apps.memberships.permissions import IsTenantMember
from shared_apps.memberships.selectors import tenants_of
from tenants.hosts import subdomain_of
from tenants.models import Tenant
from tenants.selectors import tenant_primary_domain, tenant_primary_domains, tenant_url

from ..avatars import AVATAR_MAX_BYTES, AVATAR_MAX_SIDE, avatar_remove, avatar_upload, avatar_url
from ..models import User
from ..passwords import password_change
from ..profile import FULL_NAME_MAX_LENGTH, user_name_update
from ..sessions import SessionNotFoundError, session_revoke, session_rows, sessions_from_rows, sessions_revoke_all
from ..social_connect import social_connect_token_create
from ..tokens import token_family_of
from .cookies import clear_refresh_cookie
from .serializers import MeSerializer, TenantBriefSerializer

TAGS = ["me"]


class OwnAccount(IsTenantMember):
    """A member, and for a change: signed in as themself, not impersonated by an operator."""

    message = gettext_lazy("An impersonation cannot change the person's own account.")
    code = "impersonation_not_allowed"

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        return not (request.auth is not None and request.auth.get("imp"))  # type: ignore[union-attr]


class MeUpdateSerializer(serializers.Serializer[Any]):
    full_name = StrictCharField(
        max_length=FULL_NAME_MAX_LENGTH,
        required=False,
        trim_whitespace=True,
        help_text="Trimmed; not blank (400 `blank`).",
    )


class AvatarUploadSerializer(serializers.Serializer[Any]):
    image = serializers.FileField(
        help_text=f"PNG, JPEG, GIF or WebP, at most {AVATAR_MAX_BYTES} bytes and 40 megapixels.",
    )


class PasswordChangeSerializer(serializers.Serializer[Any]):
    current_password = StrictCharField(max_length=256, trim_whitespace=False)
    new_password = StrictCharField(max_length=256, trim_whitespace=False)


class SessionSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(help_text="The session's id (its refresh-token family).")
    organisation = TenantBriefSerializer(allow_null=True, help_text="Where it is signed in; null: the public site.")
    created_at = serializers.DateTimeField(help_text="When it signed in.")
    last_used_at = serializers.DateTimeField(help_text="Its latest token refresh (or the sign-in).")
    current = serializers.BooleanField(help_text="The session making this request.")


def _organisations(user: User, current: Tenant) -> list[dict[str, Any]]:
    """The person's active organisations for the switcher (tenants_of, as the account's own list on the
    public host): suspended ones are left out, their hosts answer 403."""
    memberships: list[Membership] = list(tenants_of(user_id=user.pk).filter(tenant__status=Tenant.Status.ACTIVE))
    hosts = tenant_primary_domains(tenant_ids=[membership.tenant_id for membership in memberships])
    rows = []
    for membership in memberships:
        host = hosts.get(membership.tenant_id, "")
        rows.append(
            {
                "id": membership.tenant.id,
                "name": membership.tenant.name,
                "subdomain": subdomain_of(host, settings.SAAS_BASE_DOMAIN),
                "url": tenant_url(host=host),
                "role": membership.role,
                "current": membership.tenant_id == current.id,
            }
        )
    return rows


def me_body(request: Request, membership: Membership, user: User) -> dict[str, Any]:
    """GET /api/v1/me/'s body, also the answer of every change to it. `user`: the account as just saved."""
    tenant = membership.tenant
    organisations = _organisations(user, tenant)
    here = next((row for row in organisations if row["current"]), None)  # listed, unless it changed meanwhile
    host = None if here else tenant_primary_domain(tenant=tenant)
    subdomain = here["subdomain"] if here else subdomain_of(host or "", settings.SAAS_BASE_DOMAIN)
    impersonator = None
    imp = request.auth.get("imp") if request.auth is not None else None  # type: ignore[union-attr]
    if imp:
        actor = User.objects.filter(pk=imp).first()
        impersonator = {"id": actor.id, "email": actor.email} if actor else None
    body = {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "avatar_url": avatar_url(user),
        "role": membership.role,
        "permissions": actions_of(membership.role),
        "tenant": {"id": tenant.id, "name": tenant.name, "subdomain": subdomain},
        "organisations": organisations,
        "impersonated_by": impersonator,
        "mfa_setup_required": mfa_setup_required(tenant=tenant, user=user, token=request.auth),
    }
    return dict(MeSerializer(body).data)


def _ip(request: Request) -> str | None:
    return client_ip(request._request) or None


class MeView(TenantAPIView):
    permission_classes = (OwnAccount,)
    # Answers a member the organisation's requireMfa holds back, with `mfaSetupRequired` saying so (GET only).
    allowed_during_mfa_setup = True

    @extend_schema(responses={200: MeSerializer}, tags=TAGS, summary="The signed-in person in this organisation")
    def get(self, request: Request) -> Response:
        return Response(me_body(request, self.membership, self.user))

    @extend_schema(
        request=MeUpdateSerializer,
        responses={200: MeSerializer},
        tags=TAGS,
        summary="Change one's own name (for every organisation)",
    )
    def patch(self, request: Request) -> Response:
        if mfa_setup_required(tenant=self.tenant, user=self.user, token=request.auth):
            raise MfaSetupRequired()  # only reading /me is allowed until MFA is set up
        data = MeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = self.user
        if "full_name" in data.validated_data:
            user = user_name_update(
                user=user, full_name=data.validated_data["full_name"], tenant=self.tenant, ip=_ip(request)
            )
        return Response(me_body(request, self.membership, user))


class MeAvatarView(TenantAPIView):
    permission_classes = (OwnAccount,)
    parser_classes = (MultiPartParser,)

    # 202, not 200: the avatar served changes only once the worker has resized the upload; the body is the
    # person as they are now (the previous avatarUrl, or null), to be read again for the new one.
    @extend_schema(
        request={"multipart/form-data": AvatarUploadSerializer},
        responses={202: MeSerializer},
        tags=TAGS,
        summary="Upload one's avatar: resized in the background",
        description=f"The image is checked (a PNG, JPEG, GIF or WebP of at most {AVATAR_MAX_BYTES} bytes and 40 "
        f"megapixels: 400 `empty`, `too_large`, `not_an_image`, `unsupported_image_type`, `image_too_large`, attr "
        f"`image`) and stored; a worker makes the copy served ({AVATAR_MAX_SIDE} px at most, PNG), which "
        "`avatarUrl` shows a few seconds later. The newest upload wins.",
    )
    def put(self, request: Request) -> Response:
        data = AvatarUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = avatar_upload(user=self.user, upload=data.validated_data["image"], tenant=self.tenant, ip=_ip(request))
        return Response(me_body(request, self.membership, user), status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={204: None}, tags=TAGS, summary="Remove one's avatar")
    def delete(self, request: Request) -> Response:
        avatar_remove(user=self.user, tenant=self.tenant, ip=_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MePasswordView(TenantAPIView):
    permission_classes = (OwnAccount,)

    @extend_schema(
        request=PasswordChangeSerializer,
        responses={204: None},
        tags=TAGS,
        summary="Change one's password; every other session ends",
        description="400 `incorrect_password` (attr `currentPassword`) for a wrong current password; "
        "`password_unchanged` or `password_weak` (attr `newPassword`, one error per rule the new one breaks). "
        "On success every other session of the account ends (in every organisation and on the public site); "
        "this one stays signed in, and the person is emailed that their password changed. Attempts count "
        "against the login's rate limits (per address and per account): 429.",
    )
    def post(self, request: Request) -> Response:
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = self.user
        rate_limit("login_ip", client_ip(request._request))
        rate_limit("login_email", user.email)
        password_change(
            user=user,
            current_password=data.validated_data["current_password"],
            new_password=data.validated_data["new_password"],
            keep_session=token_family_of(request.auth),
            tenant=self.tenant,
            request=request._request,
            ip=_ip(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSessionsView(TenantAPIView):
    permission_classes = (OwnAccount,)
    pagination_class = PageNumberPagination  # read by the schema: the list is paginated

    @extend_schema(
        responses={200: SessionSerializer(many=True)},
        tags=TAGS,
        summary="One's sessions, on every host",
        description="Every sign-in of the account still able to refresh (not signed out, revoked or expired), "
        "in any organisation or on the public site, most recently used first; `current` marks this one.",
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(session_rows(user=self.user), request, view=self) or []
        current = token_family_of(request.auth)
        sessions = sessions_from_rows(list(page))
        hosts = tenant_primary_domains(tenant_ids=[s.tenant.id for s in sessions if s.tenant is not None])
        rows = [
            {
                "id": session.id,
                "organisation": None
                if session.tenant is None
                else {
                    "id": session.tenant.id,
                    "name": session.tenant.name,
                    "subdomain": subdomain_of(hosts.get(session.tenant.id, ""), settings.SAAS_BASE_DOMAIN),
                },
                "created_at": session.created_at,
                "last_used_at": session.last_used_at,
                "current": str(session.id) == current,
            }
            for session in sessions
        ]
        return paginator.get_paginated_response(SessionSerializer(rows, many=True).data)


class MeSessionView(TenantAPIView):
    permission_classes = (OwnAccount,)

    @extend_schema(
        responses={204: None},
        tags=TAGS,
        summary="End one of one's sessions",
        description="Its refresh tokens stop working at once (access tokens already issued expire within "
        "minutes). This session too, if it is this one (the refresh cookie is then cleared). 404 for an id "
        "that is not one of the person's live sessions.",
    )
    def delete(self, request: Request, session_id: Any) -> Response:
        try:
            session_revoke(user=self.user, session_id=session_id, tenant=self.tenant, ip=_ip(request))
        except SessionNotFoundError as exc:
            raise exceptions.NotFound from exc
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if str(session_id) == token_family_of(request.auth):
            clear_refresh_cookie(response)
        return response


class MeSessionsRevokeAllView(TenantAPIView):
    permission_classes = (OwnAccount,)

    @extend_schema(
        request=None,
        responses={204: None},
        tags=TAGS,
        summary="Sign out everywhere",
        description="Every session of the account ends, this one included (the refresh cookie is cleared): "
        "the next sign-in is needed everywhere.",
    )
    def post(self, request: Request) -> Response:
        sessions_revoke_all(user=self.user, tenant=self.tenant, ip=_ip(request))
        return clear_refresh_cookie(Response(status=status.HTTP_204_NO_CONTENT))


class ConnectTokenSerializer(serializers.Serializer[Any]):
    connect_token = serializers.CharField(read_only=True)


class MeSocialConnectView(TenantAPIView):
    permission_classes = (OwnAccount,)

    @extend_schema(
        request=None,
        responses={200: ConnectTokenSerializer},
        tags=TAGS,
        summary="Start connecting a sign-in provider to one's account",
        description="A single-use token (valid 10 minutes) that binds a provider connect to this account: the "
        "browser posts it as `connect_token` with `process=connect` to allauth's provider redirect on this "
        "host, and the provider account is connected to this account only (whoever completes the provider's "
        "login). Not for an impersonation (403).",
    )
    def post(self, request: Request) -> Response:
        rate_limit("login_ip", client_ip(request._request))
        token = social_connect_token_create(user=self.user, tenant=self.tenant)
        return Response(ConnectTokenSerializer({"connect_token": token}).data)


urlpatterns = [
    path("", MeView.as_view(), name="me"),
    path("avatar/", MeAvatarView.as_view(), name="me-avatar"),
    path("password/", MePasswordView.as_view(), name="me-password"),
    path("sessions/", MeSessionsView.as_view(), name="me-sessions"),
    path("sessions/revoke-all/", MeSessionsRevokeAllView.as_view(), name="me-sessions-revoke-all"),
    path("sessions/<uuid:session_id>/", MeSessionView.as_view(), name="me-session"),
    path("social/connect/", MeSocialConnectView.as_view(), name="me-social-connect"),
]
