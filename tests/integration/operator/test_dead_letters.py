"""Dead letters (issue 12, item 9): a task that gives up is stored with what it takes to re-run it; operators
list, retry (once, through the outbox, in the letter's own organisation) and discard it; nobody else sees it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from saas.celery import app
from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from tenants.models import OutboxMessage, TaskFailure, Tenant
from tests.conftest import Team
from tests.factories import UserFactory
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db
LIST = "/api/v1/operator/dead-letters/"


@app.task(bind=True, name="tests.dead_letters.database_down", max_retries=2)
def database_down(self: Any, *, tenant_id: str, n: int) -> None:
    raise OperationalError("the database went away")


def _letter(tenant: Tenant | None, **fields: Any) -> TaskFailure:
    kwargs = {"project_id": 7, "action": "created", "actor_id": None, "key": "k-1"}
    if tenant is not None:
        kwargs = {"tenant_id": str(tenant.id), **kwargs}
    defaults: dict[str, Any] = {
        "task_name": "projects.activity_record",
        "task_id": "0f0f0f0f-0000-0000-0000-000000000001",
        "tenant_id": tenant.id if tenant else None,
        "error": "TenantUnavailableError('tenant is suspended')",
        "args": [],
        "kwargs": kwargs,
        "schema_name": tenant.schema_name if tenant else "public",
        "exception_type": "tenants.celery_tasks.TenantUnavailableError",
        "traceback": "Traceback (most recent call last):\n  ...\nTenantUnavailableError: tenant is suspended",
    }
    return TaskFailure.objects.create(**{**defaults, **fields})


def test_a_task_that_exhausts_its_retries_becomes_a_dead_letter_with_what_it_needs_to_run_again(
    acme: Signup,
) -> None:
    result = database_down.apply(
        kwargs={"tenant_id": str(acme.tenant.id), "n": 3}, headers={"_schema_name": acme.tenant.schema_name}
    )
    assert result.state == "FAILURE"
    letter = TaskFailure.objects.get(task_name="tests.dead_letters.database_down")
    assert letter.task_id == result.id
    assert letter.tenant_id == acme.tenant.id
    assert letter.args == []
    assert letter.kwargs == {"tenant_id": str(acme.tenant.id), "n": 3}
    assert letter.schema_name == acme.tenant.schema_name
    assert letter.retries == 2  # max_retries, all made before giving up
    assert letter.exception_type == "django.db.utils.OperationalError"
    assert letter.error == "OperationalError('the database went away')"
    assert letter.traceback.startswith("Traceback (most recent call last):")
    assert letter.traceback.rstrip().endswith("django.db.utils.OperationalError: the database went away")
    assert letter.status == "dead"
    assert (letter.resolved_at, letter.resolved_by, letter.retried_task_id) == (None, "", "")


def test_operators_list_and_filter_dead_letters_paginated(acme: Signup, globex: Signup, operator_token: str) -> None:
    first = _letter(acme.tenant)
    second = _letter(globex.tenant, task_name="exports.build", task_id="t-2")
    third = _letter(acme.tenant, task_id="t-3", status="discarded")
    client = api(PUBLIC, operator_token)

    everything = client.get(LIST).json()
    assert everything["count"] == 3
    assert [row["id"] for row in everything["results"]] == [third.id, second.id, first.id]  # newest first
    row = everything["results"][2]
    assert row == {
        "id": first.id,
        "taskName": "projects.activity_record",
        "taskId": "0f0f0f0f-0000-0000-0000-000000000001",
        "tenantId": str(acme.tenant.id),
        "schemaName": acme.tenant.schema_name,
        "status": "dead",
        "error": "TenantUnavailableError('tenant is suspended')",
        "exceptionType": "tenants.celery_tasks.TenantUnavailableError",
        "retries": 0,
        "args": [],
        # The task's own parameter names, not camelCased.
        "kwargs": {
            "tenant_id": str(acme.tenant.id),
            "project_id": 7,
            "action": "created",
            "actor_id": None,
            "key": "k-1",
        },
        "createdAt": row["createdAt"],
        "resolvedAt": None,
        "resolvedBy": "",
        "retriedTaskId": "",
    }
    assert "traceback" not in row

    def ids(**query: str) -> list[int]:
        response = client.get(LIST, query)
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert ids(status="dead") == [second.id, first.id]
    assert ids(status="discarded") == [third.id]
    assert ids(task="exports.build") == [second.id]
    assert ids(tenant=str(acme.tenant.id)) == [third.id, first.id]
    assert ids(tenant=str(acme.tenant.id), status="dead") == [first.id]
    page = client.get(LIST, {"pageSize": "2", "page": "2"}).json()
    assert (page["count"], [r["id"] for r in page["results"]], page["next"]) == (3, [first.id], None)

    bad = client.get(LIST, {"status": "lost"})
    assert bad.status_code == 400 and error(bad)["attr"] == "status"
    assert client.get(LIST, {"tenant": "not-a-uuid"}).status_code == 400

    detail = client.get(f"{LIST}{first.id}/").json()
    assert detail["traceback"] == first.traceback
    assert client.get(f"{LIST}999999/").status_code == 404


def test_retry_queues_the_same_task_through_the_outbox_in_its_organisation_once(
    acme: Signup, globex: Signup, operator: User, operator_token: str
) -> None:
    letter = _letter(acme.tenant)
    other = _letter(globex.tenant, task_id="t-globex")
    client = api(PUBLIC, operator_token)

    response = client.post(f"{LIST}{letter.id}/retry/")
    assert response.status_code == 202, response.content
    body = response.json()
    message = OutboxMessage.objects.get()  # the test's transaction never commits: the row is still there
    assert (message.task_name, message.kwargs, message.schema_name) == (
        "projects.activity_record",
        letter.kwargs,
        acme.tenant.schema_name,
    )
    assert (body["status"], body["resolvedBy"], body["retriedTaskId"]) == ("retried", "ops@saas.test", str(message.id))
    assert body["resolvedAt"]
    letter.refresh_from_db()
    assert (letter.status, letter.resolved_by, letter.retried_task_id) == ("retried", "ops@saas.test", str(message.id))

    again = client.post(f"{LIST}{letter.id}/retry/")
    assert again.status_code == 409
    assert error(again) == {"code": "dead_letter_resolved", "detail": "This dead letter was already retried.",
                            "attr": None}  # fmt: skip
    assert client.post(f"{LIST}{letter.id}/discard/").status_code == 409
    assert OutboxMessage.objects.count() == 1  # nothing queued twice

    entry = AuditLog.objects.get(action="dead_letter.retried")
    assert (entry.actor_id, entry.tenant_id, entry.target_type, entry.target_id) == (
        operator.id,
        None,  # not in the organisation's own audit log
        "tenants.taskfailure",
        str(letter.id),
    )
    assert entry.extra == {"task_name": "projects.activity_record", "task_id": letter.task_id,
                           "tenant_id": str(acme.tenant.id), "retried_task_id": str(message.id)}  # fmt: skip
    # globex's letter is untouched by acme's retry.
    other.refresh_from_db()
    assert other.status == "dead"


def test_discard_marks_the_letter_and_a_discarded_letter_cannot_be_retried(
    acme: Signup, operator: User, operator_token: str
) -> None:
    letter = _letter(acme.tenant)
    client = api(PUBLIC, operator_token)
    response = client.post(f"{LIST}{letter.id}/discard/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["resolvedBy"]) == ("discarded", "ops@saas.test")
    retry = client.post(f"{LIST}{letter.id}/retry/")
    assert retry.status_code == 409 and error(retry)["code"] == "dead_letter_resolved"
    assert not OutboxMessage.objects.exists()
    entry = AuditLog.objects.get(action="dead_letter.discarded")
    assert (entry.actor_id, entry.tenant_id, entry.target_id) == (operator.id, None, str(letter.id))


def test_letters_that_cannot_be_rerun_are_refused_with_409(acme: Signup, operator_token: str) -> None:
    client = api(PUBLIC, operator_token)
    legacy = _letter(acme.tenant, args=None, kwargs=None)  # recorded before arguments were kept
    positional = _letter(acme.tenant, args=["exports.sweep"], kwargs={})
    gone = _letter(acme.tenant, tenant_id="00000000-0000-0000-0000-00000000dead")
    for letter, detail in (
        (legacy, "This letter was recorded without its arguments: it cannot be re-run."),
        (positional, "This task was queued with positional arguments: it cannot be re-run."),
        (gone, "The organisation of this task no longer exists."),
    ):
        response = client.post(f"{LIST}{letter.id}/retry/")
        assert response.status_code == 409, response.content
        assert error(response) == {"code": "dead_letter_not_retryable", "detail": detail, "attr": None}
        letter.refresh_from_db()
        assert letter.status == "dead"
    assert not OutboxMessage.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="dead_letter.").exists()


def test_account_level_letters_retry_in_public(operator_token: str) -> None:
    letter = _letter(None, task_name="accounts.send_email", kwargs={"message_id": "m-1"}, schema_name="public")
    response = api(PUBLIC, operator_token).post(f"{LIST}{letter.id}/retry/")
    assert response.status_code == 202
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.kwargs, message.schema_name) == (
        "accounts.send_email",
        {"message_id": "m-1"},
        "public",
    )


def test_organisation_users_never_reach_dead_letters(acme: Signup, team: Team, operator_token: str) -> None:
    letter = _letter(acme.tenant)
    account = login(PUBLIC, team.owner.email)["access"]  # the owner's account token (not staff)
    tenant_token = login(acme.host, team.owner.email)["access"]  # the owner's organisation token
    calls = [("get", LIST), ("get", f"{LIST}{letter.id}/"), ("post", f"{LIST}{letter.id}/retry/"),
             ("post", f"{LIST}{letter.id}/discard/")]  # fmt: skip
    for method, path in calls:
        assert getattr(api(PUBLIC), method)(path).status_code == 401, path
        for token in (account, tenant_token):
            refused = getattr(api(PUBLIC, token), method)(path)
            assert refused.status_code == 403, (path, refused.content)
            assert error(refused)["code"] == "permission_denied"
        assert getattr(api(acme.host, tenant_token), method)(path).status_code == 404, path  # not routed there
    letter.refresh_from_db()
    assert letter.status == "dead"
    assert not OutboxMessage.objects.exists()

    # The operator's retry does not show in the organisation's own audit log.
    assert api(PUBLIC, operator_token).post(f"{LIST}{letter.id}/retry/").status_code == 202
    owner_log = api(acme.host, tenant_token).get("/api/v1/audit/").json()
    assert [e["action"] for e in owner_log["results"] if e["action"].startswith("dead_letter.")] == []


def _admin(user: User) -> Client:
    client = Client(HTTP_HOST=PUBLIC)
    client.force_login(user)
    return client


def test_the_admin_lists_retries_and_discards_dead_letters(acme: Signup, operator: User) -> None:
    retried, discarded = _letter(acme.tenant), _letter(acme.tenant, task_id="t-2")
    client = _admin(operator)
    page = client.get("/admin/tenants/taskfailure/", {"status__exact": "dead"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 2
    assert client.get(f"/admin/tenants/taskfailure/{retried.id}/change/").status_code == 200

    changelist = "/admin/tenants/taskfailure/"
    for action, letter in (("retry", retried), ("discard", discarded)):
        response = client.post(changelist, {"action": action, "_selected_action": [letter.id]})
        assert response.status_code == 302
    retried.refresh_from_db()
    discarded.refresh_from_db()
    assert (retried.status, retried.resolved_by) == ("retried", "ops@saas.test")
    assert (discarded.status, discarded.resolved_by) == ("discarded", "ops@saas.test")
    assert OutboxMessage.objects.get().schema_name == acme.tenant.schema_name
    # A second retry from the admin is refused with a message, and queues nothing.
    response = client.post(changelist, {"action": "retry", "_selected_action": [retried.id]}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages[-1] == f"projects.activity_record {retried.task_id}: This dead letter was already retried."
    assert OutboxMessage.objects.count() == 1
    assert client.get(f"/admin/tenants/taskfailure/{retried.id}/delete/").status_code == 403  # read-only
    assert client.get("/admin/tenants/taskfailure/add/").status_code == 403


def test_the_operator_session_check_answers_204_only_for_an_operator(acme: Signup, operator: User) -> None:
    path = "/admin/operator-session/"
    assert _admin(operator).get(path).status_code == 204
    assert _admin(operator).head(path).status_code == 204
    assert Client(HTTP_HOST=PUBLIC).get(path).status_code == 401
    someone = UserFactory.create(email="someone@saas.test")
    assert _admin(someone).get(path).status_code == 403
    inactive = UserFactory.create(email="gone@saas.test", is_staff=True, is_active=False)
    assert _admin(inactive).get(path).status_code == 401  # Django's backends refuse inactive users: not signed in
    assert _admin(operator).post(path).status_code == 405
    operator_on_org_host = Client(HTTP_HOST=acme.host)
    operator_on_org_host.force_login(operator)
    assert operator_on_org_host.get(path).status_code == 404  # the tenant URLconf has no such path
