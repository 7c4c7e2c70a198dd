"""Issue 16: a person's avatar: PUT/DELETE /api/v1/me/avatar/, checked like the organisation logo, stored under
the shared `accounts/` prefix (never an organisation's), resized by the real Celery worker in the public
schema, served through /me's `avatarUrl` to that person only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.conf import settings
from django.core import signing
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.test.client import encode_multipart
from PIL import Image

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from tenants.models import OutboxMessage, TaskFailure
from tests.conftest import Team
from tests.helpers import api, error, eventually, login
from tests.plugins.celery_worker import Worker
from tests.plugins.s3 import bucket_keys, s3_client

AVATAR = "/api/v1/me/avatar/"
ME = "/api/v1/me/"


def image(width: int = 40, height: int = 20, fmt: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), color=0 if mode in ("1", "L") else (30, 160, 90)).save(out, format=fmt)
    return out.getvalue()


# Django's test client encodes a dict as multipart for POST only; PUT gets the same body by hand.
_BOUNDARY = "BoUnDaRyavatar"
_MULTIPART = f"multipart/form-data; boundary={_BOUNDARY}"


def _encode(data: dict[str, Any]) -> bytes:
    return encode_multipart(_BOUNDARY, data)


def upload(host: str, token: str | None, content: bytes, name: str = "me.png", ctype: str = "image/png") -> Any:
    body = _encode({"image": SimpleUploadedFile(name, content, content_type=ctype)})
    return api(host, token).put(AVATAR, body, content_type=_MULTIPART)


def account_keys(user: User) -> list[str]:
    return sorted(k for k in bucket_keys() if k.startswith(f"accounts/{user.pk}/"))


def stored(key: str) -> Image.Image:
    body = s3_client().get_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=f"accounts/{key}")
    return Image.open(io.BytesIO(body["Body"].read()))


def _remove_objects(users: list[User]) -> None:
    for user in users:
        for key in account_keys(user):
            s3_client().delete_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key)


@pytest.fixture
def _no_objects_left(acme: Signup, globex: Signup) -> Iterator[None]:
    """Rows roll back, stored objects would not: remove what a test put under the people's prefixes."""
    yield
    _remove_objects([acme.user, globex.user])


# ---- the request: checks, storage, queueing (no worker) -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_objects_left")
def test_an_upload_stores_the_original_under_the_accounts_prefix_and_queues_the_resize(acme: Signup) -> None:
    response = upload(acme.host, login(acme.host, acme.user.email)["access"], image())
    assert response.status_code == 202, response.content
    assert response.json()["avatarUrl"] is None  # until the worker has made the copy
    assert response.json()["email"] == "owner@acme.test"  # /me's body
    user = User.objects.get(pk=acme.user.pk)
    assert user.avatar_key == ""
    key = user.avatar_source_key
    assert key.startswith(f"{acme.user.pk}/avatar/original-") and key.endswith(".png")
    assert account_keys(acme.user) == [f"accounts/{key}"]
    assert not [k for k in bucket_keys() if k.startswith("tenants/") and "avatar" in k]  # never an organisation's
    message = OutboxMessage.objects.get(task_name="accounts.avatar_resize")
    assert (message.schema_name, message.kwargs) == ("public", {"user_id": acme.user.pk, "source_key": key})
    entry = AuditLog.objects.get(action="account.avatar_uploaded")
    assert (entry.actor_id, entry.tenant_id, entry.target_id, entry.extra) == (
        acme.user.id,
        acme.tenant.id,
        str(acme.user.id),
        {"format": "PNG", "width": 40, "height": 20, "size": len(image())},
    )


ACCEPTED = "Images must be one of GIF, JPEG, PNG, WEBP."


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 megapixels in a few kilobytes
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_objects_left")
@pytest.mark.parametrize(
    ("content", "name", "ctype", "code", "detail"),
    [
        (b"this is not an image", "me.png", "image/png", "not_an_image", "This file is not an image that can be read."),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "me.svg",
            "image/svg+xml",
            "not_an_image",
            "This file is not an image that can be read.",
        ),
        (image()[:60], "me.png", "image/png", "not_an_image", "This image is damaged or truncated."),
        (
            image(fmt="BMP"),
            "me.bmp",
            "image/bmp",
            "unsupported_image_type",
            "Images must be one of GIF, JPEG, PNG, WEBP.",
        ),
        (_bomb(), "bomb.png", "image/png", "image_too_large", "Images can have at most 40,000,000 pixels."),
        (b"", "empty.png", "image/png", "empty", "The submitted file is empty."),  # DRF's FileField says so first
    ],
)
def test_what_is_not_an_accepted_image_is_refused_and_nothing_is_stored(
    acme: Signup, content: bytes, name: str, ctype: str, code: str, detail: str
) -> None:
    response = upload(acme.host, login(acme.host, acme.user.email)["access"], content, name, ctype)
    assert response.status_code == 400, response.content
    assert error(response) == {"code": code, "detail": detail, "attr": "image"}
    assert account_keys(acme.user) == []
    user = User.objects.get(pk=acme.user.pk)
    assert (user.avatar_key, user.avatar_source_key) == ("", "")
    assert not OutboxMessage.objects.filter(task_name="accounts.avatar_resize").exists()
    assert not AuditLog.objects.filter(action="account.avatar_uploaded").exists()


@pytest.mark.django_db
def test_an_oversized_file_is_refused_in_the_requests_language(acme: Signup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shared_apps.accounts.avatars.AVATAR_MAX_BYTES", 100)
    token = login(acme.host, acme.user.email)["access"]
    response = upload(acme.host, token, image(200, 200))
    assert response.status_code == 400
    assert error(response) == {"code": "too_large", "detail": "An avatar can be at most 100\xa0bytes.", "attr": "image"}
    body = _encode({"image": SimpleUploadedFile("me.png", image(200, 200), content_type="image/png")})
    french = api(acme.host, token).put(AVATAR, body, content_type=_MULTIPART, HTTP_ACCEPT_LANGUAGE="fr")
    assert error(french)["detail"] == "Un avatar ne peut pas dépasser 100\xa0octets."
    assert User.objects.get(pk=acme.user.pk).avatar_source_key == ""


@pytest.mark.django_db
def test_a_missing_image_field_or_a_json_body_is_named(acme: Signup) -> None:
    client = api(acme.host, login(acme.host, acme.user.email)["access"])
    missing = client.put(AVATAR, _encode({"other": "x"}), content_type=_MULTIPART)
    assert missing.status_code == 400
    assert (error(missing)["attr"], error(missing)["code"]) == ("image", "required")
    json_body = client.put(AVATAR, {"image": "x"}, content_type="application/json")
    assert json_body.status_code == 415
    assert error(json_body)["code"] == "unsupported_media_type"


@pytest.mark.django_db
def test_only_a_member_signed_in_here_may_upload(acme: Signup, globex: Signup) -> None:
    assert upload(acme.host, None, image()).status_code == 401
    assert upload(acme.host, login(globex.host, globex.user.email)["access"], image()).status_code == 401
    assert api(acme.host).delete(AVATAR).status_code == 401
    assert account_keys(acme.user) == account_keys(globex.user) == []


@pytest.mark.django_db
def test_removing_no_avatar_is_a_no_op(acme: Signup) -> None:
    assert api(acme.host, login(acme.host, acme.user.email)["access"]).delete(AVATAR).status_code == 204
    assert not AuditLog.objects.filter(action="account.avatar_removed").exists()
    assert not OutboxMessage.objects.filter(task_name="accounts.avatar_objects_delete").exists()


@pytest.mark.django_db
def test_the_avatar_url_names_that_persons_object_only(acme: Signup, globex: Signup, team: Team) -> None:
    User.objects.filter(pk=acme.user.pk).update(avatar_key=f"{acme.user.pk}/avatar/avatar-x.png")
    url = api(acme.host, login(acme.host, acme.user.email)["access"]).get(ME).json()["avatarUrl"]
    assert f"/accounts/{acme.user.pk}/avatar/avatar-x.png?" in url
    assert "tenants/" not in url
    # Someone else's /me, here or in another organisation, is not given it.
    for host, email in ((acme.host, team.member.email), (globex.host, globex.user.email)):
        assert api(host, login(host, email)["access"]).get(ME).json()["avatarUrl"] is None


@pytest.mark.django_db
def test_deleting_an_account_queues_the_deletion_of_its_avatar_objects_with_it(acme: Signup) -> None:
    keys = [f"{acme.user.pk}/avatar/avatar-a.png", f"{acme.user.pk}/avatar/original-b.png"]
    with_avatar = User.objects.create(email="gone@example.test", avatar_key=keys[0], avatar_source_key=keys[1])
    without = User.objects.create(email="plain@example.test")
    before = set(OutboxMessage.objects.values_list("pk", flat=True))

    without.delete()
    assert not OutboxMessage.objects.exclude(pk__in=before).exists()  # nothing stored, nothing to delete
    with_avatar.delete()
    queued = OutboxMessage.objects.exclude(pk__in=before)
    assert [(m.task_name, m.kwargs, m.schema_name) for m in queued] == [
        ("accounts.avatar_objects_delete", {"keys": keys}, "public")
    ]


@pytest.mark.django_db
def test_a_delete_rolled_back_keeps_the_avatar_and_queues_nothing(acme: Signup) -> None:
    user = User.objects.create(email="kept@example.test", avatar_key=f"{acme.user.pk}/avatar/avatar-c.png")
    pk, before = user.pk, OutboxMessage.objects.count()

    def delete_then_fail() -> None:
        with transaction.atomic():
            user.delete()
            raise RuntimeError("the operator's change failed")

    with pytest.raises(RuntimeError):
        delete_then_fail()
    assert OutboxMessage.objects.count() == before
    assert User.objects.get(pk=pk).avatar_key == f"{acme.user.pk}/avatar/avatar-c.png"


# ---- the worker: resized, replaced, removed -----------------------------------------------------------------


@pytest.fixture
def clean_owner(acme: Signup, globex: Signup) -> Iterator[None]:
    """acme's owner is shared by every test and live_db keeps its row: put its avatar back to none."""
    yield
    User.objects.filter(pk__in=[acme.user.pk, globex.user.pk]).update(avatar_key="", avatar_source_key="")
    _remove_objects([acme.user, globex.user])
    TaskFailure.objects.filter(task_name__startswith="accounts.avatar").delete()


@pytest.mark.usefixtures("live_db")
def test_the_worker_resizes_replaces_and_removes_the_avatar(
    acme: Signup, globex: Signup, celery_worker: Worker, clean_owner: None
) -> None:
    token = login(acme.host, acme.user.email)["access"]
    client = api(acme.host, token)
    sent = upload(acme.host, token, image(1000, 500, "PNG"), "wide.png")
    assert sent.status_code == 202, sent.content

    def avatar_key() -> str:
        row = User.objects.get(pk=acme.user.pk)
        return row.avatar_key if row.avatar_key and not row.avatar_source_key else ""

    first = eventually(avatar_key, what="the resized avatar")
    assert first.startswith(f"{acme.user.pk}/avatar/avatar-") and first.endswith(".png")
    assert (stored(first).format, stored(first).size) == ("PNG", (256, 128))
    # The original goes once the copy is served: only the copy is left under the person's prefix.
    eventually(lambda: account_keys(acme.user) == [f"accounts/{first}"], what="the original deleted")

    # avatarUrl is a presigned link that serves the copy itself.
    url = client.get(ME).json()["avatarUrl"]
    downloaded = requests.get(url, timeout=10)
    assert downloaded.status_code == 200
    assert Image.open(io.BytesIO(downloaded.content)).size == (256, 128)
    # Another person's /me, in this organisation or another, still has none.
    assert api(globex.host, login(globex.host, globex.user.email)["access"]).get(ME).json()["avatarUrl"] is None

    # A new upload replaces it (a tall JPEG, bounded by its height) and the old copy goes.
    sent = upload(acme.host, token, image(100, 300, "JPEG"), "tall.jpg", "image/jpeg")
    assert sent.status_code == 202, sent.content
    assert sent.json()["avatarUrl"] is not None  # the previous avatar until the new one is ready
    second = eventually(lambda: (key := avatar_key()) != first and key, what="the second avatar")
    assert (stored(second).format, stored(second).size) == ("PNG", (85, 256))
    eventually(lambda: account_keys(acme.user) == [f"accounts/{second}"], what="the first avatar deleted")

    assert client.delete(AVATAR).status_code == 204
    assert client.get(ME).json()["avatarUrl"] is None
    eventually(lambda: account_keys(acme.user) == [], what="the avatar's objects deleted")
    assert not TaskFailure.objects.filter(task_name__startswith="accounts.avatar").exists()


@pytest.fixture
def filesystem_storage(tmp_path: Any) -> Iterator[Any]:
    """Development's storage (no bucket): files under a directory, served by /api/v1/downloads/."""
    backend = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    storages._storages.clear()  # type: ignore[attr-defined]  # built from the settings of the moment
    with override_settings(STORAGES={**settings.STORAGES, "default": backend}):
        yield tmp_path
    storages._storages.clear()  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_in_development_the_avatar_is_served_by_a_signed_download_link(
    acme: Signup, globex: Signup, filesystem_storage: Any
) -> None:
    (filesystem_storage / "accounts" / str(acme.user.pk) / "avatar").mkdir(parents=True)
    (filesystem_storage / "accounts" / str(acme.user.pk) / "avatar" / "avatar-x.png").write_bytes(image(30, 10))
    User.objects.filter(pk=acme.user.pk).update(avatar_key=f"{acme.user.pk}/avatar/avatar-x.png")
    url = api(acme.host, login(acme.host, acme.user.email)["access"]).get(ME).json()["avatarUrl"]
    assert url.startswith("/api/v1/downloads/?token=")
    served = api(acme.host).get(url)  # the token is the credential, like a presigned URL
    assert served.status_code == 200
    assert served["Content-Disposition"] == 'attachment; filename="avatar.png"'
    assert Image.open(io.BytesIO(served.getvalue())).size == (30, 10)
    # A tampered token names nothing; even a validly signed organisation token cannot reach the accounts prefix.
    assert api(acme.host).get(url[:-2] + "xx").status_code == 404
    forged = signing.dumps({"t": str(acme.tenant.id), "k": f"../../accounts/{acme.user.pk}/avatar/avatar-x.png",
                            "n": "a.png"}, salt="tenants.storage.download")  # fmt: skip
    assert api(acme.host).get(f"/api/v1/downloads/?token={forged}").status_code == 404
