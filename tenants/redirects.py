"""Old hosts kept after a subdomain change: right after routing, such a host answers 301 to the
organisation's new host, and 404 once its period ended (until the periodic clean-up releases it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .hosts import InvalidHostError, normalise_host
from .middleware import error_response
from .models import DomainRedirect
from .routing import routing_version


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


class DomainRedirectMiddleware:
    """On organisation hosts only (routing found a tenant): a redirected host never reaches a view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "tenant", None) is None:
            return self.get_response(request)
        try:
            host = normalise_host(request.META.get("HTTP_HOST", ""))
        except InvalidHostError:  # routing already refused it; never reached
            return self.get_response(request)
        redirect = redirects.get(host)
        if redirect is None:
            return self.get_response(request)
        target, expires = redirect
        if expires <= timezone.now():
            return error_response(404, "tenant_not_found", _("No organisation lives at this address."))
        port = f":{settings.SAAS_URL_PORT}" if settings.SAAS_URL_PORT else ""
        return HttpResponsePermanentRedirect(f"{settings.SAAS_URL_SCHEME}://{target}{port}{request.get_full_path()}")
