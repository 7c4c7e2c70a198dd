"""Operators signing into an organisation as one of its members, to see what they see.

The link is an ordinary one-time login code (purpose IMPERSONATION, actor = the operator), so the
handoff endpoint redeems it and puts the `imp` claim in the tokens. An ImpersonationGrant, found by the
code's hash and then by the tokens' refresh family (`fam`, kept across rotation), holds the rest:
read-only unless write access was asked for, and an end at most IMPERSONATION_MAX_MINUTES (30) after
the link was made. The family is bound when accounts sends `handoff_redeemed`; a refresh of an ended one
is refused when it sends `refresh_requested` (receivers below, connected in apps.py); ImpersonationMiddleware
enforces the rest on every request and audits it.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from shared_apps.accounts.login_codes import login_code_create
from shared_apps.accounts.models import LoginCode, RefreshTokenRecord, User
from shared_apps.accounts.signals import RefreshRefusedError
from shared_apps.accounts.tokens import TokenPair
from shared_apps.audit.services import audit_record
from shared_apps.memberships.models import Membership
from tenants.models import Tenant
from tenants.selectors import tenant_primary_domain, tenant_url

from .models import ImpersonationGrant

ENDED_CODE = "impersonation_ended"
ENDED_DETAIL = gettext_lazy("This impersonation session has ended.")


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _member(tenant: Tenant, user_id: int | None) -> Membership:
    members = Membership.objects.filter(tenant=tenant, is_active=True, user__is_active=True).select_related("user")
    if user_id is not None:
        membership = members.filter(user_id=user_id).first()
    else:
        membership = members.filter(role=Membership.Role.OWNER).order_by("created_at", "id").first()
    if membership is None:
        raise ValidationError(
            {"user_id": [ValidationError(_("No such member in this organisation."), code="not_member")]}
        )
    return membership


def impersonation_start(
    *,
    tenant: Tenant,
    operator: User,
    reason: str,
    user_id: int | None = None,
    write: bool = False,
    ip: str | None = None,
) -> str:
    """A one-time link into `tenant` as `user_id` (default: its first owner). Returns the URL."""
    if not operator.is_staff:
        raise PermissionError("only operators impersonate")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": [ValidationError(_("Say why you need to sign in as this member."), code="required")]}
        )
    if tenant.status != Tenant.Status.ACTIVE:
        raise ValidationError(
            _("A %(status)s organisation cannot be entered.") % {"status": tenant.status}, code="invalid_state"
        )
    membership = _member(tenant, user_id)
    with transaction.atomic():
        code = login_code_create(
            user=membership.user,
            tenant=tenant,
            purpose=LoginCode.Purpose.IMPERSONATION,
            actor=operator,
            ttl=settings.HANDOFF_CODE_TTL,
        )
        grant = ImpersonationGrant.objects.create(
            tenant=tenant,
            operator=operator,
            user=membership.user,
            reason=reason,
            is_write=write,
            code_hash=code_hash(code),
            expires_at=timezone.now() + settings.IMPERSONATION_MAX_DURATION,
        )
        audit_record(action="impersonation.started", actor=operator, tenant=tenant, target=membership.user, ip=ip,
                     extra={"reason": reason, "write": write, "grant": str(grant.id),
                            "expires_at": grant.expires_at.isoformat()})  # fmt: skip
    return f"{tenant_url(host=tenant_primary_domain(tenant=tenant))}auth/handoff?code={code}"


def impersonation_bind(*, code_hash: str, refresh: str, ip: str | None = None) -> ImpersonationGrant | None:
    """After an impersonation code was redeemed: tie the new refresh family to its grant (found by the
    code's hash, which the LoginCode stores too)."""
    grant = ImpersonationGrant.objects.filter(code_hash=code_hash, family=None).first()
    if grant is None:
        return None
    try:
        family = uuid.UUID(str(RefreshToken(refresh)["fam"]))  # type: ignore[arg-type]
    except (TokenError, KeyError, ValueError):
        return None
    grant.family = family
    grant.redeemed_at = timezone.now()
    grant.save(update_fields=["family", "redeemed_at"])
    audit_record(action="impersonation.redeemed", actor=grant.operator, tenant=grant.tenant, target=grant.user,
                 ip=ip, extra={"grant": str(grant.id), "write": grant.is_write})  # fmt: skip
    return grant


def impersonation_for(*, family: object) -> ImpersonationGrant | None:
    try:
        family_id = uuid.UUID(str(family))
    except ValueError:
        return None
    return ImpersonationGrant.objects.filter(family=family_id).select_related("operator", "tenant").first()


def impersonation_family_revoke(*, grant: ImpersonationGrant) -> int:
    if grant.family is None:
        return 0
    return RefreshTokenRecord.objects.filter(family=grant.family, revoked_at=None).update(revoked_at=timezone.now())


def impersonation_refuse_ended(
    *, grant: ImpersonationGrant | None, tenant: Tenant | None, ip: str | None, extra: dict[str, Any]
) -> None:
    """A token of an ended (or unknown) impersonation was used: its family is revoked, the refusal audited."""
    if grant is not None:
        impersonation_family_revoke(grant=grant)
    audit_record(action="impersonation.refused", actor=grant.operator if grant else None, tenant=tenant, ip=ip,
                 extra={**extra, "why": "ended"})  # fmt: skip


def on_handoff_redeemed(*, login: LoginCode, pair: TokenPair, ip: str | None = None, **_: Any) -> None:
    """accounts' `handoff_redeemed`: an impersonation link's tokens join its grant."""
    if login.purpose == LoginCode.Purpose.IMPERSONATION:
        impersonation_bind(code_hash=login.code_hash, refresh=pair.refresh, ip=ip)


def on_refresh_requested(*, token: RefreshToken, tenant: Tenant | None, ip: str | None = None, **_: Any) -> None:
    """accounts' `refresh_requested`: an ended impersonation cannot be refreshed (its family is revoked)."""
    if not token.get("imp"):
        return
    grant = impersonation_for(family=token.get("fam"))
    if grant is not None and grant.expires_at > timezone.now():
        return
    impersonation_refuse_ended(grant=grant, tenant=tenant, ip=ip, extra={"via": "refresh"})
    raise RefreshRefusedError(ENDED_CODE, str(ENDED_DETAIL))


def impersonations_expire() -> int:
    """Revoke the refresh tokens of every ended impersonation (periodic; they are refused anyway)."""
    ended = ImpersonationGrant.objects.filter(expires_at__lte=timezone.now(), family__isnull=False)
    return RefreshTokenRecord.objects.filter(family__in=ended.values("family"), revoked_at=None).update(
        revoked_at=timezone.now()
    )
