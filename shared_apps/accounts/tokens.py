"""Tenant-bound JWTs with refresh-token families (our own: simplejwt has none).

Every token names its tenant (`tid`: the tenant's id, or "public" for account tokens), and access
tokens carry the membership's version (`mv`), so a role change or removal ends them at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from shared_apps.memberships.models import Membership
from tenants.models import Tenant

from .models import RefreshTokenRecord, User
from .signals import refresh_requested

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
    if "fam" not in token:
        raise TokenInvalidError("token has no family: not one of ours")
    return token


def _family_lock(family: uuid.UUID | str) -> None:
    """Serialise every change to one family until the transaction ends (PostgreSQL advisory lock).

    A row lock on the presented token alone leaves a gap: a revocation's UPDATE works on the snapshot its
    statement started with, so a token another transaction is minting for the same family at that moment
    would survive it. With this lock a refresh, a reuse and a logout of one family run one after another,
    and the revoking UPDATE (a new statement, a new snapshot) sees every token minted before it.
    """
    key = uuid.UUID(str(family)).int >> 64  # 64 of the UUID's random bits; a collision only serialises more
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key - (1 << 64) if key >= 1 << 63 else key])


def _family_revoke(family: uuid.UUID | str, now: datetime) -> None:
    RefreshTokenRecord.objects.filter(family=family, revoked_at=None).update(revoked_at=now)


def _within_reuse_grace(rotated_at: datetime, now: datetime) -> bool:
    return now - rotated_at <= timedelta(seconds=settings.JWT_REFRESH_REUSE_GRACE_SECONDS)


def token_refresh(*, raw: str, tenant: Tenant | None, ip: str | None = None) -> TokenPair:
    """Rotate: the presented token is marked rotated and a new one of the same family is returned.

    Presented again within JWT_REFRESH_REUSE_GRACE_SECONDS of its rotation (parallel tabs, a retry whose
    answer was lost), it gets another working pair of the same family. Presented after that, a copy is in
    someone's hands: the whole family is revoked.

    `refresh_requested` receivers may refuse first (RefreshRefusedError: an impersonation that ended);
    they run outside the transaction, so a revocation they make stays.
    """
    token = _decode_refresh(raw, tenant)
    refresh_requested.send(sender=RefreshTokenRecord, token=token, tenant=tenant, ip=ip)
    with transaction.atomic():
        _family_lock(token["fam"])
        # The row lock too: tokens_revoke (member removal, deactivation) takes no family lock.
        record = RefreshTokenRecord.objects.select_for_update().filter(jti=token["jti"]).first()
        # Read once the locks are held: time spent waiting behind a parallel refresh of the same token
        # must not count against the grace window.
        now = timezone.now()
        if record is None or record.revoked_at is not None:
            raise TokenInvalidError("token revoked")
        if record.rotated_at is not None and not _within_reuse_grace(record.rotated_at, now):
            _family_revoke(record.family, now)
            refusal = "token reused: its family is revoked"
        else:
            user = User.objects.filter(pk=record.user_id, is_active=True).first()
            membership = (
                Membership.objects.filter(user=user, tenant=tenant, is_active=True).first()
                if tenant is not None and user is not None
                else None
            )
            if user is not None and (tenant is None or membership is not None):
                if record.rotated_at is None:
                    # The grace window runs from the first rotation; a reuse within it does not extend it.
                    record.rotated_at = now
                    record.save(update_fields=["rotated_at"])
                extra = {key: token[key] for key in ("imp", "imp_write") if key in token}
                return _issue(user=user, tenant=tenant, membership=membership, family=record.family, extra=extra)
            _family_revoke(record.family, now)
            refusal = "the account or membership is no longer active"
    # Refused after the transaction on purpose: the revocation above must commit.
    raise TokenInvalidError(refusal)


def token_family_revoke(*, raw: str, tenant: Tenant | None) -> None:
    """Logout: the presented token's family stops working, including a token a parallel refresh mints."""
    token = _decode_refresh(raw, tenant)
    with transaction.atomic():
        _family_lock(token["fam"])
        _family_revoke(token["fam"], timezone.now())


def token_family_of(token: Any) -> str | None:
    """The family (`fam`) of a decoded access or refresh token: every token of one login carries it (the
    access token copies the refresh token's claims), so a request knows which session it belongs to."""
    family = token.get("fam") if token is not None else None
    return str(family) if family else None


def user_family_revoke(*, user: User, family: uuid.UUID | str) -> bool:
    """End one of the user's sessions (a family with a live token), as a logout of it would. False when the
    user has no live family by that id: someone else's, ended already, or never issued."""
    with transaction.atomic():
        _family_lock(family)
        now = timezone.now()
        mine = RefreshTokenRecord.objects.filter(user=user, family=family)
        if not mine.filter(revoked_at=None, expires_at__gt=now).exists():
            return False
        mine.filter(revoked_at=None).update(revoked_at=now)
    return True


def user_families_revoke(*, user: User, keep: uuid.UUID | str | None = None) -> int:
    """End every session of the user but `keep` (None: every one). Returns how many sessions ended.

    Without one advisory lock per family (a person may hold thousands of families, and the locks of one
    transaction would all be held until it commits), a refresh racing this is caught by repeating the
    UPDATE until it finds nothing: a refresh mints its token only after locking a live record of its family;
    if this UPDATE locked that record first, the refresh finds it revoked once this commits; if the refresh
    locked it first, this UPDATE waited for its commit, and the next statement (a fresh snapshot) sees the
    token it minted. Callers that lock the user's row first must take FOR NO KEY UPDATE (a refresh's insert
    takes KEY SHARE on it). A refresh presenting a stolen token at this very moment revokes its family's rows
    in its own order and may deadlock with this; PostgreSQL then aborts one of the two (a 503, retried)."""
    with transaction.atomic():
        now = timezone.now()
        live = RefreshTokenRecord.objects.filter(user=user, revoked_at=None, expires_at__gt=now)
        if keep is not None:
            live = live.exclude(family=keep)
        ended = live.values("family").distinct().count()
        pending = RefreshTokenRecord.objects.filter(user=user, revoked_at=None)
        if keep is not None:
            pending = pending.exclude(family=keep)
        while pending.update(revoked_at=now):
            pass
    return ended


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
