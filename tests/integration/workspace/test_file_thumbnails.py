"""Issue 16: thumbnails of uploaded images (tenant_apps/files/thumbnails.py), made by a tenant task with Pillow
and stored in S3 (moto over HTTP) under the organisation's prefix; none for anything else; deleted with the
file; out of another organisation's reach."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shared_apps.accounts.signup import Signup
from tenant_apps.files.models import File
from tenant_apps.files.tasks import file_object_delete_task, file_thumbnail_make_task
from tenants.db import connection
from tenants.models import OutboxMessage, TaskFailure
from tenants.storage import tenant_storage
from tests.helpers import api, eventually, login
from tests.plugins.celery_worker import Worker
from tests.plugins.s3 import bucket_keys, s3_client

FILES = "/api/v1/files/"
THUMBNAIL_KEY = re.compile(r"^files/thumbnails/[0-9a-f]{32}\.webp$")


def _image(width: int, height: int, fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color=(10, 120, 200)).save(out, format=fmt)
    return out.getvalue()


def _upload(signup: Signup, token: str, name: str, content: bytes, ctype: str) -> dict[str, Any]:
    response = api(signup.host, token).post(FILES, {"file": SimpleUploadedFile(name, content, content_type=ctype)})
    assert response.status_code == 201, response.content
    return dict(response.json())


def _row(signup: Signup, file_id: int) -> File:
    connection.set_tenant(signup.tenant)
    try:
        return File.objects.get(pk=file_id)
    finally:
        connection.set_schema_to_public()


def _in_schema(signup: Signup, work: Callable[[], Any]) -> Any:
    """What the worker does: the base class has switched to the tenant's schema before the task runs."""
    connection.set_tenant(signup.tenant)
    try:
        return work()
    finally:
        connection.set_schema_to_public()


def _files_keys(signup: Signup) -> set[str]:
    return {k for k in bucket_keys() if k.startswith(f"tenants/{signup.tenant.id}/files/")}


def _stored(full_key: str) -> bytes:
    return bytes(s3_client().get_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=full_key)["Body"].read())


@pytest.fixture(autouse=True)
def _no_objects_left(acme: Signup, globex: Signup) -> Iterator[None]:
    """Rows roll back (or live_db empties the tables), objects would stay: remove the ones a test added, so
    later tests (storage consistency, test_files' whole-bucket check) find the prefixes as they were."""
    before = _files_keys(acme) | _files_keys(globex)
    yield
    for key in (_files_keys(acme) | _files_keys(globex)) - before:
        s3_client().delete_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key)


@pytest.fixture
def owner(acme: Signup) -> str:
    return str(login(acme.host, acme.user.email)["access"])


def _thumbnail_messages(signup: Signup) -> list[dict[str, Any]]:
    return [
        m.kwargs
        for m in OutboxMessage.objects.filter(task_name="files.thumbnail_make", schema_name=signup.tenant.schema_name)
    ]


# ---- with the real worker -----------------------------------------------------------------------------


def test_the_worker_makes_bounded_thumbnails_served_like_downloads_and_deleted_with_their_files(
    live_db: None, celery_worker: Worker, acme: Signup
) -> None:
    token = login(acme.host, acme.user.email)["access"]
    client = api(acme.host, token)
    done_before = celery_worker.output().count("files.thumbnail_make[")
    wide = _upload(acme, token, "wide.png", _image(1000, 500, "PNG"), "image/png")
    tall = _upload(acme, token, "tall.jpg", _image(300, 600, "JPEG"), "image/jpeg")
    # By content, not by name: a WebP sent as text is an image; bytes that only start like a PNG are not.
    disguised = _upload(acme, token, "notes.txt", _image(64, 32, "WEBP"), "text/plain")
    damaged = _upload(acme, token, "broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50, "image/png")
    assert [f["thumbnailUrl"] for f in (wide, tall, disguised, damaged)] == [None] * 4  # until the worker ran

    def finished() -> bool:  # Celery logs each task once as received and once as succeeded (or failed)
        return celery_worker.output().count("files.thumbnail_make[") - done_before >= 8

    eventually(finished, what="the four thumbnail tasks")
    assert not TaskFailure.objects.filter(tenant_id=acme.tenant.id).exists()  # the damaged one too: no error

    sizes = {}
    for file, name in ((wide, "wide"), (tall, "tall"), (disguised, "notes")):
        url = client.get(f"{FILES}{file['id']}/").json()["thumbnailUrl"]
        assert url is not None, name
        served = requests.get(url, timeout=10)
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/webp"
        assert served.headers["Content-Disposition"] == f'attachment; filename="{name}-thumbnail.webp"'
        image = Image.open(io.BytesIO(served.content))
        sizes[name] = (image.format, image.size)
    assert sizes == {"wide": ("WEBP", (256, 128)), "tall": ("WEBP", (128, 256)), "notes": ("WEBP", (64, 32))}
    assert client.get(f"{FILES}{damaged['id']}/").json()["thumbnailUrl"] is None
    listed = {f["id"]: f["thumbnailUrl"] is not None for f in client.get(FILES).json()["results"]}
    assert listed == {wide["id"]: True, tall["id"]: True, disguised["id"]: True, damaged["id"]: False}

    # The thumbnail is an object of its own under acme's prefix, and goes with its file.
    row = _row(acme, wide["id"])
    assert THUMBNAIL_KEY.match(row.thumbnail_key), row.thumbnail_key
    both = {f"tenants/{acme.tenant.id}/{row.key}", f"tenants/{acme.tenant.id}/{row.thumbnail_key}"}
    assert both <= set(bucket_keys())
    assert client.delete(f"{FILES}{wide['id']}/").status_code == 204
    eventually(lambda: not both & set(bucket_keys()), what="the file's and its thumbnail's objects deleted")
    others = {_row(acme, f["id"]).thumbnail_key for f in (tall, disguised)}
    assert {f"tenants/{acme.tenant.id}/{k}" for k in others} <= set(bucket_keys())  # the others' stay
    assert not TaskFailure.objects.filter(tenant_id=acme.tenant.id).exists()


# ---- the upload and the task, step by step ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "ctype"),
    [
        ("report.pdf", b"%PDF-1.4 hello", "application/pdf"),
        ("fake.png", b"not an image at all", "image/png"),  # named and typed as an image: not one
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "text/plain"),
        ("tiny.gif", b"GIF8", "image/gif"),  # shorter than any signature
    ],
)
def test_a_file_whose_bytes_are_no_image_gets_no_thumbnail_task_and_null(
    acme: Signup, owner: str, name: str, content: bytes, ctype: str
) -> None:
    body = _upload(acme, owner, name, content, ctype)
    assert body["thumbnailUrl"] is None
    assert api(acme.host, owner).get(f"{FILES}{body['id']}/").json()["thumbnailUrl"] is None
    assert _thumbnail_messages(acme) == []
    assert _row(acme, body["id"]).thumbnail_key == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "fmt", "ctype"),
    [("a.png", "PNG", "image/png"), ("a.jpg", "JPEG", "image/jpeg"), ("a.gif", "GIF", "image/gif"),
     ("a.webp", "WEBP", "image/webp"), ("a.txt", "PNG", "text/plain")],
)  # fmt: skip
def test_an_image_queues_one_thumbnail_task_with_its_row(
    acme: Signup, owner: str, name: str, fmt: str, ctype: str
) -> None:
    body = _upload(acme, owner, name, _image(10, 10, fmt), ctype)
    row = _row(acme, body["id"])
    assert _thumbnail_messages(acme) == [{"tenant_id": str(acme.tenant.id), "file_id": row.pk, "key": row.key}]


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 megapixels in a few kilobytes
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,  # a signature, then nothing readable
        _image(300, 300, "JPEG")[:400],  # truncated
        _bomb(),  # more pixels than tenants.images accepts: never decoded
    ],
)
def test_an_undecodable_image_gets_no_thumbnail_and_the_task_succeeds(acme: Signup, owner: str, content: bytes) -> None:
    body = _upload(acme, owner, "photo.png", content, "image/png")
    (kwargs,) = _thumbnail_messages(acme)
    before = _files_keys(acme)  # the upload's own object included
    assert _in_schema(acme, lambda: file_thumbnail_make_task(**kwargs)) is None  # no exception: nothing to retry
    assert _row(acme, body["id"]).thumbnail_key == ""
    assert _files_keys(acme) == before  # nothing stored
    assert api(acme.host, owner).get(f"{FILES}{body['id']}/").json()["thumbnailUrl"] is None


@pytest.mark.django_db
def test_the_task_is_idempotent_and_a_delete_queues_both_objects(
    acme: Signup, owner: str, django_capture_on_commit_callbacks: Any
) -> None:
    before = _files_keys(acme)  # what earlier tests' rolled-back uploads left
    body = _upload(acme, owner, "photo.webp", _image(512, 512, "WEBP"), "image/webp")
    (kwargs,) = _thumbnail_messages(acme)
    _in_schema(acme, lambda: file_thumbnail_make_task(**kwargs))
    row = _row(acme, body["id"])
    thumbnail = f"tenants/{acme.tenant.id}/{row.thumbnail_key}"
    assert Image.open(io.BytesIO(_stored(thumbnail))).size == (256, 256)
    _in_schema(acme, lambda: file_thumbnail_make_task(**kwargs))  # a redelivery: nothing new
    assert _row(acme, body["id"]).thumbnail_key == row.thumbnail_key
    assert _files_keys(acme) - before == {f"tenants/{acme.tenant.id}/{row.key}", thumbnail}

    with django_capture_on_commit_callbacks(execute=False):
        assert api(acme.host, owner).delete(f"{FILES}{body['id']}/").status_code == 204
    deletions = list(OutboxMessage.objects.filter(task_name="files.object_delete"))
    assert sorted(m.kwargs["key"] for m in deletions) == sorted([row.key, row.thumbnail_key])
    assert {m.kwargs["tenant_id"] for m in deletions} == {str(acme.tenant.id)}
    for message in deletions:
        file_object_delete_task(**message.kwargs)
    assert _files_keys(acme) == before
    # The task for a file deleted meanwhile makes nothing.
    assert _in_schema(acme, lambda: file_thumbnail_make_task(**kwargs)) is None
    assert _files_keys(acme) == before


@pytest.mark.django_db
def test_a_thumbnail_made_while_its_file_was_deleted_is_deleted_again(
    acme: Signup, owner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tenant_apps.files import thumbnails

    body = _upload(acme, owner, "photo.png", _image(40, 40, "PNG"), "image/png")
    (kwargs,) = _thumbnail_messages(acme)
    real = thumbnails.image_bounded

    def deleted_meanwhile(*args: Any, **kw: Any) -> bytes:
        File.objects.filter(pk=body["id"]).delete()  # the file's deletion, between the decode and the save
        return real(*args, **kw)

    monkeypatch.setattr(thumbnails, "image_bounded", deleted_meanwhile)
    assert _in_schema(acme, lambda: file_thumbnail_make_task(**kwargs)) is None
    (message,) = OutboxMessage.objects.filter(task_name="files.object_delete")
    orphan = message.kwargs["key"]
    assert THUMBNAIL_KEY.match(orphan)
    assert f"tenants/{acme.tenant.id}/{orphan}" in bucket_keys()
    file_object_delete_task(**message.kwargs)
    assert f"tenants/{acme.tenant.id}/{orphan}" not in bucket_keys()


@pytest.mark.django_db
def test_another_organisation_cannot_reach_the_thumbnail(acme: Signup, globex: Signup, owner: str) -> None:
    body = _upload(acme, owner, "secret.png", _image(300, 100, "PNG"), "image/png")
    (kwargs,) = _thumbnail_messages(acme)
    _in_schema(acme, lambda: file_thumbnail_make_task(**kwargs))
    key = _row(acme, body["id"]).thumbnail_key

    # The object is under acme's prefix only; resolved from globex's storage root the same key is nothing.
    assert [k for k in bucket_keys() if k.endswith(key)] == [f"tenants/{acme.tenant.id}/{key}"]
    assert tenant_storage(acme.tenant).exists(key)
    assert not tenant_storage(globex.tenant).exists(key)
    url = api(acme.host, owner).get(f"{FILES}{body['id']}/").json()["thumbnailUrl"]
    assert f"tenants/{acme.tenant.id}/{key}" in url and str(globex.tenant.id) not in url
    assert Image.open(io.BytesIO(requests.get(url, timeout=10).content)).size == (256, 85)

    # Globex's owner reaches no link to it: not in its list, 404 by id, and its token is refused on acme's host.
    globex_token = login(globex.host, "owner@globex.test")["access"]
    globex_client = api(globex.host, globex_token)
    assert globex_client.get(FILES).json()["count"] == 0
    assert globex_client.get(f"{FILES}{body['id']}/").status_code == 404
    assert api(acme.host, globex_token).get(f"{FILES}{body['id']}/").status_code == 401
    # A globex task naming acme's file id and key finds no such row in globex's schema and makes nothing.
    before = bucket_keys()
    globex_kwargs = {**kwargs, "tenant_id": str(globex.tenant.id)}
    assert _in_schema(globex, lambda: file_thumbnail_make_task(**globex_kwargs)) is None
    assert bucket_keys() == before
