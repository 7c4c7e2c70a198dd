"""The dashboard's numbers (`GET /api/v1/organisation/overview/`): counts from each app, storage against
the plan, and an onboarding checklist that ticks itself."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from shared_apps.accounts.signup import Signup
from tenant_apps.files.services import file_upload
from tenant_apps.projects.services import project_create
from tests.helpers import api, login

pytestmark = pytest.mark.django_db


def _overview(signup: Signup) -> dict[str, object]:
    response = api(signup.host, login(signup.host, signup.user.email)["access"]).get("/api/v1/organisation/overview/")
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_a_new_organisation_starts_with_nothing_ticked(acme: Signup) -> None:
    assert _overview(acme) == {
        "members": 1,
        "pendingInvitations": 0,
        "projects": 0,
        "files": 0,
        "storageUsedBytes": 0,
        "storageLimitBytes": None,
        "checklist": {"invitedSomeone": False, "createdProject": False, "uploadedFile": False},
    }


def test_the_checklist_ticks_as_the_organisation_is_used_and_only_its_own(acme: Signup, globex: Signup) -> None:
    token = login(acme.host, acme.user.email)["access"]
    invited = api(acme.host, token).post(
        "/api/v1/invitations/", {"email": "new@example.test", "role": "member"}, content_type="application/json"
    )
    assert invited.status_code == 201, invited.content
    with schema_context(acme.tenant.schema_name):
        project = project_create(tenant=acme.tenant, name="Launch", created_by=acme.user)
        upload = SimpleUploadedFile("plan.txt", b"12345", content_type="text/plain")
        file_upload(tenant=acme.tenant, upload=upload, uploaded_by=acme.user, project=project)

    assert _overview(acme) == {
        "members": 1,
        "pendingInvitations": 1,
        "projects": 1,
        "files": 1,
        "storageUsedBytes": 5,
        "storageLimitBytes": None,
        "checklist": {"invitedSomeone": True, "createdProject": True, "uploadedFile": True},
    }
    # Another organisation sees its own numbers, none of acme's.
    assert _overview(globex)["checklist"] == {"invitedSomeone": False, "createdProject": False, "uploadedFile": False}
    assert (_overview(globex)["projects"], _overview(globex)["files"]) == (0, 0)


def test_anonymous_and_other_organisations_get_nothing(acme: Signup, globex: Signup) -> None:
    assert api(acme.host).get("/api/v1/organisation/overview/").status_code == 401
    foreign = login(globex.host, globex.user.email)["access"]
    assert api(acme.host, foreign).get("/api/v1/organisation/overview/").status_code == 401
