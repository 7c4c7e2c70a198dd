"""The API's error translation for views that are not DRF's."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions

from saas.api.errors import api_exception_for, error_body, error_response

# Every method a view of ours or allauth's answers; anything else (TRACE, CONNECT, made-up ones) is a 405
# before any view runs, where allauth's views would answer it as a login attempt (401) or a bad form (400).
ALLOWED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CODES = {400: "bad_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "request_too_large"}  # fmt: skip


class ErrorShapeMiddleware:
    """The same translation for views that are not DRF's (allauth headless, admin): a hostile body or a
    dependency that is down answers in the error shape, with the same status as on our own API; so do
    error responses with no body (Django's HttpResponseNotAllowed, allauth's bare HttpResponseBadRequest)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            response: HttpResponse = _shaped(request, 405, "method_not_allowed", _("Method not allowed."))
            response["Allow"] = ", ".join(sorted(ALLOWED_METHODS))
            return response
        response = self.get_response(request)
        if 400 <= response.status_code < 500 and _is_bare(response):
            status = response.status_code
            shaped = _shaped(request, status, _CODES.get(status, "error"), response.reason_phrase + ".")
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    shaped[header] = response[header]
            return shaped
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        api_exc = api_exception_for(exc)
        if api_exc is None or isinstance(exc, exceptions.APIException | DjangoValidationError):
            return None  # a bug, or something only DRF views raise on purpose: Django's own handling
        if isinstance(exc, ObjectDoesNotExist | DjangoPermissionDenied):
            return None  # Django's 404 and 403 handlers answer these already
        if _is_allauth(request):
            response = _shaped(request, api_exc.status_code, _code(api_exc), str(api_exc.detail))
            if getattr(api_exc, "wait", None):
                response["Retry-After"] = str(int(api_exc.wait))  # type: ignore[attr-defined]
            return response
        return error_response(api_exc)


def _is_allauth(request: HttpRequest) -> bool:
    return request.path.startswith("/_allauth/")


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else "error"


def _shaped(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    """The kit's error shape, or allauth's own on allauth's paths (its clients and its spec expect that)."""
    if _is_allauth(request):
        return JsonResponse({"status": status, "errors": [{"code": code, "message": detail}]}, status=status)
    return error_body(status, "server_error" if status >= 500 else "client_error", code, detail)


def _is_bare(response: HttpResponse) -> bool:
    return not getattr(response, "streaming", False) and not response.content
