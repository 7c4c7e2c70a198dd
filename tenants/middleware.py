"""Selects the organisation from the Host header and switches the connection to its schema."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from saas.api.errors import api_exception_for
from saas.api.errors import error_response as api_error_response
from saas.api.exceptions import ServiceUnavailable

from .db import connection
from .hosts import HostKind, InvalidHostError, classify_host, normalise_host
from .models import SchemaStatus, Tenant
from .routing import request_routing_version, resolver
from .schema_levels import level_serves

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # lazy translations, for the annotations only

logger = logging.getLogger(__name__)


# Liveness and readiness answer even when routing cannot run (database or cache down): `/healthz` says
# 200 with every dependency down, `/readyz` names the failing one (issue 12, item 4). They are still
# routed normally when routing works: a tenant host's `/healthz` is how a host is probed (404, 403, ...).
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
# Seconds a client is told to wait while its organisation's schema is upgraded (one schema takes well
# under a second; a failed one waits for an operator, and clients keep retrying at this pace).
MAINTENANCE_RETRY_AFTER = 30


def error_response(status: int, code: str, detail: StrOrPromise) -> JsonResponse:
    """The API's one error shape, for answers given before any view runs."""
    error_type = "server_error" if status >= 500 else "client_error"
    return JsonResponse({"type": error_type, "errors": [{"code": code, "detail": detail, "attr": None}]}, status=status)


def dependency_unavailable(exc: BaseException | None) -> JsonResponse | None:
    """The 503 for an exception that means a dependency is down (database, cache, ...), else None."""
    api_exc = api_exception_for(exc) if exc is not None else None
    return api_error_response(api_exc) if isinstance(api_exc, ServiceUnavailable) else None


_UNCAUGHT = "_uncaught_exception"


def _remember_uncaught(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django turns an exception raised in a middleware (not a view: the exception handlers cover those)
    # into a 500 response on the spot; this keeps the exception so the routing middleware, outermost of
    # ours, can still answer 503 when it was a dependency going down (billing's read-only check, ...).
    if request is not None:
        setattr(request, _UNCAUGHT, sys.exception())


got_request_exception.connect(_remember_uncaught, dispatch_uid="tenants.middleware.remember_uncaught")


class TenantRoutingMiddleware:
    """Replaces django-tenants' TenantMainMiddleware.

    Differences, both for speed: the host -> tenant lookup is cached (tenants.routing), and
    `SET search_path` is sent only when the connection's schema actually changes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.base_domain = settings.SAAS_BASE_DOMAIN

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            with request_routing_version() as version:
                response = self._route(request, version)
        except Exception as exc:
            # Raised by the tenant lookup itself (database or cache down): no view has run, so no
            # exception handler has translated it. Liveness and readiness answer anyway.
            if request.path_info in HEALTH_PATHS:
                logger.warning("routing failed; serving %s without a tenant", request.path_info, exc_info=True)
                return self._serve_public(request)
            unavailable = dependency_unavailable(exc)
            if unavailable is None:
                raise
            return unavailable
        if response.status_code == 500:
            return dependency_unavailable(getattr(request, _UNCAUGHT, None)) or response
        return response

    def _serve_public(self, request: HttpRequest) -> HttpResponse:
        _activate_public()
        request.tenant = None  # type: ignore[attr-defined]
        request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        return self.get_response(request)

    def _route(self, request: HttpRequest, version: str) -> HttpResponse:
        try:
            host = classify_host(normalise_host(request.META.get("HTTP_HOST", "")), self.base_domain)
        except InvalidHostError:
            return error_response(400, "invalid_host", _("The Host header is not a valid host name."))

        if host.kind is HostKind.PUBLIC:
            return self._serve_public(request)

        tenant = resolver.resolve(host.name, version)
        if tenant is None or tenant.status in (Tenant.Status.PROVISIONING, Tenant.Status.DELETED):
            if host.kind is HostKind.FOREIGN:
                return error_response(
                    400, "invalid_host", _("This server does not serve %(host)s.") % {"host": host.name}
                )
            return error_response(404, "tenant_not_found", _("No organisation lives at this address."))
        if tenant.status == Tenant.Status.SUSPENDED:
            return error_response(403, "tenant_suspended", _("This organisation is suspended. Contact support."))
        if tenant.schema_status != SchemaStatus.READY or not level_serves(tenant.schema_level):
            # Behind this code's migrations, being migrated, or its migration failed: a clear, retryable
            # answer instead of a 500 from a missing column. Every other organisation is served as usual.
            response = error_response(
                503, "tenant_maintenance", _("This organisation is being upgraded. Try again in a minute.")
            )
            response["Retry-After"] = str(MAINTENANCE_RETRY_AFTER)
            return response

        _activate(tenant)
        request.tenant = tenant  # type: ignore[attr-defined]
        request.urlconf = settings.ROOT_URLCONF
        return self.get_response(request)


def _activate(tenant: Tenant) -> None:
    if connection.schema_name == tenant.schema_name:
        # Same schema as this connection's last request: keep the search_path already sent.
        connection.tenant = tenant
    else:
        connection.set_tenant(tenant)
        _count_schema(tenant.schema_name)


# Schemas each open PostgreSQL connection has served (keyed by the driver's connection, so a reconnect
# starts at zero). Past TENANT_CONNECTION_MAX_SCHEMAS the connection is closed at the end of the request:
# its backend's catalog cache holds every table it has touched, in every one of those schemas.
_schemas_served: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()


def _count_schema(schema_name: str) -> None:
    raw = connection.connection
    if raw is None or connection.pool is not None:  # not connected yet (counted next time), or pooled
        return
    served = _schemas_served.setdefault(raw, set())
    served.add(schema_name)
    if len(served) >= settings.TENANT_CONNECTION_MAX_SCHEMAS:
        connection.close_at = time.monotonic()  # Django closes it when the request finishes


def _activate_public() -> None:
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()
