"""Tenant-aware Celery with a real worker on the real broker: right schema, loud failures."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tenants.utils import schema_context, tenant_context

from shared_apps.accounts.signup import Signup, signup_create
from tenant_apps.projects.models import Project, ProjectActivity
from tenant_apps.projects.tasks import project_activity_record
from tenants.celery_tasks import tenant_task_enqueue
from tenants.models import TaskFailure, Tenant
from tests.factories import PASSWORD
from tests.helpers import api, eventually, login
from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink, body_of

pytestmark = pytest.mark.usefixtures("live_db")


def _set_status(tenant: Tenant, status: str) -> None:
    row = Tenant.objects.get(pk=tenant.pk)
    row.status = status
    row.save()


def _activity(tenant: Tenant) -> list[tuple[str, str]]:
    with tenant_context(tenant):
        return list(ProjectActivity.objects.values_list("project__name", "action"))


def test_200_tasks_alternating_two_organisations_write_only_in_their_own_schema(
    acme: Signup, globex: Signup, celery_worker: Worker
) -> None:
    clients = {
        "acme": api(acme.host, login(acme.host, acme.user.email)["access"]),
        "globex": api(globex.host, login(globex.host, "owner@globex.test")["access"]),
    }
    for n in range(200):
        org = "acme" if n % 2 == 0 else "globex"
        response = clients[org].post("/api/v1/projects/", {"name": f"{org}-{n}"}, content_type="application/json")
        assert response.status_code == 201

    for signup, org in ((acme, "acme"), (globex, "globex")):

        def hundred_rows(tenant: Tenant = signup.tenant) -> list[tuple[str, str]]:
            found = _activity(tenant)
            return found if len(found) >= 100 else []

        rows = eventually(hundred_rows, what=f"{org} activity")
        assert len(rows) == 100
        assert all(name.startswith(f"{org}-") and action == "created" for name, action in rows)
    # Scoped to these organisations: a straggling task of an earlier test must not decide this one.
    failures = TaskFailure.objects.filter(tenant_id__in=[acme.tenant.id, globex.tenant.id])
    assert not failures.exists(), list(failures.values_list("error", flat=True))


def test_a_task_for_a_deleted_tenant_fails_and_says_so(celery_worker: Worker) -> None:
    doomed = signup_create(organisation_name="Doomed", subdomain="doomed", email="x@doomed.test", password=PASSWORD)
    with transaction.atomic():
        tenant_task_enqueue(
            project_activity_record, tenant=doomed.tenant, project_id=1, action="created", actor_id=None
        )
        Tenant.objects.filter(pk=doomed.tenant.pk).delete()
    failure = eventually(
        lambda: TaskFailure.objects.filter(tenant_id=doomed.tenant.id).first(), what="the recorded failure"
    )
    assert failure.task_name == "projects.activity_record"
    assert "no longer exists" in failure.error
    assert "no longer exists" in celery_worker.output()


def test_a_task_for_a_suspended_tenant_refuses_to_run(acme: Signup, celery_worker: Worker) -> None:
    with tenant_context(acme.tenant):
        project = Project.objects.create(name="paused")
    _set_status(acme.tenant, Tenant.Status.SUSPENDED)  # save(): workers see the change at once
    try:
        with transaction.atomic():
            tenant_task_enqueue(
                project_activity_record, tenant=acme.tenant, project_id=project.id, action="x", actor_id=None
            )
        failure = eventually(lambda: TaskFailure.objects.filter(tenant_id=acme.tenant.id).first(), what="the failure")
        assert "suspended" in failure.error
        assert _activity(acme.tenant) == []

        # Reactivated, a task queued at once runs: the worker's cached "suspended" (its routing version is
        # re-read at most every ROUTING_VERSION_TTL) is confirmed against the database before a refusal.
        _set_status(acme.tenant, Tenant.Status.ACTIVE)
        with transaction.atomic():
            tenant_task_enqueue(
                project_activity_record, tenant=acme.tenant, project_id=project.id, action="resumed", actor_id=None
            )
        assert eventually(lambda: _activity(acme.tenant), what="the activity row") == [("paused", "resumed")]
        assert TaskFailure.objects.filter(tenant_id=acme.tenant.id).count() == 1
    finally:
        _set_status(acme.tenant, Tenant.Status.ACTIVE)
        with tenant_context(acme.tenant):
            Project.objects.all().delete()
        TaskFailure.objects.all().delete()


def test_a_task_queued_in_a_context_that_closed_before_commit_still_runs_in_its_tenant(
    acme: Signup, celery_worker: Worker
) -> None:
    with transaction.atomic(), schema_context(acme.tenant.schema_name):
        project = Project.objects.create(name="late commit")
        tenant_task_enqueue(
            project_activity_record, tenant=acme.tenant, project_id=project.id, action="created", actor_id=None
        )
        # The schema context is closed here; the commit (and so the publish) happens after it.
    rows = eventually(lambda: _activity(acme.tenant), what="the activity row")
    assert rows == [("late commit", "created")]
    with tenant_context(acme.tenant):
        Project.objects.all().delete()


def test_export_builds_a_zip_of_the_organisation_and_emails_the_requester(
    acme: Signup, globex: Signup, celery_worker: Worker, smtp_sink: SmtpSink
) -> None:
    owner = api(acme.host, login(acme.host, acme.user.email)["access"])
    owner.post("/api/v1/projects/", {"name": "Exported project"}, content_type="application/json")
    owner.post("/api/v1/files/", {"file": SimpleUploadedFile("notes.txt", b"acme notes", content_type="text/plain")})

    queued = owner.post("/api/v1/exports/")
    assert queued.status_code == 202
    assert queued.json()["status"] == "pending"
    export_id = queued.json()["id"]
    done = eventually(
        lambda: (body := owner.get(f"/api/v1/exports/{export_id}/").json())["status"] == "done" and body,
        what="the export",
    )
    archive = zipfile.ZipFile(io.BytesIO(requests.get(done["downloadUrl"], timeout=10).content))
    data = json.loads(archive.read("data.json"))
    assert [p["name"] for p in data["projects"]] == ["Exported project"]
    assert data["organisation"]["id"] == str(acme.tenant.id)
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert [(f["name"], f["size"]) for f in manifest] == [("notes.txt", 10)]
    assert archive.read(manifest[0]["path"]) == b"acme notes"

    message = smtp_sink.wait_for(to=acme.user.email, match=lambda m: "export is ready" in str(m["Subject"]))
    assert "http://acme.localhost/exports" in body_of(message)

    globex_owner = api(globex.host, login(globex.host, "owner@globex.test")["access"])
    assert globex_owner.get(f"/api/v1/exports/{export_id}/").status_code == 404
    with tenant_context(acme.tenant):
        Project.objects.all().delete()
