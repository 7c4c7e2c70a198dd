from __future__ import annotations

from celery import shared_task

from tenants.models import Tenant

from .services import export_build, export_fail, export_sweep


# Also for a suspended organisation: the export offered before an operator's deletion runs while the
# organisation is suspended (shared_apps/operator/deletion.py). Deleted organisations are still refused.
@shared_task(name="exports.build", bind=True, ignore_result=True, allowed_statuses=("active", "suspended"))
def export_build_task(self, *, tenant_id: str, export_id: int, deletion_id: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Thin: load by id, call the service. The base class has already checked tenant and schema.

    `deletion_id`: the export was offered before that deletion; its owners get the link instead of the
    usual "your export is ready" email (the organisation's own host is suspended).
    """
    tenant = Tenant.objects.get(pk=tenant_id)
    try:
        export = export_build(tenant=tenant, export_id=export_id, notify=deletion_id is None)
    except Exception as exc:
        if self.request.retries >= self.max_retries or not isinstance(exc, self.autoretry_for):
            export_fail(export_id=export_id, error=repr(exc))
        raise
    if deletion_id is not None:
        from shared_apps.operator.deletion import deletion_export_ready

        deletion_export_ready(deletion_id=deletion_id, tenant=tenant, export=export)


@shared_task(name="exports.sweep", ignore_result=True)
def export_sweep_task(*, tenant_id: str) -> dict[str, int]:
    """Per organisation (fanned out by beat every 10 minutes): re-queue or fail exports left stuck."""
    return export_sweep(tenant=Tenant.objects.get(pk=tenant_id))
