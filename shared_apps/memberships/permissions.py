"""DRF permission classes for tenant hosts (the member and what their role allows) and the public host."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenants.routed import is_public_host

from .actions import Action, role_may
from .models import Membership


def request_membership(request: Request) -> Membership | None:
    """The caller's active membership, as TenantJWTAuthentication checked and put it on the request."""
    return getattr(request._request, "membership", None)


class IsTenantMember(BasePermission):
    """Authenticated on a tenant host (the authentication class has checked the membership)."""

    message = gettext_lazy("Sign in to this organisation first.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return request_membership(request) is not None


class IsAccount(BasePermission):
    """Authenticated with an account token on the public host."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and is_public_host(request)


class MemberMay(BasePermission):
    """The member's role allows `action` (shared_apps.memberships.actions). Use as `MemberMay.of(Action.X)`."""

    action: Action
    message = gettext_lazy("Your role in this organisation does not allow this.")

    @classmethod
    def of(cls, action: Action) -> type[MemberMay]:
        return type(f"MemberMay_{action.name}", (cls,), {"action": action})

    def has_permission(self, request: Request, view: Any) -> bool:
        membership = request_membership(request)
        return membership is not None and role_may(membership.role, self.action)
