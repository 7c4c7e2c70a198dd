"""Dead letters with a real worker on the real broker: a task that gave up is recorded by the worker, and
the operator's retry runs it again in ITS organisation's schema, not in another one with the same ids."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from shared_apps.accounts.signup import Signup
from tenant_apps.projects.models import Project, ProjectActivity
from tenant_apps.projects.tasks import project_activity_record
from tenants.celery_tasks import tenant_task_enqueue
from tenants.models import OutboxMessage, TaskFailure, Tenant
from tests.factories import UserFactory
from tests.helpers import PUBLIC, api, eventually, login
from tests.plugins.celery_worker import Worker

pytestmark = pytest.mark.usefixtures("live_db")


def _set_status(tenant: Tenant, status: str) -> None:
    row = Tenant.objects.get(pk=tenant.pk)
    row.status = status
    row.save()  # bumps the routing version: the worker sees the change at once


def _activity(tenant: Tenant) -> list[tuple[int, str, uuid.UUID | None]]:
    with tenant_context(tenant):
        return list(ProjectActivity.objects.values_list("project_id", "action", "key"))


def test_a_retried_dead_letter_runs_once_in_its_own_organisations_schema(
    acme: Signup, globex: Signup, celery_worker: Worker
) -> None:
    # The same project id in both schemas: a retry run in the wrong schema would write globex's row.
    with tenant_context(acme.tenant):
        project = Project.objects.create(name="acme project")
    with tenant_context(globex.tenant):
        Project.objects.create(id=project.id, name="globex project")
    key = str(uuid.uuid4())
    UserFactory.create(email="ops-live@saas.test", is_staff=True)
    operator = api(PUBLIC, login(PUBLIC, "ops-live@saas.test")["access"])
    try:
        _set_status(acme.tenant, Tenant.Status.SUSPENDED)
        with transaction.atomic():
            tenant_task_enqueue(project_activity_record, tenant=acme.tenant, project_id=project.id,
                                action="created", actor_id=None, key=key)  # fmt: skip
        letter = eventually(lambda: TaskFailure.objects.filter(tenant_id=acme.tenant.id).first(), what="the letter")
        assert letter.task_name == "projects.activity_record"
        assert letter.kwargs == {"tenant_id": str(acme.tenant.id), "project_id": project.id, "action": "created",
                                 "actor_id": None, "key": key}  # fmt: skip
        assert letter.args == []
        assert letter.schema_name == acme.tenant.schema_name
        assert letter.exception_type == "tenants.celery_tasks.TenantUnavailableError"
        assert letter.retries == 0  # refused to run: not worth retrying
        assert "is suspended" in letter.error and "TenantUnavailableError" in letter.traceback
        assert letter.status == "dead"
        assert _activity(acme.tenant) == [] and _activity(globex.tenant) == []

        listed = operator.get("/api/v1/operator/dead-letters/", {"tenant": str(acme.tenant.id)}).json()
        assert [row["id"] for row in listed["results"]] == [letter.id]

        _set_status(acme.tenant, Tenant.Status.ACTIVE)
        retried = operator.post(f"/api/v1/operator/dead-letters/{letter.id}/retry/")
        assert retried.status_code == 202, retried.content
        assert operator.post(f"/api/v1/operator/dead-letters/{letter.id}/retry/").status_code == 409

        rows = eventually(lambda: _activity(acme.tenant), what="the retried task's activity row")
        assert rows == [(project.id, "created", uuid.UUID(key))]
        assert _activity(globex.tenant) == []
        assert not OutboxMessage.objects.filter(id=retried.json()["retriedTaskId"]).exists()  # relayed
        letter.refresh_from_db()
        assert (letter.status, letter.resolved_by) == ("retried", "ops-live@saas.test")
        assert TaskFailure.objects.filter(tenant_id=acme.tenant.id).count() == 1  # the retry did not fail
    finally:
        _set_status(acme.tenant, Tenant.Status.ACTIVE)
        for tenant in (acme.tenant, globex.tenant):
            with tenant_context(tenant):
                Project.objects.all().delete()
        TaskFailure.objects.filter(tenant_id__in=[acme.tenant.id, globex.tenant.id]).delete()
