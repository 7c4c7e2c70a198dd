"""`/admin/login/` behind the rate limiter: the most privileged login gets the strictest limits.

Our own limiter rather than django-axes: one mechanism (the same Redis counters, 429 and Retry-After as
the API, RATE_LIMIT_MULTIPLIER) and no lockout table to administer; the window ends by itself.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

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
    message = _("Too many sign-in attempts. Wait %(wait)s seconds, then try again.") % {"wait": wait}
    title = escape(_("Too many attempts"))
    body = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{escape(message)}</p>"
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(wait)
    return response
