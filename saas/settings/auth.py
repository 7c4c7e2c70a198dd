from datetime import timedelta
from hashlib import sha256

from django.core.exceptions import ImproperlyConfigured

from .base import DEBUG, SECRET_KEY
from .env import env
from .tenancy import SAAS_BASE_DOMAIN

# HS256 with a key of its own (not SECRET_KEY), at least 32 random bytes. Development derives one.
JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default="") or (
    sha256(f"jwt:{SECRET_KEY}".encode()).hexdigest() if DEBUG else ""
)
if len(JWT_SIGNING_KEY.encode()) < 32:
    raise ImproperlyConfigured("JWT_SIGNING_KEY must be set to at least 32 random bytes (e.g. `openssl rand -hex 32`).")

SIMPLE_JWT = {
    "ALGORITHM": "HS256",  # pinned: tokens naming another algorithm (or `none`) are refused
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUDIENCE": "saas-api",
    "ISSUER": f"https://{SAAS_BASE_DOMAIN}",
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env.int("JWT_ACCESS_TOKEN_LIFETIME", default=300)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=env.int("JWT_REFRESH_TOKEN_LIFETIME", default=14 * 24 * 3600)),
    "UPDATE_LAST_LOGIN": False,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

# A refresh token that was just rotated may be presented again for this many seconds and gets a working
# pair of the same family (parallel tabs, a retried request whose answer was lost), like Okta's grace period
# and Auth0's reuse interval. After it, a rotated token coming back means a copy exists: the family is revoked.
# 0 turns the grace off (every reuse revokes).
JWT_REFRESH_REUSE_GRACE_SECONDS = max(0, env.int("JWT_REFRESH_REUSE_GRACE_SECONDS", default=10))

# The refresh token also travels as an httpOnly, host-only cookie for browsers.
REFRESH_COOKIE_NAME = "refresh_token"
REFRESH_COOKIE_PATH = "/api/v1/auth/"

# One-time login links (account -> organisation handoff, operator impersonation).
HANDOFF_CODE_TTL = timedelta(seconds=env.int("HANDOFF_CODE_TTL", default=60))

# Per-organisation SSO (shared_apps/memberships/sso.py). Client secrets are encrypted at rest (Fernet) with a
# key derived from this value; comma-separated values rotate keys (the first encrypts, every one decrypts).
# Empty in production: SSO cannot be configured (503 `sso_unavailable`). Development derives one.
SSO_ENCRYPTION_KEY = env.str("SSO_ENCRYPTION_KEY", default="") or (
    sha256(f"sso:{SECRET_KEY}".encode()).hexdigest() if DEBUG else ""
)
# Issuer hosts allowed over plain http and on private or loopback addresses (tests, development); every other
# issuer must use https and resolve to public addresses only, so owners cannot aim the server at the private network.
SSO_INSECURE_ISSUER_HOSTS = [
    host.lower() for host in env.list("SSO_INSECURE_ISSUER_HOSTS", default=["127.0.0.1"] if DEBUG else [])
]

# Client IP: the last hop unless we sit behind this many trusted proxies that append X-Forwarded-For.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Every allowance below is multiplied by this (load tests from one address); it never disables a limit.
RATE_LIMIT_MULTIPLIER = max(1, env.int("RATE_LIMIT_MULTIPLIER", default=1))
# scope: (requests, seconds)
RATE_LIMITS = {
    "login_ip": (20, 60),
    "login_email": (10, 300),
    "mfa": (20, 300),  # second-step codes per client address (each mfaToken also allows only 5)
    "signup_ip": (10, 3600),  # new organisations (signup, and an account's "new organisation") per address
    "signup_email": (3, 3600),  # signups naming one address: no mail-bombing someone through our emails
    "admin_login_ip": (10, 300),  # /admin/: the most privileged login
    "admin_login_username": (5, 300),
    "refresh_ip": (60, 60),
    "handoff_ip": (20, 60),
    "invitations_tenant": (50, 3600),
    "invitation_accept_ip": (20, 300),
    "password_reset_email": (5, 3600),
}
