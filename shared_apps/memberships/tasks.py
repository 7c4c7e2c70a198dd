"""Tenant tasks of the organisation settings (shared_apps/memberships/organisation.py). Queued with
`tenant_task_enqueue` (through the outbox, after commit); the base class has checked that the tenant is
active (or suspended, where said) and is the connection's schema before they run."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task

from tenants.models import Tenant

from .organisation import organisation_logo_objects_delete, organisation_logo_resize

# S3 down or refusing for a while: retried with the base class's backoff, never a lost object.
_STORAGE_ERRORS: tuple[type[BaseException], ...] = (BotoCoreError, ClientError, OSError)


@shared_task(name="organisation.logo_resize", bind=True, ignore_result=True)
def organisation_logo_resize_task(self, *, tenant_id: str, source_key: str) -> None:  # type: ignore[no-untyped-def]
    """Make the bounded copy of an uploaded logo and serve it (tenants/images.py does the pixels)."""
    tenant = Tenant.objects.get(pk=tenant_id)
    try:
        organisation_logo_resize(tenant=tenant, source_key=source_key)
    except _STORAGE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=self.retry_countdown()) from exc


# Also for a suspended organisation: a logo replaced just before a suspension must still go.
@shared_task(
    name="organisation.logo_objects_delete", bind=True, ignore_result=True, allowed_statuses=("active", "suspended")
)
def organisation_logo_objects_delete_task(self, *, tenant_id: str, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Delete logo objects no longer served. Idempotent: deleting a missing object succeeds."""
    tenant = Tenant.objects.get(pk=tenant_id)
    try:
        organisation_logo_objects_delete(tenant=tenant, keys=keys)
    except _STORAGE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=self.retry_countdown()) from exc
