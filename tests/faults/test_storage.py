"""S3 cut or down under uploads and deletions (issue 12, item 7, and the S3 row of its table).

S3 is the run's real S3 server (moto) behind a TCP proxy the tests reset (tests/faults/s3_proxy.py):
- an upload whose part is cut answers 503 storage_unavailable, stores no row and no object, and aborts
  its own multipart upload; when S3 goes away altogether mid-upload, the upload left behind is aborted
  by the periodic cleanup once S3 is back;
- a deletion while S3 is down answers 204 with the row gone; a real worker retries the object's
  deletion with backoff and the object is gone once S3 is back, deleted once, nothing else touched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from shared_apps.accounts.signup import Signup
from tenant_apps.files.models import File
from tenant_apps.files.storage_consistency import stale_multipart_uploads_abort
from tenants.db import connection
from tests.helpers import error, eventually, login
from tests.plugins.s3 import s3_client

from .conftest import ACME_HOST, VENV_BIN, Stack, Web, _drop_namespaces, _wait_until_serving
from .s3_proxy import S3Proxy, s3_proxy
from .servers import Process, free_port, wait_for_port

pytestmark = pytest.mark.faults

BIG = 12 * 1024 * 1024  # over the 8 MB multipart threshold: a create, two parts, a complete
CUT_AFTER = 1024 * 1024  # a connection carrying more than this is reset: the parts, never the small calls


def _s3_port() -> int:
    port = urlsplit(settings.AWS_S3_ENDPOINT_URL).port
    assert port is not None
    return port


def _keys(bucket: str) -> list[str]:
    return sorted(item["Key"] for item in s3_client().list_objects_v2(Bucket=bucket).get("Contents", []))


def _uploads(bucket: str) -> list[str]:
    return sorted(u["Key"] for u in s3_client().list_multipart_uploads(Bucket=bucket).get("Uploads", []))


@pytest.fixture
def bucket() -> Iterator[str]:
    name = f"faults-storage-{uuid.uuid4().hex[:10]}"
    client = s3_client()
    client.create_bucket(Bucket=name)
    yield name
    for upload in client.list_multipart_uploads(Bucket=name).get("Uploads", []):
        client.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    for key in _keys(name):
        client.delete_object(Bucket=name, Key=key)
    client.delete_bucket(Bucket=name)


@contextlib.contextmanager
def _through(proxy: S3Proxy, bucket: str) -> Iterator[None]:
    """The app's storage in `bucket`, reached through `proxy`, for the block."""
    storages._storages.clear()  # type: ignore[attr-defined]  # built from the settings of the moment
    try:
        with override_settings(
            AWS_S3_ENDPOINT_URL=proxy.url, AWS_STORAGE_BUCKET_NAME=bucket, FILE_UPLOAD_MAX_BYTES=20 * 1024 * 1024
        ):
            yield
    finally:
        storages._storages.clear()  # type: ignore[attr-defined]


def _upload_big(acme: Signup) -> Any:
    token = login(acme.host, "owner@acme.test")["access"]
    client = Client(HTTP_HOST=acme.host, HTTP_AUTHORIZATION=f"Bearer {token}", raise_request_exception=False)
    return client.post("/api/v1/files/", {"file": SimpleUploadedFile("big.txt", b"z" * BIG, "text/plain")})


def _file_rows(acme: Signup) -> int:
    connection.set_tenant(acme.tenant)
    try:
        return File.objects.count()
    finally:
        connection.set_schema_to_public()


@pytest.mark.django_db
def test_an_upload_cut_midway_answers_503_and_aborts_its_own_multipart_upload(acme: Signup, bucket: str) -> None:
    with s3_proxy(_s3_port(), cut_after=CUT_AFTER) as proxy, _through(proxy, bucket):
        response = _upload_big(acme)
    assert response.status_code == 503, response.content
    assert error(response)["code"] == "storage_unavailable"
    assert proxy.cuts >= 2  # each part, retried once (AWS_S3_MAX_ATTEMPTS)
    assert _file_rows(acme) == 0
    assert _keys(bucket) == []
    assert _uploads(bucket) == []  # s3transfer aborted it: the abort is a small request, it went through


@pytest.mark.django_db
def test_an_upload_whose_s3_goes_away_midway_is_aborted_by_the_cleanup_once_s3_is_back(
    acme: Signup, bucket: str
) -> None:
    with s3_proxy(_s3_port(), cut_after=CUT_AFTER, down_after_cut=True) as proxy, _through(proxy, bucket):
        response = _upload_big(acme)
        assert proxy.refused >= 1  # the retries and the abort found S3 gone
    assert response.status_code == 503, response.content
    assert error(response)["code"] == "storage_unavailable"
    assert _file_rows(acme) == 0
    assert _keys(bucket) == []
    (left,) = _uploads(bucket)  # what the table saw: an incomplete multipart upload left in the bucket
    assert left.startswith(f"tenants/{acme.tenant.id}/files/") and left.endswith("/big.txt")

    with override_settings(AWS_STORAGE_BUCKET_NAME=bucket):  # S3 back (directly): the beat task's run
        assert stale_multipart_uploads_abort(older_than=timedelta(0)) == 1
    assert _uploads(bucket) == []
    assert _keys(bucket) == []


# ---- a deletion while S3 is down, with a real web server and worker --------------------------------------


@dataclasses.dataclass
class StorageStack:
    web: Web
    worker: Process
    proxy: S3Proxy
    tenant_id: str
    bucket: str


@pytest.fixture(scope="module")
def storage_stack(stack: Stack) -> Iterator[StorageStack]:
    """gunicorn and a worker on the group's PostgreSQL, with S3 through a proxy, on a queue of their own
    (the group's `worker` may be running: it must not take these tasks with its direct S3)."""
    run_id = f"storage{uuid.uuid4().hex[:8]}"
    with s3_proxy(_s3_port()) as proxy:
        env = {**stack.env, "TEST_RUN_ID": run_id, "AWS_S3_ENDPOINT_URL": proxy.url}
        port = free_port()
        web_env = {**env, "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4", "LOG_LEVEL": "WARNING"}
        web_command = [str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--bind",
                       f"127.0.0.1:{port}", "saas.wsgi:application"]  # fmt: skip
        web_process = Process(web_command, env=web_env, name="storage-web")
        worker_command = [
            sys.executable, "-m", "celery", "-A", "saas", "worker", "--pool=solo", "--loglevel=INFO",
            "--prefetch-multiplier=8", "-Q", f"test-{run_id}", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-n", f"{run_id}@%h",
        ]  # fmt: skip
        worker = Process(worker_command, env=env, name="storage-worker")
        try:
            wait_for_port(port, timeout=60, process=web_process.process)
            web = Web(port, web_process)
            _wait_until_serving(web)
            eventually(lambda: " ready." in worker.output(), timeout=60, what="the storage worker to start")
            (tenant_id,) = stack.query("SELECT id FROM tenants_tenant WHERE schema_name = %s", (stack.acme_schema,))[0]
            yield StorageStack(web, worker, proxy, str(tenant_id), str(env["AWS_STORAGE_BUCKET_NAME"]))
        finally:
            worker.cleanup()
            web_process.cleanup()
            _drop_namespaces(dataclasses.replace(stack, run_id=run_id, queue=f"test-{run_id}"))


def _upload(s: StorageStack, token: str, name: str) -> int:
    response = requests.post(
        f"http://127.0.0.1:{s.web.port}/api/v1/files/",
        headers={"Host": ACME_HOST, "Authorization": f"Bearer {token}"},
        files={"file": (name, f"content of {name}".encode(), "text/plain")},
        timeout=15,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_delete_while_s3_is_down_answers_204_and_a_worker_deletes_the_object_once_s3_is_back(
    stack: Stack, storage_stack: StorageStack
) -> None:
    s = storage_stack
    token = s.web.login()
    gone_id, kept_id = _upload(s, token, "gone.txt"), _upload(s, token, "kept.txt")
    keys = dict(stack.query("SELECT id, key FROM files_file", schema=stack.acme_schema))
    prefix = f"tenants/{s.tenant_id}/"
    gone, kept = prefix + keys[gone_id], prefix + keys[kept_id]
    # The same relative key under another organisation's prefix: the deletion must not reach it.
    elsewhere = f"tenants/{uuid.uuid4()}/{keys[gone_id]}"
    s3_client().put_object(Bucket=s.bucket, Key=elsewhere, Body=b"someone else's")
    failures_before = stack.query("SELECT count(*) FROM tenants_taskfailure")[0][0]
    try:
        s.proxy.down()
        refused_before = s.proxy.refused
        started = time.monotonic()
        response = s.web.request("DELETE", f"/api/v1/files/{gone_id}/", token=token)
        assert response.status_code == 204, response.text
        assert time.monotonic() - started < 5  # S3 is not waited on
        assert stack.query("SELECT id FROM files_file ORDER BY id", schema=stack.acme_schema) == [(kept_id,)]
        listed = s.web.request("GET", "/api/v1/files/", token=token).json()
        assert [f["id"] for f in listed["results"]] == [kept_id]

        # The worker takes the task, finds S3 gone, and retries with backoff: the object is still there.
        eventually(lambda: "Retry in" in s.worker.output(), timeout=30, what="the deletion to be retried")
        assert s.proxy.refused > refused_before
        assert gone in set(_keys(s.bucket))
    finally:
        s.proxy.up()

    eventually(lambda: gone not in set(_keys(s.bucket)), timeout=60, what="the object to go once S3 is back")
    assert {kept, elsewhere} <= set(_keys(s.bucket))
    assert stack.query("SELECT count(*) FROM tenants_outboxmessage")[0][0] == 0
    assert stack.query("SELECT count(*) FROM tenants_taskfailure")[0][0] == failures_before
    succeeded = re.findall(r"Task files\.object_delete\[([0-9a-f-]+)\] succeeded", s.worker.output())
    assert len(succeeded) == 1, s.worker.output()[-3000:]  # retried, and done exactly once
    s3_client().delete_object(Bucket=s.bucket, Key=elsewhere)
