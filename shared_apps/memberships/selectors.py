from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import Tenant

from .models import Membership


def member_list(*, tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.filter(tenant=tenant, is_active=True).select_related("user").order_by("created_at", "id")


def member_get(*, tenant: Tenant, user_id: int) -> Membership:
    """404-equivalent (DoesNotExist) both for "no such member" and "member of another tenant"."""
    return member_list(tenant=tenant).get(user_id=user_id)


def membership_for(*, tenant: Tenant, user_id: int) -> Membership | None:
    return member_list(tenant=tenant).filter(user_id=user_id).first()


def tenants_of(*, user_id: int) -> QuerySet[Membership]:
    """The user's active organisations, for the organisation switcher."""
    return (
        Membership.objects.filter(user_id=user_id, is_active=True, tenant__status__in=["active", "suspended"])
        .select_related("tenant")
        .order_by("tenant__name")
    )
