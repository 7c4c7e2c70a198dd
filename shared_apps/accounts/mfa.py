"""Second factor at sign-in (allauth.mfa's authenticators: TOTP, recovery codes and WebAuthn passkeys).

A password login of an account with an authenticator gets a challenge instead of tokens: a signed
`mfaToken` (django.core.signing) naming the account and the host (organisation) the login happened on,
valid for MFA_TOKEN_MAX_AGE seconds and MFA_TOKEN_MAX_ATTEMPTS wrong codes, redeemed once. Codes are
checked by allauth's own authenticators (TOTP: a code once per period; recovery codes: each once).
Attempt counts and the used mark live in the global cache (Redis), keyed by the token's nonce.

A passkey answers with a WebAuthn assertion instead of a code: `mfa_webauthn_options` starts the ceremony
for the token's account (its passkeys only) and keeps the challenge in the cache under the token's nonce,
never in a session, so the assertion is only good for that token, on that host; a wrong or foreign one
counts as a wrong code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import redis.exceptions
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from django.core import signing
from django.core.cache import caches
from django.db import transaction
from django.utils.translation import gettext as _
from fido2.webauthn import AuthenticationResponse, UserVerificationRequirement

from saas.api.ratelimit import CACHE_ALIAS, RateLimitUnavailable
from shared_apps.accounts.models import User
from shared_apps.accounts.tokens import tenant_claim
from shared_apps.audit.services import audit_record
from tenants.models import Tenant

MFA_TOKEN_MAX_AGE = 300
MFA_TOKEN_MAX_ATTEMPTS = 5
# The second step accepts what allauth can verify from a code typed in; WebAuthn needs its own ceremony.
CODE_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
# What answers the second step at all: a code, or a passkey's assertion.
SECOND_STEP_TYPES = (*CODE_TYPES, Authenticator.Type.WEBAUTHN)
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
    """What the account can answer a challenge with, e.g. ["recovery_codes", "totp", "webauthn"]."""
    types = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_STEP_TYPES).values_list("type", flat=True)
    return sorted(set(types))


def mfa_challenge_create(*, user: User, tenant: Tenant | None) -> MfaChallenge:
    """After a correct password: the token the second step presents, bound to this host's organisation."""
    payload = {"u": user.pk, "t": tenant_claim(tenant), "n": secrets.token_urlsafe(16)}
    return MfaChallenge(token=signing.dumps(payload, salt=_SALT), methods=mfa_methods(user))


def mfa_challenge_verify(
    *, token: str, tenant: Tenant | None, code: str | None = None, credential: dict[str, Any] | None = None
) -> User:
    """The account the challenge was for, once `code` is one of its valid codes, or `credential` a valid
    assertion of one of its passkeys for the challenge of `mfa_webauthn_options`. Raises MfaChallengeError:
    `mfa_token_invalid` (tampered, another host's, already redeemed, or the account is gone),
    `mfa_token_expired` (older than MFA_TOKEN_MAX_AGE), `mfa_attempts_exceeded` (MFA_TOKEN_MAX_ATTEMPTS
    wrong answers: even a right one is refused now), `invalid_code`."""
    user, nonce = _challenge_account(token, tenant)
    cache = caches[CACHE_ALIAS]
    attempts_key, used_key = f"mfa:attempts:{nonce}", f"mfa:used:{nonce}"
    try:
        if cache.get(used_key):
            raise _invalid_token()
        cache.add(attempts_key, 0, timeout=MFA_TOKEN_MAX_AGE)
        attempts = cache.incr(attempts_key)
        if attempts > MFA_TOKEN_MAX_ATTEMPTS:
            raise MfaChallengeError("mfa_attempts_exceeded", _("Too many wrong codes. Sign in again."))
        if credential is not None:
            if not _assertion_valid(user, nonce, credential):
                raise MfaChallengeError("invalid_code", _("This passkey is not valid for this sign-in."))
        elif code is None or not _code_valid(user, code):
            raise MfaChallengeError("invalid_code", _("This code is not valid."))
        # Redeemed once: a second request with the same token (a replayed or doubled submit) is refused.
        if not cache.add(used_key, 1, timeout=MFA_TOKEN_MAX_AGE):
            raise _invalid_token()
    except _CACHE_ERRORS as exc:  # fail closed, like the rate limits: no uncounted guessing
        raise RateLimitUnavailable() from exc
    return user


def mfa_webauthn_options(*, token: str, tenant: Tenant | None) -> dict[str, Any]:
    """WebAuthn request options (`{"publicKey": {...}}`, for navigator.credentials.get) listing the token's
    account's passkeys. The challenge is kept for this token only; asking again replaces it. Raises
    MfaChallengeError like mfa_challenge_verify, and `webauthn_unavailable` for an account without a passkey."""
    user, nonce = _challenge_account(token, tenant)
    cache = caches[CACHE_ALIAS]
    try:
        if cache.get(f"mfa:used:{nonce}"):
            raise _invalid_token()
        credentials = webauthn_auth.get_credentials(user)
        if not credentials:
            raise MfaChallengeError("webauthn_unavailable", _("This account has no passkey."))
        # allauth's server: relying party id = this request's host (the organisation's), allauth's settings.
        options, state = webauthn_auth.get_server().authenticate_begin(
            credentials=credentials,
            user_verification=UserVerificationRequirement(mfa_settings.WEBAUTHN_USER_VERIFICATION),
        )
        cache.set(_webauthn_state_key(nonce), dict(state), timeout=MFA_TOKEN_MAX_AGE)
    except _CACHE_ERRORS as exc:
        raise RateLimitUnavailable() from exc
    return dict(options)


def _challenge_account(token: str, tenant: Tenant | None) -> tuple[User, str]:
    """The active account a valid, unexpired token of this host names, and the token's nonce."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=MFA_TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise MfaChallengeError("mfa_token_expired", _("This sign-in has expired. Sign in again.")) from exc
    except signing.BadSignature as exc:
        raise _invalid_token() from exc
    if not isinstance(payload, dict) or payload.get("t") != tenant_claim(tenant) or not payload.get("u"):
        raise _invalid_token()
    user = User.objects.filter(pk=int(payload["u"]), is_active=True).first()
    if user is None:
        raise _invalid_token()
    return user, str(payload.get("n"))


def _webauthn_state_key(nonce: str) -> str:
    return f"mfa:webauthn:{nonce}"


def _invalid_token() -> MfaChallengeError:
    return MfaChallengeError("mfa_token_invalid", _("This sign-in is not valid. Sign in again."))


def _code_valid(user: User, code: str) -> bool:
    """allauth's own checks: a TOTP code once per period, a recovery code once ever."""
    code = code.strip()
    for authenticator in Authenticator.objects.filter(user_id=user.pk, type__in=CODE_TYPES).order_by("type"):
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False


def _assertion_valid(user: User, nonce: str, credential: dict[str, Any]) -> bool:
    """fido2's checks against the challenge kept for this token: type, origin, challenge, relying party
    (this host), user presence (and verification if required), and the signature of one of `user`'s own
    passkeys (another account's credential is an unknown id here). The challenge is used up by a success."""
    state = caches[CACHE_ALIAS].get(_webauthn_state_key(nonce))
    if not state:  # no options asked for this token (or they expired)
        return False
    try:
        response = AuthenticationResponse.from_dict(credential)
        binding = webauthn_auth.get_server().authenticate_complete(state, webauthn_auth.get_credentials(user), response)
    except (TypeError, ValueError, KeyError, AttributeError):  # malformed, or refused by fido2
        return False
    authenticator = webauthn_auth.get_authenticator_by_credential_id(user, binding.credential_id)
    if authenticator is None:
        return False
    caches[CACHE_ALIAS].delete(_webauthn_state_key(nonce))
    authenticator.record_usage()
    return True
