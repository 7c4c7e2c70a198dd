"""django-allauth (headless, "app" client): email verification, password reset, email address management.

Logins and signups go through our own API (tenant-bound JWTs); allauth provides the flows around an
account's email and password. Its emails go through our Celery email task (shared_apps.accounts.adapters).
"""

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
# ours (POST /api/v1/auth/mfa/, shared_apps/accounts/mfa.py). WebAuthn/passkeys come later.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Shown in the authenticator app next to the account's email (same name as in shared_apps.accounts.adapters).
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="SaaS Kit")

# Invitations (shared_apps.memberships.invitations): how long a link works. The seat limit comes from
# ENTITLEMENTS (saas/settings/billing.py).
INVITATION_TTL_HOURS = env.int("INVITATION_TTL_HOURS", default=72)
