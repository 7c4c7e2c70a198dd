"""The export offered before a deletion: built by the real worker while the organisation is suspended,
its owners emailed a public-host link that works only while the deletion is still scheduled."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.signup import Signup, signup_create
from shared_apps.audit.models import AuditLog
from shared_apps.operator.deletion import tenant_deletions_run
from shared_apps.operator.models import TenantDeletion
from tenant_apps.exports.models import Export
from tests.factories import PASSWORD, UserFactory
from tests.helpers import PUBLIC, api, error, login
from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink, body_of

pytestmark = pytest.mark.usefixtures("live_db")
LINK = re.compile(r"http://localhost(/api/v1/deletion-exports/[^/\s]+/)")


@pytest.fixture
def operator_token() -> str:
    UserFactory.create(email="ops-export@saas.test", is_staff=True, is_superuser=True)
    return str(login(PUBLIC, "ops-export@saas.test")["access"])


def _umbrella() -> Signup:
    signup = signup_create(organisation_name="Umbrella", subdomain="umbrella", email="owner@umbrella.test",
                           password=PASSWORD)  # fmt: skip
    owner = api(signup.host, login(signup.host, "owner@umbrella.test")["access"])
    assert owner.post("/api/v1/projects/", {"name": "Raccoon"}, content_type="application/json").status_code == 201
    upload = SimpleUploadedFile("notes.txt", b"umbrella notes", content_type="text/plain")
    assert owner.post("/api/v1/files/", {"file": upload}).status_code == 201
    return signup


def test_owners_get_a_link_to_an_export_that_works_until_the_deletion_runs(
    operator_token: str, globex: Signup, celery_worker: Worker, smtp_sink: SmtpSink
) -> None:
    umbrella = _umbrella()
    scheduled = api(PUBLIC, operator_token).post(
        f"/api/v1/operator/tenants/{umbrella.tenant.id}/delete/", {"reason": "asked"}, content_type="application/json"
    )
    assert scheduled.status_code == 202, scheduled.content
    assert scheduled.json()["exportId"] is not None
    offered = AuditLog.objects.get(tenant=umbrella.tenant, action="export.requested")
    assert offered.actor_id is None
    assert offered.extra == {"deletion_id": scheduled.json()["id"]}

    # Built by the worker although the organisation is suspended; only its owners are told.
    message = smtp_sink.wait_for(to="owner@umbrella.test", match=lambda m: "will be deleted" in str(m["Subject"]),
                                 timeout=60)  # fmt: skip
    match = LINK.search(body_of(message))
    assert match, body_of(message)
    path = match.group(1)
    assert not any("export is ready" in str(m["Subject"]) for m in smtp_sink.messages if m["To"] == message["To"])
    assert not any("owner@globex.test" in str(m["To"]) and "deleted" in str(m["Subject"]) for m in smtp_sink.messages)

    download = api(PUBLIC).get(path)
    assert download.status_code == 302
    archive = zipfile.ZipFile(io.BytesIO(requests.get(download["Location"], timeout=10).content))
    data = json.loads(archive.read("data.json"))
    assert data["organisation"]["id"] == str(umbrella.tenant.id)
    assert [p["name"] for p in data["projects"]] == ["Raccoon"]
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert archive.read(manifest[0]["path"]) == b"umbrella notes"

    # A tampered link, or the link on an organisation's host, gets nothing.
    token = path.split("/")[-2]
    assert error(api(PUBLIC).get(f"/api/v1/deletion-exports/{token[:-2]}xx/"))["code"] == "not_found"
    assert api(globex.host).get(path).status_code == 404

    # Not built (yet): a clear 409, not a broken download.
    export_id = TenantDeletion.objects.get(tenant=umbrella.tenant).export_id
    assert export_id is not None
    with tenant_context(umbrella.tenant):
        Export.objects.filter(pk=export_id).update(status=Export.Status.RUNNING)
    not_ready = api(PUBLIC).get(path)
    assert not_ready.status_code == 409
    assert error(not_ready)["code"] == "export_not_ready"
    with tenant_context(umbrella.tenant):
        Export.objects.filter(pk=export_id).update(status=Export.Status.DONE)

    # Once the deletion has run, the link is dead.
    assert tenant_deletions_run(now=timezone.now() + timedelta(days=365)) == 1
    gone = api(PUBLIC).get(path)
    assert gone.status_code == 404
    assert "no longer available" in error(gone)["detail"]


def test_an_operator_can_decline_the_export_and_bad_input_changes_nothing(operator_token: str) -> None:
    signup = signup_create(organisation_name="Hooli", subdomain="hooli", email="owner@hooli.test", password=PASSWORD)
    client = api(PUBLIC, operator_token)
    url = f"/api/v1/operator/tenants/{signup.tenant.id}/delete/"

    bad = client.post(url, {"export": "perhaps"}, content_type="application/json")
    assert bad.status_code == 400
    assert error(bad)["attr"] == "export"
    assert not TenantDeletion.objects.filter(tenant=signup.tenant).exists()

    declined = client.post(url, {"export": False}, content_type="application/json")
    assert declined.status_code == 202
    assert declined.json()["exportId"] is None
    with tenant_context(signup.tenant):
        assert not Export.objects.exists()
