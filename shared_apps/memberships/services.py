from shared_apps.accounts.models import User
from tenants.models import Tenant

from .models import Membership


def membership_create(*, user: User, tenant: Tenant, role: Membership.Role) -> Membership:
    return Membership.objects.create(user=user, tenant=tenant, role=role)
