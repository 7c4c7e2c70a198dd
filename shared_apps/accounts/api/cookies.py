"""The refresh token as an httpOnly, host-only cookie, for browsers (API.md, Conventions)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt.settings import api_settings


def set_refresh_cookie(response: Response, refresh: str) -> Response:
    response.set_cookie(
        settings.REFRESH_COOKIE_NAME,
        refresh,
        max_age=int(api_settings.REFRESH_TOKEN_LIFETIME.total_seconds()),
        path=settings.REFRESH_COOKIE_PATH,
        secure=not settings.DEBUG,
        httponly=True,
        samesite="Lax",
        # No domain=: host-only, so one organisation's cookie never reaches another's subdomain.
    )
    return response


def clear_refresh_cookie(response: Response) -> Response:
    response.delete_cookie(settings.REFRESH_COOKIE_NAME, path=settings.REFRESH_COOKIE_PATH, samesite="Lax")
    return response


# Any value will do: what protects the cookie is that a page on another origin cannot add a custom header
# without a CORS preflight, which this API never grants. SameSite=Lax alone does not help against a sibling
# subdomain (`evil.<base>` is the same site as `acme.<base>`), and a plain form post sends no such header.
CSRF_HEADER = "X-Requested-With"


class CsrfHeaderMissing(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = f"A request that relies on the refresh cookie must send the {CSRF_HEADER} header."
    default_code = "csrf_header_missing"


def refresh_from(request: Request) -> str:
    """The body's `refresh`, else the cookie's; the cookie only with the CSRF header (else 403, before
    anything changes). Body-token clients (mobile, scripts) need no header: a cross-site page has no token."""
    body = request.data.get("refresh") if hasattr(request.data, "get") else None
    if body:
        return str(body)
    cookie = request.COOKIES.get(settings.REFRESH_COOKIE_NAME, "")
    if cookie and CSRF_HEADER not in request.headers:
        raise CsrfHeaderMissing
    return cookie
