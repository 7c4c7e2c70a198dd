"""Base views for an organisation's host: the routed tenant, the caller's membership and user, typed.

Every DRF view on a tenant host reads them from here rather than from request attributes. Subclass
`TenantAPIView`, `TenantGenericAPIView`, or put `TenantAPIView` first beside a viewset
(`class NoteViewSet(TenantAPIView, viewsets.ModelViewSet)`).
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.views import APIView

from shared_apps.accounts.models import User
from tenants.models import Tenant
from tenants.routed import routed_tenant

from ..models import Membership
from ..permissions import request_membership


# No class docstrings here: drf-spectacular would show them as the description of every operation whose
# view has none of its own.
class TenantAPIView(APIView):
    @property
    def tenant(self) -> Tenant:
        """The organisation whose host this is. 404 elsewhere (these views are only routed on tenant hosts)."""
        tenant = routed_tenant(self.request)
        if tenant is None:
            raise exceptions.NotFound
        return tenant

    @property
    def membership(self) -> Membership:
        """The caller's active membership (after IsTenantMember): the one the authentication class loaded
        and checked for this request, so reading it costs no query."""
        membership = request_membership(self.request)
        if membership is None:
            raise exceptions.NotAuthenticated
        return membership

    @property
    def user(self) -> User:
        """The authenticated user (after IsTenantMember or IsAccount), typed as our User."""
        user = self.request.user
        if not isinstance(user, User):
            raise exceptions.NotAuthenticated
        return user


class TenantGenericAPIView(TenantAPIView, GenericAPIView):
    pass
