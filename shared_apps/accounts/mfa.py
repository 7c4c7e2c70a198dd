"""Second factor at sign-in (allauth.mfa's authenticators: TOTP and recovery codes).

A password login of an account with an authenticator gets a challenge instead of tokens: a signed
`mfaToken` (django.core.signing) naming the account and the host (organisation) the login happened on,
valid for MFA_TOKEN_MAX_AGE seconds and MFA_TOKEN_MAX_ATTEMPTS wrong codes, redeemed once. Codes are
checked by allauth's own authenticators (TOTP: a code once per period; recovery codes: each once).
Attempt counts and the used mark live in the global cache (Redis), keyed by the token's nonce.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import redis.exceptions
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.core import signing
from django.core.cache import caches
from django.db import transaction

from saas.api.ratelimit import CACHE_ALIAS, RateLimitUnavailable
from shared_apps.accounts.models import User
from shared_apps.accounts.tokens import tenant_claim
from shared_apps.audit.services import audit_record
from tenants.models import Tenant

MFA_TOKEN_MAX_AGE = 300
MFA_TOKEN_MAX_ATTEMPTS = 5
# The second step accepts what allauth can verify from a code typed in; WebAuthn needs its own ceremony.
CODE_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
_SALT = "shared_apps.accounts.mfa.login"
_CACHE_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)


class MfaChallengeError(Exception):
    """The second step is refused; `code` says why (the view turns it into a 400)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class MfaChallenge:
    token: str
    methods: list[str]


def mfa_enabled(user: User) -> bool:
    """The account has an active authenticator, so a password alone does not sign it in."""
    return is_mfa_enabled(user)


def mfa_reset(*, user: User, actor: User, ip: str | None = None) -> list[str]:
    """An operator removes every authenticator of a person who lost theirs: the next login is by password
    alone, and they can set MFA up again. One audit entry names what was removed; the types removed."""
    with transaction.atomic():
        authenticators = Authenticator.objects.select_for_update().filter(user_id=user.pk)
        types = sorted({a.type for a in authenticators})
        authenticators.delete()
        audit_record(action="mfa.reset", actor=actor, target=user, ip=ip, extra={"types": types})
    return types


def mfa_methods(user: User) -> list[str]:
    """The kinds of code the account can answer a challenge with, e.g. ["recovery_codes", "totp"]."""
    types = Authenticator.objects.filter(user_id=user.pk, type__in=CODE_TYPES).values_list("type", flat=True)
    return sorted(set(types))


def mfa_challenge_create(*, user: User, tenant: Tenant | None) -> MfaChallenge:
    """After a correct password: the token the second step presents, bound to this host's organisation."""
    payload = {"u": user.pk, "t": tenant_claim(tenant), "n": secrets.token_urlsafe(16)}
    return MfaChallenge(token=signing.dumps(payload, salt=_SALT), methods=mfa_methods(user))


def mfa_challenge_verify(*, token: str, code: str, tenant: Tenant | None) -> User:
    """The account the challenge was for, once `code` is one of its valid codes. Raises MfaChallengeError:
    `mfa_token_invalid` (tampered, another host's, already redeemed, or the account is gone),
    `mfa_token_expired` (older than MFA_TOKEN_MAX_AGE), `mfa_attempts_exceeded` (MFA_TOKEN_MAX_ATTEMPTS
    wrong codes: even a right one is refused now), `invalid_code`."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=MFA_TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise MfaChallengeError("mfa_token_expired", "This sign-in has expired. Sign in again.") from exc
    except signing.BadSignature as exc:
        raise _invalid_token() from exc
    if not isinstance(payload, dict) or payload.get("t") != tenant_claim(tenant) or not payload.get("u"):
        raise _invalid_token()
    user = User.objects.filter(pk=int(payload["u"]), is_active=True).first()
    if user is None:
        raise _invalid_token()
    nonce = str(payload.get("n"))
    cache = caches[CACHE_ALIAS]
    attempts_key, used_key = f"mfa:attempts:{nonce}", f"mfa:used:{nonce}"
    try:
        if cache.get(used_key):
            raise _invalid_token()
        cache.add(attempts_key, 0, timeout=MFA_TOKEN_MAX_AGE)
        attempts = cache.incr(attempts_key)
        if attempts > MFA_TOKEN_MAX_ATTEMPTS:
            raise MfaChallengeError("mfa_attempts_exceeded", "Too many wrong codes. Sign in again.")
        if not _code_valid(user, code):
            raise MfaChallengeError("invalid_code", "This code is not valid.")
        # Redeemed once: a second request with the same token (a replayed or doubled submit) is refused.
        if not cache.add(used_key, 1, timeout=MFA_TOKEN_MAX_AGE):
            raise _invalid_token()
    except _CACHE_ERRORS as exc:  # fail closed, like the rate limits: no uncounted guessing
        raise RateLimitUnavailable() from exc
    return user


def _invalid_token() -> MfaChallengeError:
    return MfaChallengeError("mfa_token_invalid", "This sign-in is not valid. Sign in again.")


def _code_valid(user: User, code: str) -> bool:
    """allauth's own checks: a TOTP code once per period, a recovery code once ever."""
    code = code.strip()
    for authenticator in Authenticator.objects.filter(user_id=user.pk, type__in=CODE_TYPES).order_by("type"):
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False
