from __future__ import annotations

from celery import shared_task

from tenants.models import Tenant

from .services import export_build, export_fail


@shared_task(name="exports.build", bind=True, ignore_result=True)
def export_build_task(self, *, tenant_id: str, export_id: int) -> None:  # type: ignore[no-untyped-def]
    """Thin: load by id, call the service. The base class has already checked tenant and schema."""
    try:
        export_build(tenant=Tenant.objects.get(pk=tenant_id), export_id=export_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries or not isinstance(exc, self.autoretry_for):
            export_fail(export_id=export_id, error=repr(exc))
        raise
