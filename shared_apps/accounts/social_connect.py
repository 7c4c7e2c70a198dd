"""Connecting a sign-in provider to the signed-in account (the profile's Connected accounts).

The provider's login runs through the public host like every social login (shared_apps/accounts/social.py),
where nobody is signed in, so the account to connect to cannot be "whoever is signed in there". The
organisation's host issues a single-use, short-lived connect token for the signed-in member (a LoginCode with
purpose CONNECT: only its hash is stored, it never signs anyone in); the flow carries it in its signed state,
and the public host's callback redeems it and connects the provider account to THAT account only.
"""

from __future__ import annotations

from datetime import timedelta

from shared_apps.memberships.selectors import membership_for
from tenants.models import Tenant

from .login_codes import LoginCodeInvalidError, login_code_create, login_code_redeem
from .models import LoginCode, User

# The provider's own step (allauth's state) has 10 minutes too: a token outlives the start of its flow.
CONNECT_TOKEN_TTL = timedelta(minutes=10)


class ConnectTokenInvalidError(Exception):
    """Unknown, expired, used, another organisation's, or its account no longer a member here."""


def social_connect_token_create(*, user: User, tenant: Tenant) -> str:
    return login_code_create(user=user, tenant=tenant, purpose=LoginCode.Purpose.CONNECT, ttl=CONNECT_TOKEN_TTL)


def social_connect_token_redeem(*, token: str, tenant: Tenant) -> User:
    """The account a connect token was issued to (once), still an active member of `tenant`."""
    try:
        login = login_code_redeem(code=token, tenant=tenant, purposes=(LoginCode.Purpose.CONNECT,))
    except LoginCodeInvalidError as exc:
        raise ConnectTokenInvalidError from exc
    user = login.user
    if not user.is_active or membership_for(tenant=tenant, user_id=user.pk) is None:
        raise ConnectTokenInvalidError
    return user
