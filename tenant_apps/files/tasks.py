from __future__ import annotations

from celery import shared_task
from django.core.exceptions import SuspiciousOperation

from tenants.models import Tenant

from .storage_consistency import STORAGE_ERRORS, object_delete, stale_multipart_uploads_abort
from .thumbnails import file_thumbnail_make

# While S3 is down a deletion is retried with the base class's equal-jitter backoff (2 s, 4 s ... 300 s):
# 20 retries span at least about 35 minutes. After that the task lands in TaskFailure and
# `manage.py storage_reconcile --delete` removes the object (it reports it as an orphan).
OBJECT_DELETE_MAX_RETRIES = 20


# Also for a suspended organisation: a file deleted just before a suspension must still go.
@shared_task(
    name="files.object_delete",
    bind=True,
    ignore_result=True,
    max_retries=OBJECT_DELETE_MAX_RETRIES,
    allowed_statuses=("active", "suspended"),
)
def file_object_delete_task(self, *, tenant_id: str, key: str) -> None:  # type: ignore[no-untyped-def]
    """Delete a file's object, queued (through the outbox) in the transaction that deleted its row.

    Idempotent: deleting an object that is already gone succeeds, so a redelivery or a retry after a
    lost answer is harmless. The key is relative to the tenant's own storage root: it cannot name
    another organisation's object (a `../` escape raises SuspiciousOperation and is not retried).
    """
    tenant = Tenant.objects.get(pk=tenant_id)
    try:
        object_delete(tenant=tenant, key=key)
    except SuspiciousOperation:
        raise
    except STORAGE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=self.retry_countdown()) from exc


@shared_task(name="files.thumbnail_make", bind=True, ignore_result=True)
def file_thumbnail_make_task(self, *, tenant_id: str, file_id: int, key: str) -> None:  # type: ignore[no-untyped-def]
    """Make the thumbnail of an uploaded image (tenant_apps/files/thumbnails.py), queued with its row. A file
    that is not a readable image ends here without one; S3 down or refusing is retried with backoff."""
    tenant = Tenant.objects.get(pk=tenant_id)
    try:
        file_thumbnail_make(tenant=tenant, file_id=file_id, key=key)
    except SuspiciousOperation:
        raise
    except STORAGE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=self.retry_countdown()) from exc


@shared_task(name="files.multipart_cleanup", ignore_result=True)
def multipart_cleanup_task() -> int:
    """Beat, hourly: abort multipart uploads under `tenants/` left incomplete longer than
    STORAGE_MULTIPART_MAX_AGE_HOURS (an upload whose own abort could not reach S3)."""
    return stale_multipart_uploads_abort()
