"""Passwordless sign-in with a passkey (allauth.mfa's WebAuthn authenticators).

allauth's own passkey login (MFA_PASSKEY_LOGIN_ENABLED, /_allauth/.../auth/webauthn/login) keeps its WebAuthn
state in a session and ends with an allauth session, so it is not mounted; the kit's logins end with its
tenant-bound JWTs (POST /api/v1/auth/passkey/, the
view checks membership and SSO like the password login). The ceremony is allauth's: its relying party (this
request's host, so a passkey works on the host it was added on only), its user handle (the account's id) and
its stored credentials, checked by fido2:

1. `passkey_login_options(tenant=)`: request options with no allowCredentials (the browser offers the passkeys
   it holds for this host: discoverable ones) and user verification REQUIRED (the passkey is then both
   factors). The challenge's state is kept in the global cache for PASSKEY_CHALLENGE_MAX_AGE seconds under the
   challenge itself, with the host's organisation: no session, no extra token to carry.
2. `passkey_login_verify(tenant=, credential=)`: the assertion's challenge names its state, which is used up
   by this attempt whatever its outcome (once only, even for two concurrent requests); fido2 checks type,
   origin, relying party, user presence and verification, and the signature of one of the passkeys of the
   account its user handle names. The passkey must have been added for passwordless sign-in (allauth's
   `is_passwordless`: a discoverable credential, `credProps.rk`): one added as a second step only is refused.
"""

from __future__ import annotations

from typing import Any

import redis.exceptions
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from fido2.utils import websafe_encode
from fido2.webauthn import AuthenticationResponse, UserVerificationRequirement

from saas.api.ratelimit import CACHE_ALIAS, RateLimitUnavailable
from shared_apps.accounts.models import User
from shared_apps.accounts.tokens import tenant_claim
from tenants.models import Tenant

PASSKEY_CHALLENGE_MAX_AGE = 300
_CACHE_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)


class PasskeyLoginError(Exception):
    """The assertion does not sign anyone in; `code` says why (the view answers it)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _state_key(challenge: str) -> str:
    return f"passkey:login:{challenge}"


def _refused() -> PasskeyLoginError:
    # One answer for a stale or foreign challenge, an unknown account or passkey and a bad signature.
    message = _("This passkey cannot sign you in here. Try again, or use your password.")
    return PasskeyLoginError("passkey_invalid", message)


def passkey_login_options(*, tenant: Tenant | None) -> dict[str, Any]:
    """WebAuthn request options (`{"publicKey": {...}}`, for navigator.credentials.get) for this host."""
    options, state = webauthn_auth.get_server().authenticate_begin(
        credentials=[], user_verification=UserVerificationRequirement.REQUIRED
    )
    try:
        caches[CACHE_ALIAS].set(
            _state_key(str(state["challenge"])),
            {"state": dict(state), "t": tenant_claim(tenant)},
            timeout=PASSKEY_CHALLENGE_MAX_AGE,
        )
    except _CACHE_ERRORS as exc:  # fail closed, like the rate limits
        raise RateLimitUnavailable() from exc
    return dict(options)


def passkey_login_verify(*, tenant: Tenant | None, credential: dict[str, Any]) -> tuple[User, Authenticator]:
    """The active account whose passwordless passkey made this assertion for a challenge of this host, and that
    passkey (its use recorded). PasskeyLoginError `passkey_invalid`, `passkey_not_passwordless` for a valid
    assertion of a passkey added as a second step only, or `invalid` for a body that is no assertion at all."""
    try:
        response = AuthenticationResponse.from_dict(credential)
        challenge = websafe_encode(response.response.client_data.challenge)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise PasskeyLoginError(
            "invalid", _("This is not a passkey's answer (WebAuthn's PublicKeyCredential as JSON).")
        ) from exc
    cache = caches[CACHE_ALIAS]
    try:
        entry = cache.get(_state_key(challenge))
        # Used up by this attempt: a replay, or a second request racing this one, finds nothing.
        if not isinstance(entry, dict) or not cache.delete(_state_key(challenge)):
            raise _refused()
    except _CACHE_ERRORS as exc:
        raise RateLimitUnavailable() from exc
    if entry.get("t") != tenant_claim(tenant):  # asked for on another host
        raise _refused()
    try:
        user = webauthn_auth.extract_user_from_response(credential)
    except ValidationError as exc:
        raise _refused() from exc
    if not isinstance(user, User) or not user.is_active:
        raise _refused()
    try:
        binding = webauthn_auth.get_server().authenticate_complete(
            entry["state"], webauthn_auth.get_credentials(user), response
        )
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # refused by fido2
        raise _refused() from exc
    authenticator = webauthn_auth.get_authenticator_by_credential_id(user, binding.credential_id)
    if authenticator is None:
        raise _refused()
    if not authenticator.wrap().is_passwordless:
        raise PasskeyLoginError(
            "passkey_not_passwordless",
            _(
                "This passkey was added as a second step only. Sign in with your password, then add a passkey "
                "for signing in without a password."
            ),
        )
    authenticator.record_usage()
    return user, authenticator
