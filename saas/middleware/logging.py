"""Request and tenant ids on every log line of a request, and one access line per request.

`RequestContextMiddleware` goes first in MIDDLEWARE (so even routing errors are logged with a request
id); `TenantContextMiddleware` goes right after tenants.middleware.TenantRoutingMiddleware, which sets
`request.tenant` (None on the public host).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

import sentry_sdk
import structlog
from django.http import HttpRequest, HttpResponse

logger = structlog.get_logger("saas.request")

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy is kept so one request can be followed through nginx, Django and Sentry; anything
# that does not look like an id is replaced (it ends up in logs and a response header).
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def _request_id(request: HttpRequest) -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Threads of gunicorn's gthread worker reuse contextvars' values: start every request clean.
        structlog.contextvars.clear_contextvars()
        request_id = _request_id(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.bind_contextvars(request_id=request_id, tenant_id=None)
        sentry_sdk.set_tag("request_id", request_id)
        started = time.perf_counter()
        # Django turns exceptions into responses around every middleware: this call returns.
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[REQUEST_ID_HEADER] = request_id
        logger.info(
            "request",
            method=request.method,
            path=request.path,
            host=request.META.get("HTTP_HOST", ""),
            status=response.status_code,
            duration_ms=duration_ms,
        )
        structlog.contextvars.clear_contextvars()
        return response


class TenantContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        tenant_id = str(tenant.pk) if tenant is not None else None
        structlog.contextvars.bind_contextvars(tenant_id=tenant_id)
        sentry_sdk.set_tag("tenant_id", tenant_id or "public")
        return self.get_response(request)
