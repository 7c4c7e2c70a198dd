"""The refresh token as an httpOnly, host-only cookie, for browsers (API.md, Conventions)."""

from __future__ import annotations

from django.conf import settings
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


def refresh_from(request: Request) -> str:
    """The body's `refresh`, else the cookie's."""
    body = request.data.get("refresh") if hasattr(request.data, "get") else None
    return str(body or request.COOKIES.get(settings.REFRESH_COOKIE_NAME, ""))
