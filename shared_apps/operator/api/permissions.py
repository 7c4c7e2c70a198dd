from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from shared_apps.accounts.models import User
from shared_apps.accounts.tokens import PUBLIC_TENANT_CLAIM, TokenInvalidError, access_token_decode
from shared_apps.memberships.authentication import TenantJWTAuthentication, TokenNotValid
from tenants.routed import is_public_host


class OperatorAuthentication(TenantJWTAuthentication):
    """The account token (public host), like everywhere else; a valid organisation token is recognised
    and refused with 403 rather than 401: the caller is signed in, just not allowed here."""

    def authenticate(self, request: Request) -> tuple[User, Any] | None:
        try:
            return super().authenticate(request)
        except TokenNotValid:
            header = get_authorization_header(request).split()
            try:
                token = access_token_decode(header[1].decode("ascii", errors="replace"))
            except (TokenInvalidError, IndexError):
                raise TokenNotValid() from None
            if token.get("tid") not in (None, PUBLIC_TENANT_CLAIM):
                raise exceptions.PermissionDenied(
                    _("Organisation tokens cannot use the operator API. Sign in on the public host.")
                ) from None
            raise


class IsOperator(BasePermission):
    """A staff account, signed in on the public host."""

    message = gettext_lazy("Operators only.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.is_active) and is_public_host(request)


class OperatorJWTScheme(OpenApiAuthenticationExtension):
    """The same bearer scheme in the OpenAPI schema (the account token of a staff user)."""

    target_class = "shared_apps.operator.api.permissions.OperatorAuthentication"
    name = "operatorJWT"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A staff account's access token from /api/v1/auth/login/ on the public host.",
        }
