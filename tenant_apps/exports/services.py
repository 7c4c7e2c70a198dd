"""Exports: a zip with data.json (every registered app's rows, tenants.export_registry), manifest.json and the
files the apps attach."""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import timedelta
from typing import Any

from django.core.files import File as DjangoFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.emails import email_queue, site_url
from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenants.celery_tasks import tenant_task_enqueue
from tenants.export_registry import export_contributions
from tenants.models import Tenant
from tenants.storage import tenant_storage

from .models import Export
from .signals import export_finished


def export_request(*, tenant: Tenant, requested_by: User | None) -> Export:
    """Queue an export of the current tenant's schema, at `requested_by`'s request (audited as theirs)."""
    with transaction.atomic():
        export = export_queue(tenant=tenant, requested_by=requested_by)
        audit_record(action="export.requested", actor=requested_by, tenant=tenant, target=export)
    return export


def export_queue(*, tenant: Tenant, requested_by: User | None, notify: bool = True) -> Export:
    """Queue an export of the current tenant's schema without auditing it: for a caller that records its own
    entry (the export is not the requester's doing). `notify`: email the requester when it is ready."""
    from .tasks import export_build_task

    with transaction.atomic():
        export = Export.objects.create(requested_by=requested_by)
        tenant_task_enqueue(export_build_task, tenant=tenant, export_id=export.id, notify=notify)
    return export


def _announce(*, tenant: Tenant, export: Export) -> None:
    transaction.on_commit(
        lambda: export_finished.send(sender=Export, tenant=tenant, export=export, status=export.status)
    )


def _dump(tenant: Tenant) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation": {"id": str(tenant.id), "name": tenant.name},
        "exportedAt": timezone.now(),
    }
    for contribution in export_contributions():
        data[contribution.name] = contribution.rows()
    return data


def export_build(*, tenant: Tenant, export_id: int, notify: bool = True) -> Export:
    """Build the zip for `export_id` in the current tenant's schema. Idempotent: a finished export is kept.

    `notify`: email the requester a link to the exports page when done."""
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export_id)
        if export.status == Export.Status.DONE:
            return export
        export.status = Export.Status.RUNNING
        export.save(update_fields=["status"])

    storage = tenant_storage(tenant)
    manifest = []
    with tempfile.TemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", json.dumps(_dump(tenant), cls=DjangoJSONEncoder, indent=2))
            for contribution in export_contributions():
                for attachment in contribution.attachments() if contribution.attachments else ():
                    with storage.open(attachment.key, "rb") as handle:
                        archive.writestr(attachment.path, handle.read())
                    manifest.append(attachment.manifest)
            archive.writestr("manifest.json", json.dumps({"files": manifest}, indent=2))
        buffer.seek(0)
        key = storage.save(f"exports/{export_id}/export-{export_id}.zip", DjangoFile(buffer))

    with transaction.atomic():
        export.status = Export.Status.DONE
        export.key = key
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "key", "finished_at"])
        _announce(tenant=tenant, export=export)
        requester = User.objects.filter(pk=export.requested_by_id).first() if export.requested_by_id else None
        if requester is not None and notify:
            email_queue(
                to=[requester.email],
                subject=_("Your %(organisation)s export is ready") % {"organisation": tenant.name},
                body=_("Download it from %(url)s (links there last 15 minutes).\n")
                % {"url": f"{site_url(tenant=tenant)}exports"},
            )
    return export


def export_sweep(
    *,
    tenant: Tenant,
    pending_after: timedelta = timedelta(minutes=15),
    running_after: timedelta = timedelta(hours=1),
) -> dict[str, int]:
    """Nothing stays stuck: a pending export whose task is no longer waiting anywhere is queued again; one
    running for longer than any build takes (its worker died for good) fails, saying so."""
    from tenants.models import OutboxMessage

    from .tasks import export_build_task

    now = timezone.now()
    requeued = failed = 0
    for export in Export.objects.filter(status=Export.Status.PENDING, created_at__lt=now - pending_after):
        waiting = OutboxMessage.objects.filter(
            task_name=export_build_task.name, kwargs__tenant_id=str(tenant.id), kwargs__export_id=export.pk
        ).exists()
        if not waiting:
            with transaction.atomic():
                tenant_task_enqueue(export_build_task, tenant=tenant, export_id=export.pk)
            requeued += 1
    stuck = Export.objects.filter(status=Export.Status.RUNNING, created_at__lt=now - running_after)
    for export_id in stuck.values_list("pk", flat=True):
        export_fail(
            tenant=tenant,
            export_id=export_id,
            error=_("The build stopped (its worker went away); request a new export."),
        )
        failed += 1
    return {"requeued": requeued, "failed": failed}


def export_fail(*, tenant: Tenant, export_id: int, error: str) -> None:
    with transaction.atomic():
        failed = (
            Export.objects.filter(pk=export_id)
            .exclude(status=Export.Status.DONE)
            .update(status=Export.Status.FAILED, error=error[:2000], finished_at=timezone.now())
        )
        if failed:
            _announce(tenant=tenant, export=Export.objects.get(pk=export_id))
