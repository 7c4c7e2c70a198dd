"""The organisation's logo resized by the real Celery worker, stored in S3 (moto over HTTP), replaced and removed."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
import requests
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shared_apps.accounts.signup import Signup
from tenants.models import TaskFailure, Tenant
from tests.helpers import api, eventually, login
from tests.plugins.celery_worker import Worker
from tests.plugins.s3 import bucket_keys, s3_client

pytestmark = pytest.mark.usefixtures("live_db")

LOGO = "/api/v1/organisation/logo/"


def _image(width: int, height: int, fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color=(10, 120, 200)).save(out, format=fmt)
    return out.getvalue()


def _keys(signup: Signup) -> list[str]:
    return sorted(k for k in bucket_keys() if k.startswith(f"tenants/{signup.tenant.id}/organisation/logo/"))


def _stored(signup: Signup, key: str) -> Image.Image:
    body = s3_client().get_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=f"tenants/{signup.tenant.id}/{key}")
    return Image.open(io.BytesIO(body["Body"].read()))


@pytest.fixture
def clean_acme(acme: Signup) -> Iterator[None]:
    """acme is shared by every test and live_db keeps its row: put its logo columns and objects back."""
    yield
    Tenant.objects.filter(pk=acme.tenant.pk).update(logo_key="", logo_source_key="")
    for key in _keys(acme):
        s3_client().delete_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key)
    TaskFailure.objects.filter(tenant_id=acme.tenant.id).delete()


def test_the_worker_resizes_replaces_and_removes_the_logo(
    acme: Signup, celery_worker: Worker, clean_acme: None
) -> None:
    client = api(acme.host, login(acme.host, acme.user.email)["access"])
    sent = client.post(LOGO, {"file": SimpleUploadedFile("wide.png", _image(1000, 500, "PNG"), "image/png")})
    assert sent.status_code == 202, sent.content

    def logo_key() -> str:
        row = Tenant.objects.get(pk=acme.tenant.pk)
        return row.logo_key if row.logo_key and not row.logo_source_key else ""

    first = eventually(logo_key, what="the resized logo")
    image = _stored(acme, first)
    assert (image.format, image.size) == ("PNG", (256, 128))
    # The original goes once the copy is served: only the copy is left under the prefix.
    eventually(lambda: _keys(acme) == [f"tenants/{acme.tenant.id}/{first}"], what="the original deleted")

    # logoUrl is a presigned link that serves the copy itself.
    url = client.get("/api/v1/organisation/").json()["logoUrl"]
    downloaded = requests.get(url, timeout=10)
    assert downloaded.status_code == 200
    assert Image.open(io.BytesIO(downloaded.content)).size == (256, 128)

    # A new upload replaces it (a tall JPEG, bounded by its height) and the old copy goes.
    sent = client.post(LOGO, {"file": SimpleUploadedFile("tall.jpg", _image(100, 300, "JPEG"), "image/jpeg")})
    assert sent.status_code == 202, sent.content
    assert sent.json()["logoUrl"] is not None  # the previous logo until the new one is ready
    second = eventually(lambda: (key := logo_key()) != first and key, what="the second logo")
    assert (_stored(acme, second).format, _stored(acme, second).size) == ("PNG", (85, 256))
    eventually(lambda: _keys(acme) == [f"tenants/{acme.tenant.id}/{second}"], what="the first logo deleted")

    assert client.delete(LOGO).status_code == 204
    assert client.get("/api/v1/organisation/").json()["logoUrl"] is None
    eventually(lambda: _keys(acme) == [], what="the logo's objects deleted")
    assert not TaskFailure.objects.filter(tenant_id=acme.tenant.id).exists()
