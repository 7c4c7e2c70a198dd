from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from shared_apps.accounts.models import User
from shared_apps.memberships.models import Membership

from .models import Tenant


def request_membership(request: Request) -> Membership | None:
    return getattr(request._request, "membership", None)


class IsTenantMember(BasePermission):
    """Authenticated on a tenant host (the authentication class has checked the membership)."""

    message = "Sign in to this organisation first."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request_membership(request) is not None


class IsAccount(BasePermission):
    """Authenticated with an account token on the public host."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and getattr(request._request, "tenant", 1) is None


class HasRole(BasePermission):
    """The member's role is one of `roles`. Use as `HasRole.of("owner", "admin")`."""

    roles: frozenset[str] = frozenset()
    message = "Your role in this organisation does not allow this."

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": frozenset(roles)})

    def has_permission(self, request: Request, view: Any) -> bool:
        membership = request_membership(request)
        return membership is not None and membership.role in self.roles


def request_user(request: Request) -> User:
    """The authenticated user (after IsTenantMember / IsAccount), typed as our User."""
    assert isinstance(request.user, User)
    return request.user


def request_tenant(request: Request) -> Tenant:
    """The tenant of a tenant-host request (the routing middleware set it)."""
    tenant = getattr(request._request, "tenant", None)
    assert isinstance(tenant, Tenant)
    return tenant
