"""Files in S3 (moto's server over HTTP): per-organisation prefixes, limits, presigned downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from shared_apps.accounts.signup import Signup
from tenant_apps.files.models import File
from tenant_apps.files.tasks import file_object_delete_task
from tenants.entitlements import Unlimited
from tenants.models import OutboxMessage, Tenant
from tests.conftest import Team
from tests.helpers import api, error, login
from tests.plugins.s3 import bucket_keys

pytestmark = pytest.mark.django_db

WRITTEN: list[tuple[str, str]] = []  # (tenant id, full key) of every object these tests stored


def _upload(
    host: str, token: str, name: str = "report.pdf", content: bytes = b"%PDF-1.4 hello", ctype: str = "application/pdf"
):
    return api(host, token).post("/api/v1/files/", {"file": SimpleUploadedFile(name, content, content_type=ctype)})


def _full_key(signup: Signup, file_id: int) -> str:
    from tenants.db import connection

    connection.set_tenant(signup.tenant)
    try:
        key = File.objects.get(pk=file_id).key
    finally:
        connection.set_schema_to_public()
    full = f"tenants/{signup.tenant.id}/{key}"
    WRITTEN.append((str(signup.tenant.id), full))
    return full


@pytest.fixture
def owner(acme: Signup) -> str:
    return login(acme.host, acme.user.email)["access"]


def test_upload_detail_download_delete(acme: Signup, owner: str, django_capture_on_commit_callbacks: Any) -> None:
    created = _upload(acme.host, owner)
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) == {"id", "name", "size", "contentType", "projectId", "createdAt", "thumbnailUrl"}
    assert (body["name"], body["size"], body["contentType"], body["thumbnailUrl"]) == (
        "report.pdf",
        14,
        "application/pdf",
        None,
    )
    key = _full_key(acme, body["id"])
    assert key.startswith(f"tenants/{acme.tenant.id}/files/") and key.endswith("/report.pdf")
    assert key in bucket_keys()

    detail = api(acme.host, owner).get(f"/api/v1/files/{body['id']}/").json()
    url = detail["downloadUrl"]
    query = parse_qs(urlsplit(url).query)
    assert int(query["X-Amz-Expires"][0]) <= 900
    download = requests.get(url, timeout=10)
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 hello"
    assert download.headers["Content-Disposition"].startswith("attachment")

    # The row goes at once; the object through the outbox, in the row's transaction (a worker runs the
    # task: tests/integration/workspace/test_storage_consistency.py, tests/faults/test_storage.py).
    with django_capture_on_commit_callbacks(execute=False):
        assert api(acme.host, owner).delete(f"/api/v1/files/{body['id']}/").status_code == 204
    assert api(acme.host, owner).get(f"/api/v1/files/{body['id']}/").status_code == 404
    (message,) = OutboxMessage.objects.filter(task_name="files.object_delete")
    file_object_delete_task(**message.kwargs)
    assert key not in bucket_keys()


def test_objects_are_private(acme: Signup, owner: str) -> None:
    file_id = _upload(acme.host, owner).json()["id"]
    key = _full_key(acme, file_id)
    from django.conf import settings

    anonymous = requests.get(f"{settings.AWS_S3_ENDPOINT_URL}/{settings.AWS_STORAGE_BUCKET_NAME}/{key}", timeout=10)
    assert anonymous.status_code == 200 or anonymous.status_code >= 400  # moto does not enforce ACLs...
    acl = (
        __import__("tests.plugins.s3", fromlist=["s3_client"])
        .s3_client()
        .get_object_acl(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key)
    )
    # ...so check what we asked for: no grant to AllUsers.
    assert not [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("AllUsers")]


@pytest.mark.parametrize(
    ("name", "content", "ctype", "code"),
    [
        ("empty.txt", b"", "text/plain", "empty"),
        ("big.txt", b"x" * 2049, "text/plain", "too_large"),
        ("evil.exe", b"MZ....", "application/x-msdownload", "unsupported_type"),
        ("page.html", b"<script>", "text/html", "unsupported_type"),
    ],
)
@override_settings(FILE_UPLOAD_MAX_BYTES=2048)
def test_limits_refuse_and_store_nothing(
    acme: Signup, owner: str, name: str, content: bytes, ctype: str, code: str
) -> None:
    before = bucket_keys()
    response = _upload(acme.host, owner, name, content, ctype)
    assert response.status_code == 400
    assert (error(response)["attr"], error(response)["code"]) == ("file", code)
    assert bucket_keys() == before


class Storage100(Unlimited):
    def storage_limit_bytes(self, tenant: Tenant) -> int | None:
        return 100


@override_settings(ENTITLEMENTS=f"{__name__}.Storage100")
def test_the_storage_quota_blocks_the_upload_that_would_exceed_it(acme: Signup, owner: str) -> None:
    assert _upload(acme.host, owner, "a.txt", b"x" * 60, "text/plain").status_code == 201
    refused = _upload(acme.host, owner, "b.txt", b"x" * 60, "text/plain")
    assert refused.status_code == 400
    assert error(refused)["code"] == "quota_exceeded"


@pytest.mark.parametrize(
    "name", ["../../../etc/passwd", "..\\..\\boot.ini", "a/b/../../c.txt", "\x00\x1fnull.txt", "...."]
)
def test_traversal_names_stay_under_the_prefix(acme: Signup, owner: str, name: str) -> None:
    response = _upload(acme.host, owner, name, b"data", "text/plain")
    assert response.status_code == 201, response.content
    stored = response.json()["name"]
    assert "/" not in stored and "\\" not in stored and ".." not in stored
    key = _full_key(acme, response.json()["id"])
    assert key.startswith(f"tenants/{acme.tenant.id}/files/")
    assert key in bucket_keys()


def test_same_name_in_two_organisations_keeps_both(acme: Signup, globex: Signup, owner: str) -> None:
    globex_owner = login(globex.host, "owner@globex.test")["access"]
    a = _upload(acme.host, owner, "plan.txt", b"acme plan", "text/plain").json()["id"]
    g = _upload(globex.host, globex_owner, "plan.txt", b"globex plan", "text/plain").json()["id"]
    for host, token, file_id, content in (
        (acme.host, owner, a, b"acme plan"),
        (globex.host, globex_owner, g, b"globex plan"),
    ):
        url = api(host, token).get(f"/api/v1/files/{file_id}/").json()["downloadUrl"]
        assert requests.get(url, timeout=10).content == content
    _full_key(acme, a), _full_key(globex, g)


def test_another_organisations_file_is_404_everywhere(acme: Signup, globex: Signup, owner: str) -> None:
    file_id = _upload(acme.host, owner, "secret.txt", b"acme only", "text/plain").json()["id"]
    key = _full_key(acme, file_id)
    globex_client = api(globex.host, login(globex.host, "owner@globex.test")["access"])
    assert globex_client.get(f"/api/v1/files/{file_id}/").status_code == 404
    assert globex_client.delete(f"/api/v1/files/{file_id}/").status_code == 404
    assert globex_client.get("/api/v1/files/").json()["count"] == 0
    assert key in bucket_keys()


def test_members_upload_and_anonymous_cannot(acme: Signup, team: Team) -> None:
    member = login(acme.host, "member@acme.test")["access"]
    assert _upload(acme.host, member).status_code == 201
    assert api(acme.host).post("/api/v1/files/", {}).status_code == 401


def test_every_key_written_in_an_organisations_context_is_under_its_prefix(acme: Signup, globex: Signup) -> None:
    """Runs last in this module: the whole bucket, against what each organisation wrote."""
    keys = bucket_keys()
    assert WRITTEN, "the tests above recorded their writes"
    for tenant_id, key in WRITTEN:
        assert key.startswith(f"tenants/{tenant_id}/")
    known = {str(acme.tenant.id), str(globex.tenant.id)}
    for key in keys:
        parts = key.split("/")
        assert parts[0] == "tenants" and len(parts) >= 4, key
        if key in dict((k, t) for t, k in WRITTEN):
            assert parts[1] in known
