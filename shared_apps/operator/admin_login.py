"""`/admin/login/` behind the rate limiter: the most privileged login gets the strictest limits.

Our own limiter rather than django-axes: one mechanism (the same Redis counters, 429 and Retry-After as
the API, RATE_LIMIT_MULTIPLIER) and no lockout table to administer; the window ends by itself.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

from saas.api.ratelimit import RateLimited, client_ip, rate_limit


def admin_login(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            rate_limit("admin_login_ip", client_ip(request))
            rate_limit("admin_login_username", str(request.POST.get("username", "")))
        except RateLimited as exc:
            return _locked_out(int(getattr(exc, "wait", None) or 1))
    return admin.site.login(request)


def _locked_out(wait: int) -> HttpResponse:
    message = f"Too many sign-in attempts. Wait {wait} seconds, then try again."
    body = f"<!doctype html><title>Too many attempts</title><h1>Too many attempts</h1><p>{escape(message)}</p>"
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(wait)
    return response
