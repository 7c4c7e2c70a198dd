"""HTTP security. Development (DEBUG) keeps plain http on localhost; everything else is production-hard.

`python manage.py check --deploy --fail-level WARNING` passes with DJANGO_DEBUG=false (tests/deploy).
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from .base import DEBUG
from .env import env
from .tenancy import ALLOWED_HOSTS, SAAS_BASE_DOMAIN, SAAS_URL_PORT, SAAS_URL_SCHEME

# Cookies stay host-only (no Domain=): one organisation's cookies never reach another's subdomain.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# TLS ends at the proxy (nginx / the Ingress), which must overwrite X-Forwarded-Proto on every request:
# trusting it from a client that can reach Django directly would let it fake "https".
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Probes come over plain http from inside the cluster: they must not be redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # Every organisation lives on a subdomain of the base domain, all served over https: HSTS covers them
    # all (includeSubDomains). Start lower (SECURE_HSTS_SECONDS=300) on a domain new to https.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=None) or 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# CSRF: only the base domain and its subdomains, over the scheme we serve, are trusted origins. Each
# organisation's browser requests are same-origin (the frontend and API share the tenant's host), so a
# wildcard here only matters for the public host's forms (admin) and never trusts a foreign site.
# CSRF_TRUSTED_ORIGINS replaces the list (e.g. to add a verified custom domain); empty means the default.
_scheme = SAAS_URL_SCHEME or "https"
_port = f":{SAAS_URL_PORT}" if SAAS_URL_PORT else ""
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[]) or [
    f"{_scheme}://{SAAS_BASE_DOMAIN}{_port}",
    f"{_scheme}://*.{SAAS_BASE_DOMAIN}{_port}",
]

# Content-Security-Policy for everything Django renders (the API's JSON, the admin, the API docs).
# Swagger UI's assets come from jsDelivr (drf-spectacular's default) and it uses an inline <style>.
# The Next.js frontend sets its own policy (it needs per-request nonces for its inline scripts).
_CDN = "https://cdn.jsdelivr.net"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, _CDN],
    "style-src": [CSP.SELF, _CDN, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", _CDN],
    "font-src": [CSP.SELF, _CDN],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# A wildcard would accept any Host header; routing already refuses foreign hosts, and this keeps it so.
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must never contain '*': list the base domain and its subdomains.")

# WhiteNoise serves collected static files (the image runs collectstatic at build time). Decided from the
# environment, not from settings.DEBUG at first request (the test runner forces that to False).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
