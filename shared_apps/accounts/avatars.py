"""A person's avatar (PUT/DELETE /api/v1/me/avatar/), done as the organisation logo is
(shared_apps/memberships/organisation.py): the upload is checked to be an image (tenants/images.py), its
original stored, and a task (shared_apps/accounts/tasks.py, in the public schema) makes the bounded copy
that is served; the newest upload wins (`User.avatar_source_key`). Old objects are deleted by a task queued
through the outbox with the change that made them old.

An account belongs to no one organisation, so its objects are under the shared `accounts/` prefix
(tenants/storage.py), at `accounts/<user id>/avatar/...`: never under an organisation's prefix, so deleting
an organisation (which purges its prefix) or reconciling its storage (which lists it) leaves them alone.
"""

from __future__ import annotations

import io
import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from tenants.images import ImageRefusedError, image_bounded, image_upload_inspect
from tenants.models import Tenant
from tenants.outbox import outbox_enqueue
from tenants.storage import shared_download_url, shared_storage

from .models import User

logger = logging.getLogger(__name__)

AVATAR_MAX_BYTES = 5 * 1024 * 1024  # as the organisation logo's
AVATAR_MAX_SIDE = 256  # pixels, the longer side of the copy served
AVATAR_PREFIX = "accounts"  # tenants/storage.py SHARED_PREFIXES
AVATAR_FIELD = "image"  # the multipart field, named in every refusal


def _field_error(message: str, code: str) -> ValidationError:
    return ValidationError({AVATAR_FIELD: [ValidationError(message, code=code)]})


def avatar_storage() -> Storage:
    return shared_storage(AVATAR_PREFIX)


def _avatar_dir(user_id: int) -> str:
    return f"{user_id}/avatar"


def _locked(user: User) -> User:
    # FOR NO KEY UPDATE: a sign-in or refresh inserting a token (whose foreign key takes KEY SHARE on this row)
    # is not held up while the avatar changes.
    return User.objects.select_for_update(no_key=True).get(pk=user.pk)


def _objects_delete_enqueue(keys: list[str]) -> None:
    from .tasks import avatar_objects_delete_task

    outbox_enqueue(avatar_objects_delete_task.name, kwargs={"keys": keys})


def avatar_url(user: User) -> str | None:
    """A short-lived URL of the avatar served (the resized copy), or None when there is none yet."""
    if not user.avatar_key:
        return None
    return shared_download_url(prefix=AVATAR_PREFIX, key=user.avatar_key, filename="avatar.png")


def avatar_upload(*, user: User, upload: UploadedFile, tenant: Tenant | None = None, ip: str | None = None) -> User:
    """Check and store the original; the resize task sets the avatar once it has made the copy. Refusals are
    400s naming `image`, and leave nothing stored. `tenant`: where the person did it (the audit entry's)."""
    from .tasks import avatar_resize_task

    try:
        too_large = _("An avatar can be at most %(limit)s.")
        info = image_upload_inspect(upload, max_bytes=AVATAR_MAX_BYTES, too_large=too_large)
    except ImageRefusedError as exc:
        raise _field_error(exc.message, exc.code) from exc

    storage = avatar_storage()
    key = storage.save(f"{_avatar_dir(user.pk)}/original-{uuid.uuid4().hex}.{info.extension}", upload)
    try:
        with transaction.atomic():
            locked = _locked(user)
            locked.avatar_source_key = key
            locked.save(update_fields=["avatar_source_key"])
            audit_record(action="account.avatar_uploaded", actor=locked, tenant=tenant, target=locked, ip=ip,
                         extra={"format": info.format, "width": info.width, "height": info.height,
                                "size": upload.size})  # fmt: skip
            outbox_enqueue(avatar_resize_task.name, kwargs={"user_id": locked.pk, "source_key": key})
    except Exception:
        storage.delete(key)  # no orphan object when the change cannot be written
        raise
    return locked


def avatar_resize(*, user_id: int, source_key: str) -> str | None:
    """The task's work: make the served copy of `source_key` and make it the avatar, unless a newer upload
    or a removal came first (or the account is gone). Returns the new avatar key, or None. Idempotent: a
    redelivered message finds its source no longer pending and only deletes it (again)."""
    storage = avatar_storage()
    if not User.objects.filter(pk=user_id, avatar_source_key=source_key).exists():
        storage.delete(source_key)  # superseded or removed: nothing to make
        return None
    with storage.open(source_key, "rb") as handle:
        original = io.BytesIO(handle.read(AVATAR_MAX_BYTES + 1))
    try:
        data = image_bounded(original, max_side=AVATAR_MAX_SIDE, output="PNG")
    except ImageRefusedError as exc:
        # Checked at upload, so only a file Pillow reads the header of but cannot decode gets here: drop it
        # (the previous avatar stays) rather than retry what will fail again.
        logger.warning("user %s: avatar %s cannot be resized: %s", user_id, source_key, exc.code)
        with transaction.atomic():
            User.objects.filter(pk=user_id, avatar_source_key=source_key).update(avatar_source_key="")
        storage.delete(source_key)
        return None
    key = storage.save(f"{_avatar_dir(user_id)}/avatar-{uuid.uuid4().hex}.png", ContentFile(data))
    with transaction.atomic():
        locked = User.objects.select_for_update(no_key=True).filter(pk=user_id).first()
        if locked is None or locked.avatar_source_key != source_key:  # a newer upload or a removal meanwhile
            stale, made = [key, source_key], None
        else:
            stale = [source_key, *([locked.avatar_key] if locked.avatar_key else [])]
            locked.avatar_key, locked.avatar_source_key, made = key, "", key
            locked.save(update_fields=["avatar_key", "avatar_source_key"])
        _objects_delete_enqueue(stale)
    return made


def avatar_remove(*, user: User, tenant: Tenant | None = None, ip: str | None = None) -> None:
    """No avatar any more (also stops a resize in progress from setting one). Its objects are deleted by a
    task queued with the change; removing no avatar is a no-op."""
    with transaction.atomic():
        locked = _locked(user)
        keys = [key for key in (locked.avatar_key, locked.avatar_source_key) if key]
        if not keys:
            return
        locked.avatar_key = locked.avatar_source_key = ""
        locked.save(update_fields=["avatar_key", "avatar_source_key"])
        audit_record(action="account.avatar_removed", actor=locked, tenant=tenant, target=locked, ip=ip)
        _objects_delete_enqueue(keys)


def _account_deleted(sender: type[User], instance: User, **kwargs: object) -> None:
    """An account deleted by any path (the operator's admin, a shell, a cascade) takes its avatar objects with
    it: the task deleting them is queued in the same transaction as the delete, so a rolled-back delete
    leaves them, and a committed one never leaves them in storage with no row naming them."""
    keys = [key for key in (instance.avatar_key, instance.avatar_source_key) if key]
    if keys:
        _objects_delete_enqueue(keys)


def connect() -> None:
    post_delete.connect(_account_deleted, sender=User, dispatch_uid="accounts.avatars.account_deleted")


def avatar_objects_delete(*, keys: list[str]) -> None:
    storage = avatar_storage()
    for key in keys:
        storage.delete(key)  # S3 and the filesystem storage both treat a missing object as deleted
