"""What each role may do in its organisation: the one table the API's permission classes, the member rules
and `/me`'s `permissions` (which the frontend shows and hides by) are all read from."""

from __future__ import annotations

from django.db import models

from .models import ROLE_RANK, Membership


# TextChoices for its labels: the OpenAPI schema describes each permission with them.
class Action(models.TextChoices):
    MEMBERS_MANAGE = "members.manage", "Invite, revoke and resend invitations; change roles and remove members"
    OWNERS_MANAGE = "owners.manage", "The same for owners: invite, make, demote and remove them"
    BILLING_MANAGE = "billing.manage", "Start a plan checkout and open the billing portal"
    AUDIT_READ = "audit.read", "Read the organisation's audit log"
    EXPORTS_MANAGE = "exports.manage", "Request an export of the organisation's data and download it"
    ORGANISATION_MANAGE = "organisation.manage", "Rename the organisation and change its logo"
    ORGANISATION_SECURITY = "organisation.security", "Require MFA of every member and delete the organisation"


# The least role allowed each action; every higher-ranked role is allowed it too.
_LEAST_ROLE = {
    Action.MEMBERS_MANAGE: Membership.Role.ADMIN,
    Action.OWNERS_MANAGE: Membership.Role.OWNER,
    Action.BILLING_MANAGE: Membership.Role.OWNER,
    Action.AUDIT_READ: Membership.Role.OWNER,
    Action.EXPORTS_MANAGE: Membership.Role.ADMIN,
    Action.ORGANISATION_MANAGE: Membership.Role.ADMIN,
    Action.ORGANISATION_SECURITY: Membership.Role.OWNER,
}


def role_may(role: str, action: Action) -> bool:
    return ROLE_RANK[Membership.Role(role)] >= ROLE_RANK[_LEAST_ROLE[action]]


def actions_of(role: str) -> list[Action]:
    """Everything `role` may do, in `Action`'s order."""
    return [action for action in Action if role_may(role, action)]
