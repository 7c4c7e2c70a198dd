"""A person's own profile (PATCH /api/v1/me/): their name, changed from any organisation they are in (the
account is global: every organisation sees the new name). Audited in the organisation where it was done, as
the person's MFA changes are (mfa_audit.py)."""

from __future__ import annotations

from django.db import transaction

from shared_apps.audit.services import audit_record
from tenants.models import Tenant

from .models import User

FULL_NAME_MAX_LENGTH = 200  # User.full_name's column


def user_name_update(*, user: User, full_name: str, tenant: Tenant | None = None, ip: str | None = None) -> User:
    """Set the person's name (already trimmed and checked by the caller: not blank, at most 200 characters).
    Saved and audited only when it changes."""
    with transaction.atomic():
        # NO KEY: sign-ins and refreshes (their tokens' foreign keys take KEY SHARE on this row) go on meanwhile.
        locked = User.objects.select_for_update(no_key=True).get(pk=user.pk)
        if locked.full_name != full_name:
            audit_record(action="account.name_changed", actor=locked, tenant=tenant, target=locked, ip=ip,
                         extra={"from": locked.full_name, "to": full_name})  # fmt: skip
            locked.full_name = full_name
            locked.save(update_fields=["full_name"])
    return locked
