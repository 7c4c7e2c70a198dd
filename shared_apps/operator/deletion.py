"""Deleting an organisation, in two steps.

1. `tenant_deletion_schedule`: the organisation is suspended at once (its host answers 403) and a
   TenantDeletion is due after the grace period (TENANT_DELETION_GRACE_DAYS). Reactivating cancels it.
   Unless the operator declines, an export of the organisation's data is built and its owners are
   emailed a link that downloads it from the public host until the deletion runs.
2. `tenant_deletion_execute` (the periodic task runs every due one): tokens revoked, memberships and
   open invitations ended, Stripe subscription cancelled, storage prefix purged, tenant cache keys
   cleared, schema dropped, hosts released; the TenantDeletion keeps the report (public schema).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, tenant_context

from shared_apps.accounts.emails import email_queue, site_url
from shared_apps.accounts.models import LoginCode, RefreshTokenRecord, User
from shared_apps.accounts.tokens import tokens_revoke
from shared_apps.audit.services import audit_record
from shared_apps.memberships.models import Invitation, Membership
from tenants.db import connection
from tenants.models import Domain, Tenant
from tenants.routing import invalidate_routing
from tenants.storage import tenant_prefix

from .models import TenantDeletion
from .selectors import _table_counts, table_rows
from .services import MANAGEABLE, TenantStateError, subscription_cancel
from .storage import prefix_purge

logger = logging.getLogger(__name__)
_GENERATED_SCHEMA = re.compile(r"^t_[a-z0-9_]{4,60}\Z")


def tenant_deletion_schedule(
    *,
    tenant: Tenant,
    actor: User | None,
    reason: str = "",
    ip: str | None = None,
    now: datetime | None = None,
    export: bool = True,
) -> TenantDeletion:
    """Suspend now, erase after the grace period; `export`: build an export and send its owners the link."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if locked.status not in MANAGEABLE:
            raise TenantStateError(
                _("A %(status)s organisation cannot be deleted.") % {"status": locked.status}, code="invalid_state"
            )
        existing = TenantDeletion.objects.filter(tenant=locked, status=TenantDeletion.Status.SCHEDULED).first()
        if existing is not None:
            return existing
        if locked.status != Tenant.Status.SUSPENDED:
            locked.status = Tenant.Status.SUSPENDED
            locked.save(update_fields=["status"])
        deletion = TenantDeletion.objects.create(
            tenant=locked,
            tenant_name=locked.name,
            requested_by=actor,
            reason=reason,
            due_at=now + settings.TENANT_DELETION_GRACE_PERIOD,
        )
        if export:
            deletion.export_id = _export_offer(tenant=locked, deletion=deletion)
            deletion.save(update_fields=["export_id"])
        audit_record(action="tenant.deletion_scheduled", actor=actor, tenant=locked, target=deletion, ip=ip,
                     extra={"due_at": deletion.due_at.isoformat(), "reason": reason,
                            "export_id": deletion.export_id})  # fmt: skip
    return deletion


def on_organisation_deletion_requested(
    *, tenant: Tenant, actor: User, reason: str, ip: str | None = None, **kwargs: Any
) -> datetime:
    """On memberships' `organisation_deletion_requested` (an owner, POST /api/v1/organisation/deletion/): the
    same schedule as an operator's, export offered, audited with the owner as actor. When it will be erased."""
    return tenant_deletion_schedule(tenant=tenant, actor=actor, reason=reason, ip=ip, export=True).due_at


_EXPORT_LINK_SALT = "operator.deletion-export"


def _owners(tenant: Tenant) -> list[User]:
    return list(
        User.objects.filter(
            memberships__tenant=tenant, memberships__role=Membership.Role.OWNER, memberships__is_active=True,
            is_active=True,
        ).order_by("memberships__created_at")
    )  # fmt: skip


def _export_offer(*, tenant: Tenant, deletion: TenantDeletion) -> int:
    """Queue the export offered before `deletion` (built on commit, by the worker). Its requester is not
    emailed: `deletion_export_ready` emails every owner the public-host link instead (the organisation's
    own host is suspended)."""
    from tenant_apps.exports.services import export_queue

    owners = _owners(tenant)
    with tenant_context(tenant):
        export = export_queue(tenant=tenant, requested_by=owners[0] if owners else None, notify=False)
    # Not the owner's doing: the deletion's own entry names the operator who scheduled it.
    audit_record(action="export.requested", tenant=tenant, target=export, extra={"deletion_id": str(deletion.id)})
    return export.id


def deletion_export_link(*, deletion: TenantDeletion) -> str:
    """The public-host link the owners are emailed; it works while the deletion is still scheduled."""
    token = signing.dumps({"d": str(deletion.id), "e": deletion.export_id}, salt=_EXPORT_LINK_SALT)
    return f"{site_url(tenant=None)}api/v1/deletion-exports/{token}/"


def deletion_export_ready(*, tenant: Tenant, export: Any, status: str, **kwargs: Any) -> None:
    """On `export_finished`: if it is the export offered before a deletion still scheduled, email the
    owners its link. Other exports, failed ones and cancelled (reactivated) or carried-out deletions: nothing."""
    from tenant_apps.exports.models import Export

    if status != Export.Status.DONE:
        return
    deletion = TenantDeletion.objects.filter(
        tenant_id=tenant.id, export_id=export.id, status=TenantDeletion.Status.SCHEDULED
    ).first()
    owners = _owners(tenant)
    if deletion is None or not owners:
        return
    due = deletion.due_at.strftime("%Y-%m-%d %H:%M UTC")
    email_queue(
        to=[owner.email for owner in owners],
        subject=_("%(organisation)s will be deleted on %(due)s: your data export")
        % {"organisation": tenant.name, "due": due},
        body=_(
            "The organisation %(organisation)s is scheduled for deletion on %(due)s. Its data and files were\n"
            "exported before that; download the export (a zip) here until then:\n\n"
            "%(link)s\n\n"
            "Anyone with this link can download the export: do not forward it.\n"
        )
        % {"organisation": tenant.name, "due": due, "link": deletion_export_link(deletion=deletion)},
    )


class DeletionExportUnavailableError(Exception):
    """The link is invalid, expired, or the export is not (or no longer) there."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def deletion_export_open(*, token: str) -> tuple[Tenant, str, str]:
    """(tenant, key, filename) that a deletion-export link grants, or DeletionExportUnavailableError."""
    from tenant_apps.exports.models import Export

    max_age = settings.TENANT_DELETION_GRACE_PERIOD + timedelta(days=1)
    try:
        data = signing.loads(token, salt=_EXPORT_LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        raise DeletionExportUnavailableError(_("This download link is invalid or has expired."), "not_found") from None
    deletion = TenantDeletion.objects.filter(
        pk=data.get("d"), export_id=data.get("e"), status=TenantDeletion.Status.SCHEDULED
    ).first()
    if deletion is None or deletion.export_id is None:
        raise DeletionExportUnavailableError(
            _("This export is no longer available: the deletion was carried out or cancelled."), "not_found"
        )
    tenant = Tenant.objects.get(pk=deletion.tenant_id)
    with tenant_context(tenant):
        export = Export.objects.filter(pk=deletion.export_id).first()
    if export is None or export.status != Export.Status.DONE:
        raise DeletionExportUnavailableError(
            _("The export is not ready yet; try again in a few minutes."), "export_not_ready"
        )
    return tenant, export.key, f"export-{export.id}.zip"


def tenant_deletions_due(*, now: datetime | None = None) -> list[TenantDeletion]:
    return list(
        TenantDeletion.objects.filter(status=TenantDeletion.Status.SCHEDULED, due_at__lte=now or timezone.now())
    )


def tenant_deletions_run(*, now: datetime | None = None) -> int:
    """Execute every deletion whose grace period is over. One failure does not stop the others."""
    done = 0
    for deletion in tenant_deletions_due(now=now):
        try:
            tenant_deletion_execute(deletion=deletion)
            done += 1
        except Exception:
            logger.exception("tenant deletion %s failed", deletion.pk)
    return done


def _clear_tenant_cache(tenant: Tenant) -> int | str:
    cleared = 0
    tenant_cache, global_cache = caches["tenant"], caches["default"]
    if not hasattr(tenant_cache, "delete_pattern"):
        return "skipped: the cache backend cannot delete by pattern"
    with tenant_context(tenant):
        # The tenant alias' key function puts the schema first: this pattern is this tenant's keys only.
        cleared += int(tenant_cache.delete_pattern("*") or 0)
    cleared += int(global_cache.delete_pattern(f"usage:*:{tenant.id}:*") or 0)  # type: ignore[attr-defined]
    return cleared


def _drop_schema(schema: str) -> None:
    if schema == get_public_schema_name() or not _GENERATED_SCHEMA.match(schema):
        raise RuntimeError(f"refusing to drop schema {schema!r}: not a generated tenant schema")
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(schema)} CASCADE")


def tenant_deletion_execute(*, deletion: TenantDeletion) -> TenantDeletion:
    """Erase the organisation now (normally called by the periodic task after the grace period)."""
    started = timezone.now()
    tenant = Tenant.objects.get(pk=deletion.tenant_id)
    report: dict[str, Any] = {
        "tenant_id": str(tenant.id),
        "schema": tenant.schema_name,
        "started_at": started.isoformat(),
    }
    TenantDeletion.objects.filter(pk=deletion.pk).update(started_at=started)
    try:
        with tenant_context(tenant):
            counts = _table_counts(tenant.schema_name)
        report["tables"] = table_rows(counts)
        report["rows"] = sum(counts.values())

        users = User.objects.filter(memberships__tenant=tenant).distinct()
        report["members"] = Membership.objects.filter(tenant=tenant, is_active=True).count()
        report["tokens_revoked"] = sum(tokens_revoke(user=user, tenant=tenant) for user in users)
        report["subscription"] = subscription_cancel(tenant=tenant, actor=None)
        storage = prefix_purge(tenant=tenant)
        report["storage"] = {
            "prefix": f"{tenant_prefix(tenant)}/",  # as reports before it: the listing prefix, with its slash
            "objects": storage.objects,
            "bytes": storage.bytes,
            **({"skipped": storage.skipped} if storage.skipped else {}),
        }
        report["cache_keys_cleared"] = _clear_tenant_cache(tenant)
        with transaction.atomic():
            report["memberships_ended"] = Membership.objects.filter(tenant=tenant, is_active=True).update(
                is_active=False
            )
            report["invitations_revoked"] = Invitation.objects.filter(
                tenant=tenant, accepted_at=None, revoked_at=None
            ).update(revoked_at=timezone.now())
            LoginCode.objects.filter(tenant=tenant, used_at=None).delete()
            report["domains_released"] = sorted(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True))
            Domain.objects.filter(tenant=tenant).delete()
            _drop_schema(tenant.schema_name)
            Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.DELETED)
            invalidate_routing()
            finished = timezone.now()
            report["finished_at"] = finished.isoformat()
            report["tokens_active_after"] = RefreshTokenRecord.objects.filter(tenant=tenant, revoked_at=None).count()
            TenantDeletion.objects.filter(pk=deletion.pk).update(
                status=TenantDeletion.Status.DONE, finished_at=finished, report=report
            )
            audit_record(action="tenant.deleted", actor=None, tenant=tenant, target=deletion, extra=report)
    except Exception as exc:
        report["error"] = repr(exc)
        TenantDeletion.objects.filter(pk=deletion.pk).update(
            status=TenantDeletion.Status.FAILED, finished_at=timezone.now(), report=report
        )
        raise
    deletion.refresh_from_db()
    return deletion
