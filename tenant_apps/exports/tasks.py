from __future__ import annotations

from celery import shared_task

from tenants.models import Tenant

from .services import export_build, export_fail, export_sweep


# Also for a suspended organisation: an export queued for a suspended organisation (the one offered before
# an operator's deletion) is still built. Deleted organisations are still refused.
@shared_task(name="exports.build", bind=True, ignore_result=True, allowed_statuses=("active", "suspended"))
def export_build_task(  # type: ignore[no-untyped-def]
    self, *, tenant_id: str, export_id: int, notify: bool = True, deletion_id: str | None = None
) -> None:
    """Thin: load by id, call the service. The base class has already checked tenant and schema.

    `notify`: email the requester when it is ready (off when whoever queued it tells people itself, on
    `export_finished`). `deletion_id`: what messages queued before `notify` existed carry for an export
    offered before a deletion; still accepted so that none of them fails, and read as `notify=False`.
    """
    notify = notify and deletion_id is None
    tenant = Tenant.objects.get(pk=tenant_id)
    try:
        export_build(tenant=tenant, export_id=export_id, notify=notify)
    except Exception as exc:
        if self.request.retries >= self.max_retries or not isinstance(exc, self.autoretry_for):
            export_fail(tenant=tenant, export_id=export_id, error=repr(exc))
        raise


@shared_task(name="exports.sweep", ignore_result=True)
def export_sweep_task(*, tenant_id: str) -> dict[str, int]:
    """Per organisation (fanned out by beat every 10 minutes): re-queue or fail exports left stuck."""
    return export_sweep(tenant=Tenant.objects.get(pk=tenant_id))
