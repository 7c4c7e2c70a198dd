"""ImpersonationMiddleware, on organisation hosts only: a token with the `imp` claim works only while its
grant lasts (at most 30 minutes), only for safe methods unless write access was granted (ending the
session is always allowed), and every request made with it is audited.

Binding a redeemed link's tokens to the grant and refusing a refresh of an ended one are not here: accounts
sends hooks for those (shared_apps/accounts/signals.py; receivers in impersonation.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.api.ratelimit import client_ip
from shared_apps.accounts.tokens import TokenInvalidError, access_token_decode
from shared_apps.audit.services import audit_record
from tenants.middleware import error_response

from .impersonation import ENDED_CODE, ENDED_DETAIL, impersonation_for, impersonation_refuse_ended

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Ending the session is always allowed, even when read-only.
ALWAYS_ALLOWED = frozenset({"/api/v1/auth/logout/"})


def _bearer(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    return header[1] if len(header) == 2 and header[0].lower() == "bearer" else None


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request) or None


class ImpersonationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "tenant", None) is None:
            return self.get_response(request)
        raw = _bearer(request)
        if raw is None:
            return self.get_response(request)
        try:
            claims = access_token_decode(raw)
        except TokenInvalidError:
            return self.get_response(request)  # the authentication class gives the 401
        if not claims.get("imp"):
            return self.get_response(request)
        return self._impersonated(request, claims.get("fam"))

    def _impersonated(self, request: HttpRequest, family: object) -> HttpResponse:
        grant = impersonation_for(family=family)
        tenant = request.tenant  # type: ignore[attr-defined]
        extra: dict[str, Any] = {"method": request.method, "path": request.path}
        if grant is None or grant.tenant_id != tenant.id or grant.expires_at <= timezone.now():
            impersonation_refuse_ended(grant=grant, tenant=tenant, ip=_ip(request), extra=extra)
            return error_response(401, ENDED_CODE, ENDED_DETAIL)
        extra["grant"] = str(grant.id)
        if request.method not in SAFE_METHODS and request.path not in ALWAYS_ALLOWED and not grant.is_write:
            audit_record(action="impersonation.refused", actor=grant.operator, tenant=tenant, target=grant.user,
                         ip=_ip(request), extra={**extra, "why": "read_only"})  # fmt: skip
            return error_response(
                403,
                "impersonation_read_only",
                _("This impersonation is read-only. Ask for write access to change data."),
            )
        response = self.get_response(request)
        audit_record(action="impersonation.request", actor=grant.operator, tenant=tenant, target=grant.user,
                     ip=_ip(request), extra={**extra, "status": response.status_code})  # fmt: skip
        return response
