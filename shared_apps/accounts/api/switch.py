"""Moving between one's organisations with a one-time link: from the account on the public host
(`/api/v1/account/tenants/<id>/handoff/`) and from inside an organisation (`/api/v1/me/organisations/<id>/
handoff/`, the header's organisation switcher). Either way the link signs in only to an organisation the
person is an active member of, and only as a login there would: where the organisation enforces its SSO, a
member is refused (403 `sso_required`) and an owner's switch is its audited break-glass."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saas.api.openapi import error_response
from saas.api.ratelimit import client_ip
from shared_apps.memberships.selectors import tenants_of
from shared_apps.memberships.sso import sso_login_check
from tenants.models import Tenant
from tenants.selectors import tenant_primary_domain, tenant_url

from ..login_codes import login_code_create
from ..models import User
from .profile import OwnAccount
from .serializers import UrlSerializer


def handoff_url(request: Request, *, user: User, tenant_id: Any) -> str:
    """A link (valid 60 s, once) into `tenant_id` for `user`; 404 unless they are its active member."""
    membership = tenants_of(user_id=user.pk).filter(tenant_id=tenant_id).first()
    if membership is None or membership.tenant.status != Tenant.Status.ACTIVE:
        raise exceptions.NotFound
    sso_login_check(
        tenant=membership.tenant, membership=membership, method="handoff", ip=client_ip(request._request) or None
    )
    code = login_code_create(user=user, tenant=membership.tenant)
    return f"{tenant_url(host=tenant_primary_domain(tenant=membership.tenant))}auth/handoff?code={code}"


class OrganisationSwitchView(APIView):
    """From one organisation to another of the same person's, signed in (not while impersonating)."""

    permission_classes = (OwnAccount,)

    @extend_schema(
        request=None,
        responses={200: UrlSerializer, 403: error_response(403), 404: error_response(404)},
        tags=["me"],
        summary="A one-time link into another of one's organisations",
    )
    def post(self, request: Request, tenant_id: str) -> Response:
        user = request.user
        assert isinstance(user, User)  # OwnAccount
        return Response(UrlSerializer({"url": handoff_url(request, user=user, tenant_id=tenant_id)}).data)
