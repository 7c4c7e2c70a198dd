"""Exports: a zip with data.json (projects, files' metadata), manifest.json and the files themselves."""

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

from shared_apps.accounts.emails import email_queue, site_url
from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenant_apps.files.models import File
from tenant_apps.projects.models import Project
from tenants.celery_tasks import tenant_task_enqueue
from tenants.models import Tenant
from tenants.storage import tenant_storage

from .models import Export


def export_request(*, tenant: Tenant, requested_by: User | None, deletion_id: str | None = None) -> Export:
    """Queue an export of the current tenant's schema. `deletion_id`: offered before that deletion."""
    from .tasks import export_build_task

    with transaction.atomic():
        export = Export.objects.create(requested_by=requested_by)
        if deletion_id is None:
            audit_record(action="export.requested", actor=requested_by, tenant=tenant, target=export)
        else:  # not the owner's doing: the deletion's own entry names the operator who scheduled it
            audit_record(action="export.requested", tenant=tenant, target=export, extra={"deletion_id": deletion_id})
        tenant_task_enqueue(export_build_task, tenant=tenant, export_id=export.id, deletion_id=deletion_id)
    return export


def _dump(tenant: Tenant) -> dict[str, Any]:
    return {
        "organisation": {"id": str(tenant.id), "name": tenant.name},
        "exportedAt": timezone.now(),
        "projects": list(
            Project.objects.order_by("id").values("id", "name", "description", "created_at", "created_by_id")
        ),
        "files": list(
            File.objects.order_by("id").values("id", "name", "size", "content_type", "project_id", "created_at")
        ),
    }


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
            for file in File.objects.order_by("id"):
                member = f"files/{file.id}-{file.name}"
                with storage.open(file.key, "rb") as handle:
                    archive.writestr(member, handle.read())
                manifest.append({"id": file.id, "name": file.name, "size": file.size, "path": member})
            archive.writestr("manifest.json", json.dumps({"files": manifest}, indent=2))
        buffer.seek(0)
        key = storage.save(f"exports/{export_id}/export-{export_id}.zip", DjangoFile(buffer))

    with transaction.atomic():
        export.status = Export.Status.DONE
        export.key = key
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "key", "finished_at"])
        requester = User.objects.filter(pk=export.requested_by_id).first() if export.requested_by_id else None
        if requester is not None and notify:
            email_queue(
                to=[requester.email],
                subject=f"Your {tenant.name} export is ready",
                body=f"Download it from {site_url(tenant=tenant)}exports (links there last 15 minutes).\n",
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
        export_fail(export_id=export_id, error="The build stopped (its worker went away); request a new export.")
        failed += 1
    return {"requeued": requeued, "failed": failed}


def export_fail(*, export_id: int, error: str) -> None:
    Export.objects.filter(pk=export_id).exclude(status=Export.Status.DONE).update(
        status=Export.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
