"""The one DRF authentication class: tenant-bound JWT, with the membership checked on every request."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from shared_apps.accounts.mfa import mfa_enabled
from shared_apps.accounts.models import User
from shared_apps.accounts.tokens import TokenInvalidError, access_token_decode, tenant_claim
from tenants.models import Tenant
from tenants.routed import routed_tenant

from .models import Membership


class TokenNotValid(exceptions.AuthenticationFailed):
    default_detail = gettext_lazy("Token is missing, expired or not valid for this organisation.")
    default_code = "token_not_valid"


class MfaSetupRequired(exceptions.PermissionDenied):
    default_detail = gettext_lazy(
        "This organisation requires multi-factor authentication: set it up on your account first."
    )
    default_code = "mfa_setup_required"


def mfa_setup_required(*, tenant: Tenant, user: User, token: Any) -> bool:
    """The organisation requires MFA (`Tenant.require_mfa`) and this session's account has none, so the API
    answers it only where setting MFA up needs it. An operator impersonating (`imp` in the token) is exempt:
    their own sign-in is the one that counts, the link was audited, and helping a member who cannot set MFA
    up is what impersonation is for. The MFA query runs only for organisations that require it."""
    return bool(tenant.require_mfa) and not token.get("imp") and not mfa_enabled(user)


class TenantJWTAuthentication(BaseAuthentication):
    """`Authorization: Bearer <access JWT>` whose `tid` is this host's tenant ("public" on the public host).

    On a tenant host the user must hold an active membership whose version matches the token's `mv`;
    the membership is put on `request.membership` for permission classes. One query per request.

    Every tenant API view authenticates here, so the organisation's `requireMfa` is enforced here too: a
    member without MFA gets 403 `mfa_setup_required` except on views that set `allowed_during_mfa_setup`
    (`/api/v1/me/`, which tells the frontend). Login, refresh, logout and allauth's own endpoints (where MFA
    is set up, with allauth's session token) do not authenticate with this class at all.
    """

    def authenticate(self, request: Request) -> tuple[User, Any] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise TokenNotValid()
        try:
            token = access_token_decode(header[1].decode("ascii", errors="replace"))
        except TokenInvalidError as exc:
            raise TokenNotValid() from exc

        tenant = routed_tenant(request)
        if token.get("tid") != tenant_claim(tenant):
            raise TokenNotValid()
        user_id = token.get("user_id")
        if tenant is None:
            user = User.objects.filter(pk=user_id, is_active=True).first()
            if user is None:
                raise TokenNotValid()
            request._request.membership = None  # type: ignore[attr-defined]
            return user, token

        membership = (
            Membership.objects.select_related("user")
            .filter(user_id=user_id, tenant_id=tenant.id, is_active=True, user__is_active=True)
            .first()
        )
        if membership is None or membership.version != token.get("mv"):
            raise TokenNotValid()
        request._request.membership = membership  # type: ignore[attr-defined]
        if mfa_setup_required(tenant=tenant, user=membership.user, token=token):
            view = (request.parser_context or {}).get("view")
            if not getattr(view, "allowed_during_mfa_setup", False):
                raise MfaSetupRequired()
        return membership.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class TenantJWTScheme(OpenApiAuthenticationExtension):
    """Documents the bearer scheme in the OpenAPI schema."""

    target_class = "shared_apps.memberships.authentication.TenantJWTAuthentication"
    name = "tenantJWT"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Access token from /api/v1/auth/login/, valid only on the host it was issued for.",
        }
