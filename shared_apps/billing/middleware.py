"""Read-only mode for organisations whose bill is unpaid past the grace period.

Every write (any method but GET, HEAD, OPTIONS) on a tenant host answers 402 `payment_required`, except
the ways out: billing (to pay) and authentication (to get in and out). Reads keep working and nothing
is deleted. One indexed query, on writes only.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tenants.middleware import error_response

from .selectors import is_read_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALWAYS_ALLOWED = ("/api/v1/billing/", "/api/v1/auth/", "/_allauth/")


class ReadOnlyWhenUnpaidMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if (
            tenant is not None
            and request.method not in SAFE_METHODS
            and not request.path.startswith(ALWAYS_ALLOWED)
            and is_read_only(tenant=tenant)
        ):
            return error_response(
                402,
                "payment_required",
                _("This organisation is read-only until its overdue payment is settled. An owner can pay in Billing."),
            )
        return self.get_response(request)
