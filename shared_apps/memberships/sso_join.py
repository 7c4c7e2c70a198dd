"""Auto-join (per-organisation SSO with `autoJoin`): a person the organisation's own identity provider
vouches for, with a verified email in the organisation's domains, becomes a member on first sign-in.

Only the organisation's own SSO provider counts (accounts' social adapter checks that), only a verified
address (the IdP's `email_verified`), only the configured domains, and the seat limit applies, under the
same row lock as invitations so two first sign-ins cannot both take the last seat.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenants.models import Tenant

from .models import Membership
from .seats import seat_check
from .selectors import membership_for
from .services import membership_create
from .sso import sso_config_for_tenant, sso_email_domain_allowed


def sso_auto_join_email(*, tenant: Tenant, addresses: Iterable[tuple[str, bool]]) -> str | None:
    """The first verified address (email, verified) in the organisation's domains, if it auto-joins."""
    config = sso_config_for_tenant(tenant)
    if config is None or not config.auto_join:
        return None
    for email, verified in addresses:
        if verified and sso_email_domain_allowed(config, email):
            return email.strip().lower()
    return None


def sso_auto_join(*, tenant: Tenant, user: User, email: str, ip: str | None = None) -> Membership | None:
    """Make `user` a member (role member), or None for someone the organisation removed (they come back
    by invitation only: auto-join must not undo an owner's decision). Raises ValidationError
    `seat_limit_reached` when the plan's seats are taken."""
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        existing = membership_for(tenant=tenant, user_id=user.pk)
        if existing is not None:
            return existing
        if Membership.objects.filter(tenant=tenant, user=user).exists():
            return None  # a removed member
        seat_check(tenant=tenant)
        membership = membership_create(user=user, tenant=tenant, role=Membership.Role.MEMBER)
        audit_record(
            action="member.auto_joined",
            actor=user,
            tenant=tenant,
            target=membership,
            ip=ip,
            extra={"email": email, "via": "sso"},
        )
    return membership
