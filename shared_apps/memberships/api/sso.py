"""GET/PUT/DELETE /api/v1/sso/ on an organisation's host: its single sign-on configuration, for owners
(services and rules: shared_apps/memberships/sso.py)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from saas.api.fields import StrictCharField
from saas.api.openapi import error_response
from saas.api.ratelimit import client_ip

from ..actions import Action
from ..permissions import IsTenantMember, MemberMay
from ..sso import EMAIL_DOMAINS_MAX, sso_callback_url, sso_config_delete, sso_config_for_tenant, sso_config_put
from ..sso_models import SsoConfiguration
from .tenant_views import TenantAPIView


class SsoInputSerializer(serializers.Serializer):
    issuer = serializers.URLField(
        max_length=500,
        help_text="The OpenID Connect issuer (https). Its `/.well-known/openid-configuration` is fetched and checked.",
    )
    client_id = StrictCharField(max_length=255)
    client_secret = StrictCharField(
        max_length=2000,
        required=False,
        write_only=True,
        help_text="Required the first time; left out, the stored secret is kept. Never returned.",
    )
    email_domains = serializers.ListField(
        child=StrictCharField(max_length=253),
        max_length=EMAIL_DOMAINS_MAX,
        help_text="Email domains of the organisation's people (`example.com`), for auto-join.",
    )
    enforced = serializers.BooleanField(help_text="Members must sign in with SSO (owners keep a password login).")
    auto_join = serializers.BooleanField(help_text="A verified email in `emailDomains` joins as a member.")


class SsoSerializer(serializers.Serializer):
    issuer = serializers.CharField()
    client_id = serializers.CharField()
    email_domains = serializers.ListField(child=serializers.CharField())
    enforced = serializers.BooleanField()
    auto_join = serializers.BooleanField()
    provider_id = serializers.CharField(help_text="The provider id of allauth's headless API for this SSO.")
    callback_url = serializers.CharField(help_text="The redirect URI to register at the identity provider.")


def _body(config: SsoConfiguration) -> dict[str, Any]:
    return dict(
        SsoSerializer(
            {
                "issuer": config.issuer,
                "client_id": config.client_id,
                "email_domains": config.email_domains,
                "enforced": config.enforced,
                "auto_join": config.auto_join,
                "provider_id": config.provider_id,
                "callback_url": sso_callback_url(config.provider_id),
            }
        ).data
    )


class SsoView(TenantAPIView):
    permission_classes = (IsTenantMember, MemberMay.of(Action.ORGANISATION_SECURITY))

    @extend_schema(responses={200: SsoSerializer, 404: error_response(404)}, tags=["sso"])
    def get(self, request: Request) -> Response:
        """The organisation's SSO configuration (owners); 404 when there is none."""
        config = sso_config_for_tenant(self.tenant)
        if config is None:
            raise exceptions.NotFound(_("Single sign-on is not configured."))
        return Response(_body(config))

    @extend_schema(request=SsoInputSerializer, responses={200: SsoSerializer, 400: error_response(400)}, tags=["sso"])
    def put(self, request: Request) -> Response:
        """Configure SSO (owners). 400 naming `issuer` when its discovery document cannot be read or is not
        valid (https and a public address only), `clientSecret` when missing the first time, `emailDomains`."""
        data = SsoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        config = sso_config_put(
            tenant=self.tenant,
            actor=self.membership,
            issuer=values["issuer"],
            client_id=values["client_id"],
            client_secret=values.get("client_secret") or None,
            email_domains=values["email_domains"],
            enforced=values["enforced"],
            auto_join=values["auto_join"],
            ip=client_ip(request._request) or None,
        )
        return Response(_body(config))

    @extend_schema(responses={204: None, 404: error_response(404)}, tags=["sso"])
    def delete(self, request: Request) -> Response:
        """Remove SSO (owners): members sign in with passwords again. 404 when there is none."""
        if not sso_config_delete(tenant=self.tenant, actor=self.membership, ip=client_ip(request._request) or None):
            raise exceptions.NotFound(_("Single sign-on is not configured."))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [path("", SsoView.as_view(), name="sso")]
