"""Operator actions on a person's account (not an organisation's): resetting their MFA."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from saas.api.openapi import error_response
from shared_apps.accounts.mfa import mfa_reset
from shared_apps.accounts.models import User

from .views import OperatorView


class UserMfaResetView(OperatorView):
    @extend_schema(
        request=None,
        responses={204: None, 404: error_response(404)},
        tags=["operator"],
        description=(
            "Remove every MFA authenticator (TOTP, recovery codes) of the account: it signs in with its "
            "password alone until it sets MFA up again. Audited (`mfa.reset`); 204 also when it had none."
        ),
    )
    def post(self, request: Request, user_id: int) -> Response:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise exceptions.NotFound
        mfa_reset(user=user, actor=self.operator(), ip=self.ip())
        return Response(status=status.HTTP_204_NO_CONTENT)
