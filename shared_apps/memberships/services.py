"""Members and roles. Rules (API.md): owners and admins manage members; nobody grants a role above
their own; only owners manage owners; the last owner can neither leave nor be demoted."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.accounts.models import User
from shared_apps.accounts.tokens import tokens_revoke
from shared_apps.audit.services import audit_record
from tenants.models import Tenant

from .actions import Action, role_may
from .models import ROLE_RANK, Membership

LAST_OWNER_MESSAGE = gettext_lazy("An organisation needs at least one owner. Make someone else an owner first.")


def membership_create(*, user: User, tenant: Tenant, role: Membership.Role) -> Membership:
    return Membership.objects.create(user=user, tenant=tenant, role=role)


def _locked_members(tenant: Tenant) -> dict[int, Membership]:
    """Every active membership of the tenant, row-locked: concurrent changes to owners serialise here."""
    memberships = Membership.objects.select_for_update().filter(tenant=tenant, is_active=True).order_by("id")
    return {membership.user_id: membership for membership in memberships}


def _owner_count(members: dict[int, Membership]) -> int:
    return sum(1 for m in members.values() if m.role == Membership.Role.OWNER)


def _may_manage(actor: Membership, target: Membership) -> bool:
    if not role_may(actor.role, Action.MEMBERS_MANAGE):
        return False
    return target.role != Membership.Role.OWNER or role_may(actor.role, Action.OWNERS_MANAGE)


def member_role_change(*, tenant: Tenant, actor: Membership, user_id: int, role: Membership.Role) -> Membership:
    with transaction.atomic():
        members = _locked_members(tenant)
        target = members.get(user_id)
        if target is None:
            raise Membership.DoesNotExist
        acting = members[actor.user_id]
        if not _may_manage(acting, target) or ROLE_RANK[role] > acting.rank:
            raise PermissionDenied(_("Your role does not allow giving this role."))
        if target.role == Membership.Role.OWNER and role != Membership.Role.OWNER and _owner_count(members) == 1:
            raise ValidationError({"role": [ValidationError(LAST_OWNER_MESSAGE, code="last_owner")]})
        if target.role != role:
            audit_record(
                action="member.role_changed", actor=acting.user, tenant=tenant, target=target.user,
                extra={"from": target.role, "to": role},
            )  # fmt: skip
            Membership.objects.filter(pk=target.pk).update(role=role, version=F("version") + 1)
            # Old tokens carried the old role: end them now rather than at their expiry.
            tokens_revoke(user=target.user, tenant=tenant)
            target.refresh_from_db()
    return target


def member_remove(*, tenant: Tenant, actor: Membership, user_id: int) -> None:
    """Remove a member, or leave (actor removing themself)."""
    with transaction.atomic():
        members = _locked_members(tenant)
        target = members.get(user_id)
        if target is None:
            raise Membership.DoesNotExist
        leaving = target.user_id == actor.user_id
        if not leaving and not _may_manage(members[actor.user_id], target):
            raise PermissionDenied(_("Your role does not allow removing this member."))
        if target.role == Membership.Role.OWNER and _owner_count(members) == 1:
            raise ValidationError({"role": [ValidationError(LAST_OWNER_MESSAGE, code="last_owner")]})
        audit_record(
            action="member.left" if leaving else "member.removed", actor=actor.user, tenant=tenant, target=target.user,
            extra={"role": target.role},
        )  # fmt: skip
        target.delete()
        tokens_revoke(user=target.user, tenant=tenant)
