"""Tenant-bound JWTs with refresh-token families (our own: simplejwt has none).

Every token names its tenant (`tid`: the tenant's id, or "public" for account tokens), and access
tokens carry the membership's version (`mv`), so a role change or removal ends them at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from shared_apps.memberships.models import Membership
from tenants.models import Tenant

from .models import RefreshTokenRecord, User

PUBLIC_TENANT_CLAIM = "public"


class TokenInvalidError(Exception):
    """The token cannot be used here: bad signature, expired, wrong tenant, rotated or revoked."""


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def tenant_claim(tenant: Tenant | None) -> str:
    return str(tenant.id) if tenant is not None else PUBLIC_TENANT_CLAIM


def _issue(
    *, user: User, tenant: Tenant | None, membership: Membership | None, family: uuid.UUID, extra: dict[str, Any]
) -> TokenPair:
    refresh = RefreshToken.for_user(user)
    refresh["tid"] = tenant_claim(tenant)
    refresh["fam"] = str(family)
    for key, value in extra.items():
        refresh[key] = value
    access = refresh.access_token
    if membership is not None:
        access["mv"] = membership.version
    RefreshTokenRecord.objects.create(
        jti=refresh["jti"],
        family=family,
        user=user,
        tenant=tenant,
        expires_at=datetime.fromtimestamp(refresh["exp"], tz=UTC),
    )
    return TokenPair(access=str(access), refresh=str(refresh))


def token_pair_issue(
    *, user: User, tenant: Tenant | None, membership: Membership | None = None, extra: dict[str, Any] | None = None
) -> TokenPair:
    """A new login: a new family. `membership` is required for a tenant token."""
    if tenant is not None and membership is None:
        raise ValueError("a tenant token needs the membership it stands for")
    return _issue(user=user, tenant=tenant, membership=membership, family=uuid.uuid4(), extra=extra or {})


def _decode_refresh(raw: str, tenant: Tenant | None) -> RefreshToken:
    try:
        token = RefreshToken(raw)  # type: ignore[arg-type]  # signature, algorithm, expiry, audience, issuer, token type
    except TokenError as exc:
        raise TokenInvalidError(str(exc)) from exc
    if token.get("tid") != tenant_claim(tenant):
        raise TokenInvalidError("token belongs to another tenant")
    return token


def token_refresh(*, raw: str, tenant: Tenant | None) -> TokenPair:
    """Rotate: the presented token stops working and a new one of the same family is returned.

    A token presented after it was rotated revokes the whole family (a copy is in someone's hands).
    """
    token = _decode_refresh(raw, tenant)
    now = timezone.now()
    with transaction.atomic():
        record = RefreshTokenRecord.objects.select_for_update().filter(jti=token["jti"]).first()
        if record is None or record.revoked_at is not None:
            raise TokenInvalidError("token revoked")
        if record.rotated_at is not None:
            RefreshTokenRecord.objects.filter(family=record.family, revoked_at=None).update(revoked_at=now)
            refusal = "token reused: its family is revoked"
        else:
            user = User.objects.filter(pk=record.user_id, is_active=True).first()
            membership = (
                Membership.objects.filter(user=user, tenant=tenant, is_active=True).first()
                if tenant is not None and user is not None
                else None
            )
            if user is not None and (tenant is None or membership is not None):
                record.rotated_at = now
                record.save(update_fields=["rotated_at"])
                extra = {key: token[key] for key in ("imp", "imp_write") if key in token}
                return _issue(user=user, tenant=tenant, membership=membership, family=record.family, extra=extra)
            RefreshTokenRecord.objects.filter(family=record.family, revoked_at=None).update(revoked_at=now)
            refusal = "the account or membership is no longer active"
    # Refused after the transaction on purpose: the revocation above must commit.
    raise TokenInvalidError(refusal)


def token_family_revoke(*, raw: str, tenant: Tenant | None) -> None:
    """Logout: the presented token's family stops working."""
    token = _decode_refresh(raw, tenant)
    RefreshTokenRecord.objects.filter(family=token["fam"], revoked_at=None).update(revoked_at=timezone.now())


def tokens_revoke(*, user: User, tenant: Tenant | None = None) -> int:
    """Revoke a user's refresh tokens: for one tenant, or everywhere (tenant=None)."""
    records = RefreshTokenRecord.objects.filter(user=user, revoked_at=None)
    if tenant is not None:
        records = records.filter(tenant=tenant)
    return records.update(revoked_at=timezone.now())


def access_token_decode(raw: str) -> AccessToken:
    try:
        return AccessToken(raw)  # type: ignore[arg-type]  # stubs say Token; the library takes the encoded str
    except TokenError as exc:
        raise TokenInvalidError(str(exc)) from exc
