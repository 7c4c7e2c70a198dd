"""Seats: how many people an organisation may have, from the configured entitlements (tenants.entitlements;
billing's plans, or unlimited without billing). Active members and pending invitations both take a seat,
so invitations cannot overshoot the limit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tenants.entitlements import entitlements
from tenants.models import Tenant

from .models import Invitation, Membership

SEAT_LIMIT_MESSAGE = gettext_lazy(
    "Your plan has no seat left for another member. Upgrade, or remove a member or invitation."
)


def seats_used(*, tenant: Tenant, excluding_invitation: Invitation | None = None) -> int:
    members = Membership.objects.filter(tenant=tenant, is_active=True).count()
    pending = Invitation.objects.filter(tenant=tenant, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
    if excluding_invitation is not None:
        pending = pending.exclude(pk=excluding_invitation.pk)
    return members + pending.count()


def seat_check(*, tenant: Tenant, excluding_invitation: Invitation | None = None) -> None:
    """Raise a (non-field) ValidationError `seat_limit_reached` if one more seat does not fit.

    Callers hold a row lock on the tenant (`select_for_update`), so two concurrent invitations cannot
    both take the last seat.
    """
    limit = entitlements().seat_limit(tenant)
    if limit is not None and seats_used(tenant=tenant, excluding_invitation=excluding_invitation) + 1 > limit:
        raise ValidationError(SEAT_LIMIT_MESSAGE, code="seat_limit_reached")
