"""The tenant the routing middleware put on a request: the one place that reads `request.tenant`.

The middleware (tenants.middleware) sets the attribute on every routed request: the organisation on its
host, None on the public host. DRF views pass their `Request`; its wrapped HttpRequest carries it.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from .models import Tenant

_NOT_ROUTED = object()


def _routed(request: HttpRequest | Request) -> object:
    raw = request._request if isinstance(request, Request) else request
    return getattr(raw, "tenant", _NOT_ROUTED)


def routed_tenant(request: HttpRequest | Request) -> Tenant | None:
    """The organisation whose host served `request`; None on the public host (or if it was not routed)."""
    tenant = _routed(request)
    return tenant if isinstance(tenant, Tenant) else None


def is_public_host(request: HttpRequest | Request) -> bool:
    """Routed to the public host. False for a request the middleware never saw: public access fails closed."""
    return _routed(request) is None
