"""A person's sessions (GET/DELETE /api/v1/me/sessions/): a session is a refresh-token family (tokens.py),
one per sign-in on one host (an organisation's, or the public one), kept alive by its refreshes.

A session is live while one of its tokens is neither revoked nor expired; it started when its first token
was issued (the sign-in) and was last used when its newest one was (the latest refresh). Ending one is a
logout of it: its tokens stop refreshing at once; access tokens already issued from it work until they
expire (JWT_ACCESS_TOKEN_LIFETIME, 5 minutes by default), as after a logout. Every change is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from shared_apps.audit.services import audit_record
from tenants.models import Tenant

from .models import RefreshTokenRecord, User
from .tokens import user_families_revoke, user_family_revoke


class SessionNotFoundError(LookupError):
    """No live session of this person by that id (someone else's, ended already, or never issued)."""


@dataclass(frozen=True)
class Session:
    id: uuid.UUID  # the family
    tenant: Tenant | None  # None: the public host (the account's own sign-in)
    created_at: datetime
    last_used_at: datetime


def session_rows(*, user: User) -> QuerySet[Any, Any]:
    """The person's live sessions as rows (`family`, `tenant_id`, `created`, `last`), most recently used
    first: one query, paginated by the caller, then made Sessions with `sessions_from_rows`."""
    now = timezone.now()
    return (
        RefreshTokenRecord.objects.filter(user=user)
        .values("family", "tenant_id")  # every token of a family is for one tenant
        .annotate(
            created=Min("created_at"),
            last=Max("created_at"),
            live=Count("id", filter=Q(revoked_at=None, expires_at__gt=now)),
        )
        .filter(live__gt=0)
        .order_by("-last", "family")
    )


def sessions_from_rows(rows: list[dict[str, Any]]) -> list[Session]:
    tenant_ids = {row["tenant_id"] for row in rows if row["tenant_id"] is not None}
    tenants = {tenant.id: tenant for tenant in Tenant.objects.filter(id__in=tenant_ids)}
    return [
        Session(
            id=row["family"],
            tenant=tenants.get(row["tenant_id"]) if row["tenant_id"] is not None else None,
            created_at=row["created"],
            last_used_at=row["last"],
        )
        for row in rows
    ]


def session_revoke(*, user: User, session_id: uuid.UUID, tenant: Tenant | None = None, ip: str | None = None) -> None:
    """End one of the person's sessions. SessionNotFoundError when it is not one of theirs, or not live:
    the same answer for both, so nobody learns whether someone else's session id exists."""
    with transaction.atomic():
        if not user_family_revoke(user=user, family=session_id):
            raise SessionNotFoundError(str(session_id))
        audit_record(action="account.session_revoked", actor=user, tenant=tenant, target=user, ip=ip,
                     extra={"session": str(session_id)})  # fmt: skip


def sessions_revoke_all(*, user: User, tenant: Tenant | None = None, ip: str | None = None) -> int:
    """Sign out everywhere: every session of the person ends, the caller's own included. Returns how many."""
    with transaction.atomic():
        ended = user_families_revoke(user=user)
        audit_record(action="account.sessions_revoked", actor=user, tenant=tenant, target=user, ip=ip,
                     extra={"sessions": ended})  # fmt: skip
    return ended
