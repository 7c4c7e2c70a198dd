"""django-allauth (headless, "app" client): email verification, password reset, email address management.

Logins and signups go through our own API (tenant-bound JWTs); allauth provides the flows around an
account's email and password. Its emails go through our Celery email task (shared_apps.accounts.adapters).
"""

import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .auth import NUM_PROXIES, RATE_LIMIT_MULTIPLIER, RATE_LIMITS
from .env import env

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # allauth's backend, signing in by the account's login only (never by an unverified address row).
    "shared_apps.accounts.adapters.AuthenticationBackend",
]

ACCOUNT_ADAPTER = "shared_apps.accounts.adapters.AccountAdapter"
HEADLESS_ADAPTER = "shared_apps.accounts.adapters.HeadlessAdapter"
# No browser client: no session cookie, no CSRF. Clients send X-Session-Token (allauth's own, stored in
# the global session cache), only for allauth's account endpoints.
HEADLESS_ONLY = True
HEADLESS_CLIENTS = ("app",)
# Paths on the frontend; the host is always the organisation's primary domain (or the public host),
# never the request's Host header: see HeadlessAdapter.get_frontend_url.
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/verify-email?key={key}",
    "account_reset_password": "/forgot-password",
    "account_reset_password_from_key": "/reset-password?key={key}",
    "account_signup": "/signup",
    # Where a provider login that failed before its start was known ends (its own host's login page).
    "socialaccount_login_error": "/login",
}

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# An account has one address, its login (User.email). A change adds a pending address that replaces the
# login only once verified through the link sent to it; until then the old one signs in and the new one
# matches nothing (no login, no invitation, no reset). Stricter rules on top of allauth's (verified-only
# primary, an address another account uses -> 400 email_taken): shared_apps/accounts/headless.py.
ACCOUNT_CHANGE_EMAIL = True
# "optional" (default) or "mandatory".
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True

# Same client-IP rule as ours (saas/api/ratelimit.py): X-Forwarded-For only behind NUM_PROXIES proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
# allauth's limits live in the default cache, which is global (no tenant key function): a limit per
# email or IP holds across every organisation's host. Scaled by RATE_LIMIT_MULTIPLIER like ours.
_reset_limit, _reset_period = RATE_LIMITS["password_reset_email"]
_m = RATE_LIMIT_MULTIPLIER
ACCOUNT_RATE_LIMITS = {
    "change_password": f"{5 * _m}/m/user",
    "manage_email": f"{10 * _m}/m/user",
    "reset_password": f"{20 * _m}/m/ip,{_reset_limit * _m}/{_reset_period}s/key",
    "reauthenticate": f"{10 * _m}/m/user",
    "reset_password_from_key": f"{20 * _m}/m/ip",
    "signup": f"{20 * _m}/m/ip",
    "login": f"{30 * _m}/m/ip",
    "login_failed": f"{10 * _m}/m/ip,{5 * _m}/300s/key",
    "confirm_email": f"{max(1, _m)}/180s/key",
}

# MFA (allauth.mfa, shared app: authenticators live in the public schema with the users). TOTP and
# recovery codes are managed through allauth's headless authenticator endpoints; the second login step is
# ours (POST /api/v1/auth/mfa/, shared_apps/accounts/mfa.py). Passkeys (WebAuthn) as a second factor: the
# relying party id is the request's host, so a passkey added on one organisation's host works there only.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Passkeys as a passwordless login too: a passkey added with `passwordless` (allauth's creation options with
# `?passwordless`: a discoverable credential, user verification required) signs in alone through the kit's
# POST /api/v1/auth/passkey/ (shared_apps/accounts/passkey_login.py), which ends with the kit's tokens.
# MFA_PASSKEY_LOGIN_ENABLED stays off: it turns on allauth's own session-based passkey login, which is not
# mounted here (saas/urls_allauth.py) and would be advertised in allauth's `flows` all the same.
# Shown in the authenticator app next to the account's email (same name as in shared_apps.accounts.adapters).
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="SaaS Kit")

# Social login (allauth.socialaccount, headless). Every provider redirects to ONE callback on the public host,
# https://<base>/accounts/<provider id>/login/callback/ (saas/urls_public.py), whichever host the flow
# started on; shared_apps/accounts/social.py carries the starting host in signed state and ends the flow
# there through a one-time handoff link. A provider without credentials is not offered anywhere.
SOCIALACCOUNT_ADAPTER = "shared_apps.accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, Any]] = {}
for _provider, _prefix in (("github", "GITHUB"), ("google", "GOOGLE")):
    _client_id = env.str(f"{_prefix}_CLIENT_ID", default="")
    _secret = env.str(f"{_prefix}_CLIENT_SECRET", default="")
    if _client_id and _secret:
        # PKCE (S256) on top of the client secret: a stolen authorization code is useless alone.
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APP": {"client_id": _client_id, "secret": _secret},
            "OAUTH_PKCE_ENABLED": True,
        }
# Any OpenID Connect provider: OIDC_PROVIDERS='[{"id": "okta", "name": "Okta", "server_url":
# "https://example.okta.com", "client_id": "...", "secret": "..."}]' (server_url: the issuer).
_OIDC_RESERVED_IDS = {"github", "google", "social", "openid_connect"}
_oidc_apps = []
for _entry in env.json("OIDC_PROVIDERS", default=[]):
    _id = str(_entry.get("id", ""))
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,49}", _id) or _id in _OIDC_RESERVED_IDS:
        # Its callback path is /accounts/<id>/login/callback/: it must not shadow another provider's.
        raise ImproperlyConfigured(
            f"OIDC_PROVIDERS: id {_id!r} must be a lower-case slug, not one of {_OIDC_RESERVED_IDS}"
        )
    if not (_entry.get("server_url") and _entry.get("client_id") and _entry.get("secret")):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS: {_id} needs server_url, client_id and secret")
    _oidc_apps.append(
        {
            "provider_id": _id,
            "name": str(_entry.get("name") or _id),
            "client_id": _entry["client_id"],
            "secret": _entry["secret"],
            "settings": {"server_url": _entry["server_url"]},
        }
    )
if len({app["provider_id"] for app in _oidc_apps}) != len(_oidc_apps):
    raise ImproperlyConfigured("OIDC_PROVIDERS: ids must be unique")
if _oidc_apps:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {"APPS": _oidc_apps, "OAUTH_PKCE_ENABLED": True}
# /accounts/<provider id>/login/callback/ for OpenID Connect providers too (allauth's default adds /oidc/).
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = ""
# An email the provider marks verified signs in as the account whose login it is (and connects the provider
# to it); an unverified one never does (allauth only matches verified addresses; the adapter refuses a
# signup with an address an account already uses). Only the provider's verified flag counts.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SOCIALACCOUNT_REQUESTS_TIMEOUT", default=5)
# allauth's app client gets the kit's tenant-bound JWTs in `meta` (access_token, refresh_token) after a login.
HEADLESS_TOKEN_STRATEGY = "shared_apps.accounts.social.KitTokenStrategy"  # noqa: S105  # a class path

# Invitations (shared_apps.memberships.invitations): how long a link works. The seat limit comes from
# ENTITLEMENTS (saas/settings/billing.py).
INVITATION_TTL_HOURS = env.int("INVITATION_TTL_HOURS", default=72)
