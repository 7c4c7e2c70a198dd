from __future__ import annotations

from celery import shared_task

from .models import Project, ProjectActivity


@shared_task(name="projects.activity_record", ignore_result=True)
def project_activity_record(*, tenant_id: str, project_id: int, action: str, actor_id: int | None) -> None:
    """Runs in the tenant's schema (the base class checked it). Idempotency: one row per call is the point."""
    if Project.objects.filter(pk=project_id).exists():
        ProjectActivity.objects.create(project_id=project_id, action=action, actor_id=actor_id)
