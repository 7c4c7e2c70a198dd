"""One-time login links: a handoff from the account to an organisation, or an operator's impersonation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tenants.models import Tenant

from .models import LoginCode, User


class LoginCodeInvalidError(Exception):
    """Unknown, expired, already used, or for another organisation: one answer for all of them."""


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def login_code_create(
    *,
    user: User,
    tenant: Tenant,
    purpose: LoginCode.Purpose = LoginCode.Purpose.HANDOFF,
    actor: User | None = None,
    ttl: timedelta | None = None,
) -> str:
    """Return a fresh code (256 bits from the OS CSPRNG); only its hash is stored."""
    code = secrets.token_urlsafe(32)
    LoginCode.objects.create(
        code_hash=_hash(code),
        purpose=purpose,
        user=user,
        tenant=tenant,
        actor=actor,
        expires_at=timezone.now() + (ttl or settings.HANDOFF_CODE_TTL),
    )
    return code


_SIGN_IN = (LoginCode.Purpose.HANDOFF, LoginCode.Purpose.IMPERSONATION)


def login_code_redeem(*, code: str, tenant: Tenant, purposes: tuple[LoginCode.Purpose, ...] = _SIGN_IN) -> LoginCode:
    """Use a code once, on its own organisation's host only, for one of `purposes` (a connect code never
    signs anyone in, and a handoff code never connects a provider)."""
    with transaction.atomic():
        login = LoginCode.objects.select_for_update().filter(code_hash=_hash(code), purpose__in=purposes).first()
        if login is None or login.used_at is not None or login.expires_at <= timezone.now():
            raise LoginCodeInvalidError
        if login.tenant_id != tenant.id:
            raise LoginCodeInvalidError
        login.used_at = timezone.now()
        login.save(update_fields=["used_at"])
    return login
