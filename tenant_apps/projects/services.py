"""Writes for projects. Runs in the current tenant's schema: no tenant argument, no tenant column."""

from __future__ import annotations

import uuid

from django.db import transaction

from shared_apps.accounts.models import User
from tenants.celery_tasks import tenant_task_enqueue
from tenants.models import Tenant

from .models import Project


def _record(tenant: Tenant, project: Project, action: str, actor: User | None) -> None:
    from .tasks import project_activity_record

    tenant_task_enqueue(
        project_activity_record,
        tenant=tenant,
        project_id=project.pk,
        action=action,
        actor_id=actor.pk if actor else None,
        key=str(uuid.uuid4()),  # one per change: the task writes its row once however often it runs
    )


def project_create(*, tenant: Tenant, name: str, description: str = "", created_by: User) -> Project:
    with transaction.atomic():
        project = Project.objects.create(name=name, description=description, created_by=created_by)
        _record(tenant, project, "created", created_by)
    return project


def project_update(
    *, tenant: Tenant, project: Project, actor: User, name: str | None = None, description: str | None = None
) -> Project:
    fields = {key: value for key, value in (("name", name), ("description", description)) if value is not None}
    with transaction.atomic():
        for key, value in fields.items():
            setattr(project, key, value)
        project.save(update_fields=list(fields))
        _record(tenant, project, "updated", actor)
    return project


def project_delete(*, project: Project) -> None:
    with transaction.atomic():
        project.delete()
