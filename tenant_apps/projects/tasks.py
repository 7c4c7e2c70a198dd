from __future__ import annotations

from celery import shared_task

from .models import Project, ProjectActivity


@shared_task(name="projects.activity_record", ignore_result=True)
def project_activity_record(
    *, tenant_id: str, project_id: int, action: str, actor_id: int | None, key: str | None = None
) -> None:
    """Runs in the tenant's schema (the base class checked it).

    Idempotent: `key` is fixed when the task is queued, so running the same message twice (redelivery
    under acks_late, a retry after a commit whose answer was lost) writes one row. Messages queued
    before keys existed carry none and write a row per run.
    """
    if not Project.objects.filter(pk=project_id).exists():
        return
    if key is None:
        ProjectActivity.objects.create(project_id=project_id, action=action, actor_id=actor_id)
        return
    # ON CONFLICT DO NOTHING on the unique key: two deliveries racing on two workers also write one row.
    ProjectActivity.objects.bulk_create(
        [ProjectActivity(project_id=project_id, action=action, actor_id=actor_id, key=key)], ignore_conflicts=True
    )
