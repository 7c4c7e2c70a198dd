"""OperatorMiddleware, right after tenant routing, on organisation hosts only:

1. An old host kept after a subdomain change answers 301 to the new host (404 once its period ended).
2. API requests are counted per organisation and day (one cache INCR, no SQL).
3. Impersonation: a token with the `imp` claim works only while its grant lasts (at most 30 minutes),
   only for safe methods unless write access was granted, and every request made with it is audited.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from saas.api.ratelimit import client_ip
from shared_apps.accounts.tokens import TokenInvalidError, access_token_decode
from shared_apps.audit.services import audit_record
from tenants.hosts import InvalidHostError, normalise_host
from tenants.middleware import error_response
from tenants.routing import routing_version

from .impersonation import impersonation_bind, impersonation_family_revoke, impersonation_for
from .models import DomainRedirect, ImpersonationGrant
from .usage import api_request_count

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HANDOFF_PATH = "/api/v1/auth/handoff/"
REFRESH_PATH = "/api/v1/auth/refresh/"
# Ending the session is always allowed, even when read-only.
ALWAYS_ALLOWED = frozenset({"/api/v1/auth/logout/"})


class _Redirects:
    """Old host -> (new host, end), reloaded in each process when the routing version changes."""

    def __init__(self) -> None:
        self._version: str | None = None
        self._map: dict[str, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    def get(self, host: str) -> tuple[str, datetime] | None:
        version = routing_version()
        if version != self._version:
            loaded = {
                domain: (target, expires)
                for domain, target, expires in DomainRedirect.objects.values_list(
                    "domain__domain", "target_host", "expires_at"
                )
            }
            with self._lock:
                self._map, self._version = loaded, version
        return self._map.get(host)

    def clear(self) -> None:
        with self._lock:
            self._map, self._version = {}, None


redirects = _Redirects()


def _bearer(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    return header[1] if len(header) == 2 and header[0].lower() == "bearer" else None


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request) or None


class OperatorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            return self.get_response(request)

        try:
            host = normalise_host(request.META.get("HTTP_HOST", ""))
        except InvalidHostError:  # routing already refused it; never reached
            return self.get_response(request)
        redirect = redirects.get(host)
        if redirect is not None:
            target, expires = redirect
            if expires <= timezone.now():
                return error_response(404, "tenant_not_found", "No organisation lives at this address.")
            port = f":{settings.SAAS_URL_PORT}" if settings.SAAS_URL_PORT else ""
            return HttpResponsePermanentRedirect(
                f"{settings.SAAS_URL_SCHEME}://{target}{port}{request.get_full_path()}"
            )

        if request.path.startswith("/api/"):
            api_request_count(tenant_id=tenant.id)

        if request.method == "POST" and request.path == HANDOFF_PATH:
            return self._handoff(request)
        if request.method == "POST" and request.path == REFRESH_PATH:
            refused = self._refresh_refusal(request)
            if refused is not None:
                return refused

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

    def _handoff(self, request: HttpRequest) -> HttpResponse:
        """Let the accounts view redeem the code; if it was an impersonation code, bind the new tokens."""
        try:
            code = str(json.loads(request.body or b"{}").get("code") or "")
        except (ValueError, AttributeError):
            code = ""
        response = self.get_response(request)
        data = getattr(response, "data", None)
        if code and response.status_code == 200 and isinstance(data, dict) and data.get("refresh"):
            impersonation_bind(code=code, refresh=str(data["refresh"]), ip=_ip(request))
        return response

    def _refresh_refusal(self, request: HttpRequest) -> HttpResponse | None:
        """An ended impersonation cannot be refreshed (its family is revoked on the way)."""
        raw: Any = None
        with contextlib.suppress(ValueError, AttributeError):
            raw = json.loads(request.body or b"{}").get("refresh")
        raw = raw or request.COOKIES.get(settings.REFRESH_COOKIE_NAME)
        if not raw:
            return None
        try:
            token = RefreshToken(str(raw))  # type: ignore[arg-type]
        except TokenError:
            return None  # the view refuses it
        if not token.get("imp"):
            return None
        grant = impersonation_for(family=token.get("fam"))
        if grant is not None and grant.expires_at > timezone.now():
            return None
        return self._ended(request, grant)

    def _ended(self, request: HttpRequest, grant: ImpersonationGrant | None) -> HttpResponse:
        if grant is not None:
            impersonation_family_revoke(grant=grant)
        audit_record(action="impersonation.refused", actor=grant.operator if grant else None,
                     tenant=request.tenant, ip=_ip(request),  # type: ignore[attr-defined]
                     extra={"method": request.method, "path": request.path, "why": "ended"})  # fmt: skip
        return error_response(401, "impersonation_ended", "This impersonation session has ended.")

    def _impersonated(self, request: HttpRequest, family: object) -> HttpResponse:
        grant = impersonation_for(family=family)
        tenant = request.tenant  # type: ignore[attr-defined]
        if grant is None or grant.tenant_id != tenant.id or grant.expires_at <= timezone.now():
            return self._ended(request, grant)
        extra: dict[str, Any] = {"method": request.method, "path": request.path, "grant": str(grant.id)}
        if request.method not in SAFE_METHODS and request.path not in ALWAYS_ALLOWED and not grant.is_write:
            audit_record(action="impersonation.refused", actor=grant.operator, tenant=tenant, target=grant.user,
                         ip=_ip(request), extra={**extra, "why": "read_only"})  # fmt: skip
            return error_response(
                403, "impersonation_read_only", "This impersonation is read-only. Ask for write access to change data."
            )
        response = self.get_response(request)
        audit_record(action="impersonation.request", actor=grant.operator, tenant=tenant, target=grant.user,
                     ip=_ip(request), extra={**extra, "status": response.status_code})  # fmt: skip
        return response
