"""The demo organisation's team (`manage.py seed_demo`): a member to manage, an invitation to look at
(its email is in `make dev`'s mail catcher)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from shared_apps.accounts.models import User
from shared_apps.accounts.services import user_create
from tenants.models import Tenant

from .invitations import invitation_create
from .models import Invitation, Membership
from .services import membership_create

MEMBER = ("member@demo.localhost", "demo-member-password", "Demo Member")
INVITEE = "invitee@demo.localhost"


def demo_seed(*, tenant: Tenant, owner: User) -> None:
    email, password, name = MEMBER
    if not User.objects.filter(email=email).exists():
        member = user_create(email=email, password_hash=make_password(password), full_name=name)
        membership_create(user=member, tenant=tenant, role=Membership.Role.MEMBER)
    if not Invitation.objects.filter(tenant=tenant, email=INVITEE).exists():
        inviter = Membership.objects.get(tenant=tenant, user=owner)
        invitation_create(tenant=tenant, inviter=inviter, email=INVITEE, role=Membership.Role.ADMIN)
