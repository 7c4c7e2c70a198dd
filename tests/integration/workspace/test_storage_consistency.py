"""Storage stays consistent (issue 12, item 7): a file's row goes with its object, incomplete multipart
uploads are aborted, and `storage_reconcile` finds (and removes) orphans, each organisation in its own
prefix only. Against the run's real S3 server (moto over HTTP), each test in a bucket of its own so the
objects in it can be counted exactly.
"""

from __future__ import annotations

import io
import json
import socket
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from PIL import Image

from shared_apps.accounts.signup import Signup
from tenant_apps.exports.models import Export
from tenant_apps.files.models import File
from tenant_apps.files.storage_consistency import stale_multipart_uploads_abort
from tenant_apps.files.tasks import file_object_delete_task, file_thumbnail_make_task
from tenants.db import connection
from tenants.models import OutboxMessage, Tenant
from tests.helpers import api, eventually, login
from tests.plugins.s3 import s3_client

ROOT = Path(__file__).resolve().parents[3]


def _keys(bucket: str, prefix: str = "") -> list[str]:
    keys: list[str] = []
    for page in s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return sorted(keys)


@pytest.fixture
def bucket() -> Iterator[str]:
    """A bucket of this test's own, made the storage's for the test."""
    name = f"consistency-{uuid.uuid4().hex[:12]}"
    client = s3_client()
    client.create_bucket(Bucket=name)
    storages._storages.clear()  # type: ignore[attr-defined]  # built from the settings of the moment
    with override_settings(AWS_STORAGE_BUCKET_NAME=name):
        yield name
    storages._storages.clear()  # type: ignore[attr-defined]
    for upload in client.list_multipart_uploads(Bucket=name).get("Uploads", []):
        client.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    for key in _keys(name):
        client.delete_object(Bucket=name, Key=key)
    client.delete_bucket(Bucket=name)


def _put(bucket: str, key: str, body: bytes = b"data") -> str:
    s3_client().put_object(Bucket=bucket, Key=key, Body=body)
    return key


def _upload(signup: Signup, token: str, name: str = "report.txt", content: bytes = b"hello") -> dict[str, Any]:
    response = api(signup.host, token).post(
        "/api/v1/files/", {"file": SimpleUploadedFile(name, content, content_type="text/plain")}
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def _file_key(signup: Signup, file_id: int) -> str:
    connection.set_tenant(signup.tenant)
    try:
        return File.objects.get(pk=file_id).key
    finally:
        connection.set_schema_to_public()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def owner(acme: Signup) -> str:
    return str(login(acme.host, acme.user.email)["access"])


# ---- deleting a file ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_delete_removes_the_row_and_queues_one_object_deletion_in_the_same_transaction(
    acme: Signup, owner: str, bucket: str, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = _upload(acme, owner, "a.txt"), _upload(acme, owner, "b.txt")
    key = _file_key(acme, first["id"])
    prefix = f"tenants/{acme.tenant.id}/"
    assert _keys(bucket) == sorted([prefix + key, prefix + _file_key(acme, second["id"])])

    with django_capture_on_commit_callbacks(execute=False):  # no broker involved: the outbox row is the record
        response = api(acme.host, owner).delete(f"/api/v1/files/{first['id']}/")
    assert response.status_code == 204
    assert [f["id"] for f in api(acme.host, owner).get("/api/v1/files/").json()["results"]] == [second["id"]]
    messages = list(OutboxMessage.objects.filter(task_name="files.object_delete"))
    assert [(m.kwargs, m.schema_name) for m in messages] == [
        ({"tenant_id": str(acme.tenant.id), "key": key}, acme.tenant.schema_name)
    ]
    assert prefix + key in _keys(bucket)  # the request did not touch S3

    # What the worker runs (the base class has switched to the tenant's schema by then).
    file_object_delete_task(**messages[0].kwargs)
    assert _keys(bucket) == [prefix + _file_key(acme, second["id"])]
    file_object_delete_task(**messages[0].kwargs)  # a redelivery: the object is gone already, still success
    assert _keys(bucket) == [prefix + _file_key(acme, second["id"])]


@pytest.mark.django_db
def test_a_delete_while_s3_is_down_answers_204_and_the_object_goes_when_s3_is_back(
    acme: Signup, owner: str, bucket: str, django_capture_on_commit_callbacks: Any
) -> None:
    file = _upload(acme, owner)
    key = _file_key(acme, file["id"])
    full = f"tenants/{acme.tenant.id}/{key}"

    storages._storages.clear()  # type: ignore[attr-defined]
    with override_settings(AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{_closed_port()}"):
        with django_capture_on_commit_callbacks(execute=False):
            response = api(acme.host, owner).delete(f"/api/v1/files/{file['id']}/")
        assert response.status_code == 204, response.content
        message = OutboxMessage.objects.get(task_name="files.object_delete")
        # The task while S3 refuses connections: a storage error, which the task retries with backoff.
        with pytest.raises(EndpointConnectionError):
            file_object_delete_task(**message.kwargs)
    storages._storages.clear()  # type: ignore[attr-defined]

    assert api(acme.host, owner).get("/api/v1/files/").json()["count"] == 0
    assert _keys(bucket) == [full]  # accepted, not yet done
    file_object_delete_task(**message.kwargs)  # S3 is back
    assert _keys(bucket) == []


@pytest.mark.django_db
def test_the_deletion_task_stays_inside_its_organisations_prefix(acme: Signup, globex: Signup, bucket: str) -> None:
    same = "files/0123456789abcdef/plan.txt"
    mine = _put(bucket, f"tenants/{acme.tenant.id}/{same}")
    theirs = _put(bucket, f"tenants/{globex.tenant.id}/{same}")

    # A key escaping acme's root is refused (and not retried), never resolved into globex's prefix.
    for escape in (f"../{globex.tenant.id}/{same}", f"/tenants/{globex.tenant.id}/{same}"):
        with pytest.raises(SuspiciousOperation):
            file_object_delete_task(tenant_id=str(acme.tenant.id), key=escape)
    assert _keys(bucket) == sorted([mine, theirs])

    file_object_delete_task(tenant_id=str(acme.tenant.id), key=same)  # the same relative key: acme's only
    assert _keys(bucket) == [theirs]


def test_the_deletion_task_retries_storage_errors_for_half_an_hour_at_least() -> None:
    assert file_object_delete_task.max_retries >= 20
    assert file_object_delete_task.allowed_statuses == ("active", "suspended")
    # Equal jitter: at least half of each step, 2 s doubling up to the 300 s cap.
    steps = [min(float(file_object_delete_task.retry_backoff_max), 2.0 * 2**n) for n in range(20)]
    assert sum(step / 2 for step in steps) >= 30 * 60


def test_with_a_real_worker_the_object_goes_and_the_same_key_elsewhere_stays(
    live_db: None, celery_worker: Any, acme: Signup, globex: Signup
) -> None:
    """End to end: the API, the outbox, the broker, the worker in acme's schema, S3."""
    from tests.plugins.s3 import bucket_keys

    token = login(acme.host, acme.user.email)["access"]
    file = _upload(acme, token, "worker.txt")
    key = _file_key(acme, file["id"])
    mine = f"tenants/{acme.tenant.id}/{key}"
    theirs = _put(settings.AWS_STORAGE_BUCKET_NAME, f"tenants/{globex.tenant.id}/{key}")
    try:
        assert api(acme.host, token).delete(f"/api/v1/files/{file['id']}/").status_code == 204
        eventually(lambda: mine not in bucket_keys(), timeout=30, what="the worker to delete the object")
        eventually(lambda: not OutboxMessage.objects.exists(), timeout=10, what="the outbox to be relayed")
        assert theirs in bucket_keys()
        assert "files.object_delete" in celery_worker.output()
    finally:
        s3_client().delete_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=theirs)


# ---- incomplete multipart uploads ---------------------------------------------------------------------


def _start_multipart(bucket: str, key: str) -> str:
    client = s3_client()
    upload_id = str(client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"])
    client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=b"x" * 1024)
    return upload_id


def _uploads(bucket: str) -> list[str]:
    return sorted(u["Key"] for u in s3_client().list_multipart_uploads(Bucket=bucket).get("Uploads", []))


@pytest.mark.django_db
def test_the_cleanup_aborts_stale_multipart_uploads_under_tenants_only(acme: Signup, bucket: str) -> None:
    tenant_key = f"tenants/{acme.tenant.id}/files/abc/big.zip"
    _start_multipart(bucket, tenant_key)
    _start_multipart(bucket, "elsewhere/big.zip")  # not the kit's part of the bucket

    # Younger than `older_than`: maybe still in progress, kept. (moto reports every upload as initiated on
    # 2010-11-10, so "younger" needs a span reaching back beyond that here.)
    assert stale_multipart_uploads_abort(older_than=timedelta(days=365 * 100)) == 0
    assert _uploads(bucket) == sorted([tenant_key, "elsewhere/big.zip"])
    assert stale_multipart_uploads_abort(older_than=timedelta(0)) == 1
    assert _uploads(bucket) == ["elsewhere/big.zip"]
    assert stale_multipart_uploads_abort(older_than=timedelta(0)) == 0  # nothing left to do, no error
    assert _keys(bucket) == []  # aborting never completes an object


def test_the_cleanup_is_scheduled_by_beat() -> None:
    from saas.celery import app

    entry: dict[str, Any] = settings.CELERY_BEAT_SCHEDULE["files-multipart-cleanup"]
    assert entry["task"] == "files.multipart_cleanup" and entry["task"] in app.tasks
    assert entry["schedule"] <= 3600
    assert 0 < settings.STORAGE_MULTIPART_MAX_AGE_HOURS < 24  # before the lifecycle rule's day


def test_the_lifecycle_rule_is_accepted_by_s3_and_aborts_after_one_day(bucket: str) -> None:
    rules = json.loads((ROOT / "deploy" / "s3" / "lifecycle.json").read_text())
    client = s3_client()
    client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=rules)
    (rule,) = client.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert rule["Filter"] == {"Prefix": ""}  # the whole bucket
    assert "lifecycle.json" in (ROOT / "deploy" / "DEPLOYMENT.md").read_text()


@pytest.mark.django_db
@override_settings(FILE_UPLOAD_MAX_BYTES=20 * 1024 * 1024)
def test_a_multipart_upload_that_succeeds_leaves_no_upload_behind(acme: Signup, owner: str, bucket: str) -> None:
    file = _upload(acme, owner, "big.txt", b"y" * (9 * 1024 * 1024))  # over the 8 MB multipart threshold
    assert _keys(bucket) == [f"tenants/{acme.tenant.id}/{_file_key(acme, file['id'])}"]
    assert _uploads(bucket) == []


# ---- storage_reconcile --------------------------------------------------------------------------------


def _reconcile(*args: str) -> str:
    out = io.StringIO()
    call_command("storage_reconcile", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def scene(acme: Signup, globex: Signup, owner: str, bucket: str) -> dict[str, str]:
    """acme: a file (row + object), an export (row + object), an orphan, a row whose object is missing;
    globex: a file and an orphan of its own."""
    a, g = f"tenants/{acme.tenant.id}/", f"tenants/{globex.tenant.id}/"
    file = _upload(acme, owner, "kept.txt")
    connection.set_tenant(acme.tenant)
    try:
        File.objects.create(name="gone.txt", key="files/missing0000/gone.txt", size=4, content_type="text/plain")
        Export.objects.create(status=Export.Status.DONE, key="exports/1/export-1.zip")
    finally:
        connection.set_schema_to_public()
    globex_file = _upload(globex, str(login(globex.host, "owner@globex.test")["access"]), "theirs.txt")
    connection.set_tenant(globex.tenant)
    try:
        globex_key = g + File.objects.get(pk=globex_file["id"]).key
    finally:
        connection.set_schema_to_public()
    return {
        "file": a + _file_key(acme, file["id"]),
        "export": _put(bucket, a + "exports/1/export-1.zip"),
        "orphan": _put(bucket, a + "files/orphan0000/left.txt"),
        "globex_file": globex_key,
        "globex_orphan": _put(bucket, g + "files/orphan1111/left.txt"),
    }


@pytest.mark.django_db
def test_reconcile_reports_one_organisations_orphans_and_missing_objects_only(
    acme: Signup, bucket: str, scene: dict[str, str]
) -> None:
    output = _reconcile("--tenant", "acme", "--min-age-hours", "0")
    assert f"[1/1] acme (tenants/{acme.tenant.id}/): 3 objects, 3 rows, 1 orphans, 1 missing" in output
    assert "  orphan files/orphan0000/left.txt" in output
    assert "  missing files/missing0000/gone.txt" in output
    assert "orphan1111" not in output and "theirs.txt" not in output  # globex's prefix is never listed
    assert "Remove the orphans with --delete" in output
    assert _keys(bucket) == sorted(scene.values())  # a report deletes nothing


@pytest.mark.django_db
def test_reconcile_delete_removes_that_organisations_old_orphans_and_nothing_else(
    acme: Signup, globex: Signup, bucket: str, scene: dict[str, str]
) -> None:
    # Within the grace period (default 1 h) an unnamed object may be an upload in flight: kept.
    kept = _reconcile("--tenant", "acme", "--delete")
    assert "0 orphans, 1 missing, 1 recent unnamed (kept), 0 deleted" in kept
    assert "  recent files/orphan0000/left.txt" in kept
    assert _keys(bucket) == sorted(scene.values())

    output = _reconcile("--tenant", "acme", "--delete", "--min-age-hours", "0")
    assert "1 orphans, 1 missing, 0 recent unnamed (kept), 1 deleted" in output
    assert _keys(bucket) == sorted(v for k, v in scene.items() if k != "orphan")
    again = _reconcile("--tenant", "acme", "--delete", "--min-age-hours", "0")
    assert "0 orphans" in again and "0 deleted" in again


@pytest.mark.django_db
def test_reconcile_goes_through_every_organisation_with_progress(
    acme: Signup, globex: Signup, bucket: str, scene: dict[str, str]
) -> None:
    output = _reconcile("--min-age-hours", "0", "--delete")
    lines = [line for line in output.splitlines() if line.startswith("[")]
    assert [line.split(" ", 2)[:2] for line in lines] == [["[1/2]", "acme"], ["[2/2]", "globex"]]
    assert "2 objects, 1 rows, 1 orphans, 0 missing, 0 recent unnamed (kept), 1 deleted" in lines[1]
    assert "2 of 2 organisation(s) reconciled: 2 orphans, 1 missing, 2 deleted" in output
    assert _keys(bucket) == sorted([scene["file"], scene["export"], scene["globex_file"]])


@pytest.mark.django_db
def test_reconcile_counts_a_files_thumbnail_as_named(acme: Signup, owner: str, bucket: str) -> None:
    out = io.BytesIO()
    Image.new("RGB", (600, 300)).save(out, format="PNG")
    response = api(acme.host, owner).post(
        "/api/v1/files/", {"file": SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")}
    )
    assert response.status_code == 201, response.content
    message = OutboxMessage.objects.get(task_name="files.thumbnail_make")
    connection.set_tenant(acme.tenant)
    try:
        file_thumbnail_make_task(**message.kwargs)  # what the worker runs, in acme's schema
        thumbnail = File.objects.get(pk=response.json()["id"]).thumbnail_key
    finally:
        connection.set_schema_to_public()
    assert thumbnail.startswith("files/thumbnails/")

    output = _reconcile("--tenant", "acme", "--delete", "--min-age-hours", "0")
    assert "2 objects, 2 rows, 0 orphans, 0 missing, 0 recent unnamed (kept), 0 deleted" in output
    assert len(_keys(bucket)) == 2
    s3_client().delete_object(Bucket=bucket, Key=f"tenants/{acme.tenant.id}/{thumbnail}")
    assert f"  missing {thumbnail}" in _reconcile("--tenant", "acme", "--min-age-hours", "0")


@pytest.mark.django_db
def test_reconcile_counts_the_organisations_logo_as_named(acme: Signup, globex: Signup, bucket: str) -> None:
    # The logo and the original a resize is working on live under the prefix too, named by the tenant's row.
    a = f"tenants/{acme.tenant.id}/"
    logo = _put(bucket, a + "organisation/logo/logo-0000.png")
    source = _put(bucket, a + "organisation/logo/original-1111.png")
    Tenant.objects.filter(pk=acme.tenant.pk).update(
        logo_key="organisation/logo/logo-0000.png", logo_source_key="organisation/logo/original-1111.png"
    )
    output = _reconcile("--tenant", "acme", "--delete", "--min-age-hours", "0")
    assert "2 objects, 2 rows, 0 orphans, 0 missing, 0 recent unnamed (kept), 0 deleted" in output
    assert _keys(bucket) == sorted([logo, source])
    # Globex has no logo: the same key under its prefix is an orphan there.
    theirs = _put(bucket, f"tenants/{globex.tenant.id}/organisation/logo/logo-0000.png")
    assert "1 orphans" in _reconcile("--tenant", "globex", "--min-age-hours", "0")
    assert theirs in _keys(bucket)


@pytest.mark.django_db
def test_reconcile_errors_say_what_to_do(acme: Signup, bucket: str) -> None:
    with pytest.raises(
        CommandError, match="No active or suspended organisation has the subdomain 'nope'.*tenants list"
    ):
        _reconcile("--tenant", "nope")
    storages._storages.clear()  # type: ignore[attr-defined]
    with (
        override_settings(AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{_closed_port()}"),
        pytest.raises(CommandError, match="check AWS_S3_ENDPOINT_URL.*--tenant SUBDOMAIN"),
    ):
        _reconcile("--tenant", "acme")
    storages._storages.clear()  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_reconcile_keeps_the_organisations_logo_and_never_lists_the_peoples_avatars(
    acme: Signup, bucket: str, scene: dict[str, str]
) -> None:
    """The logo's keys are named by the organisation's own row, not by a file or export: they are not orphans.
    Avatars are under the shared `accounts/` prefix, which no organisation's reconciliation lists."""
    a = f"tenants/{acme.tenant.id}/"
    logo = _put(bucket, a + "organisation/logo/logo-aaaa.png")
    logo_source = _put(bucket, a + "organisation/logo/original-bbbb.png")
    Tenant.objects.filter(pk=acme.tenant.pk).update(
        logo_key="organisation/logo/logo-aaaa.png", logo_source_key="organisation/logo/original-bbbb.png"
    )
    avatar = _put(bucket, f"accounts/{acme.user.pk}/avatar/avatar-cccc.png")
    old_logo = _put(bucket, a + "organisation/logo/logo-dddd.png")  # replaced, its deletion lost: an orphan
    output = _reconcile("--min-age-hours", "0", "--delete")
    assert f"[1/2] acme (tenants/{acme.tenant.id}/): 6 objects, 5 rows, 2 orphans, 1 missing" in output
    assert "avatar" not in output
    kept = sorted(v for k, v in scene.items() if k not in ("orphan", "globex_orphan"))
    assert _keys(bucket) == sorted([*kept, logo, logo_source, avatar])
    assert old_logo not in _keys(bucket)
