"""The gate in front of Flower (task monitoring): the proxy asks here before every Flower request.

nginx (`auth_request`, deploy/nginx/snippets/saas-routes.conf) and ingress-nginx (`auth-url`,
deploy/k8s/flower.yaml) forward the browser's cookies to this view and let the request through to Flower
only on a 2xx. The credential is the operator console's own: a staff session of `/admin/` on the public
host, the same check as the admin site's. Flower's own `--basic-auth`/OAuth would be a second set of
operator accounts, so Flower runs without it and is never reachable except through this gate.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def operator_session_check(request: HttpRequest) -> HttpResponse:
    """204 for a signed-in operator (active staff) on the public host; 401 when not signed in; 403 for
    anyone else. No body: the proxy reads only the status."""
    if getattr(request, "tenant", None) is not None:
        return HttpResponse(status=403)  # an organisation's host: operators sign in on the public host only
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    if not admin.site.has_permission(request):
        return HttpResponse(status=403)
    return HttpResponse(status=204)
