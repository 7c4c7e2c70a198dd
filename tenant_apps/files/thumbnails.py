"""Thumbnails of uploaded images, made the way the organisation's logo is resized
(shared_apps/memberships/organisation.py): the upload only notices that the bytes start like a PNG, JPEG,
GIF or WebP (tenants/images.py, by content: the name and the declared type are the client's word) and
queues a tenant task with the row (tenants.celery_tasks, through the outbox). The task decodes the stored
object with Pillow, bounded in size and pixels, and stores a WebP copy at most THUMBNAIL_MAX_SIDE pixels a
side under the same organisation's prefix; the row's `thumbnail_key` names it. A file that turns out not
to be a readable image (damaged, a decompression bomb, an image only in name) gets no thumbnail and the
task succeeds: there is nothing to retry.

The thumbnail goes with its file: `file_delete` queues the deletion of both objects with the row's own
deletion, and storage_reconcile counts thumbnail keys as named (storage_consistency.KEY_FIELDS).
"""

from __future__ import annotations

import io
import logging
import uuid

from django.core.files.base import ContentFile
from django.db import transaction

from tenants.celery_tasks import tenant_task_enqueue
from tenants.images import ImageRefusedError, image_bounded
from tenants.models import Tenant
from tenants.storage import download_url, safe_filename, tenant_storage

from .models import File

logger = logging.getLogger(__name__)

THUMBNAIL_MAX_SIDE = 256  # pixels, the longer side; never enlarged
THUMBNAIL_DIR = "files/thumbnails"  # under the tenant's prefix: tenants/<id>/files/thumbnails/<uuid>.webp


def file_thumbnail_url(*, tenant: Tenant, file: File) -> str | None:
    """A short-lived URL of the file's thumbnail (like its download), or None while there is none."""
    if not file.thumbnail_key:
        return None
    stem = file.name.rsplit(".", 1)[0] if "." in file.name else file.name
    return download_url(tenant=tenant, key=file.thumbnail_key, filename=safe_filename(f"{stem}-thumbnail.webp"))


def file_thumbnail_make(*, tenant: Tenant, file_id: int, key: str) -> str | None:
    """The task's work: make the thumbnail of the file `file_id` (stored at `key`) and name it on the row.
    Returns the thumbnail's key, or None when none is made. Idempotent: a redelivered message finds the
    thumbnail made, or the file gone, and does nothing; a thumbnail made for a file deleted (or given one
    by another run) meanwhile is deleted again."""
    from .tasks import file_object_delete_task

    file = File.objects.filter(pk=file_id, key=key).first()
    if file is None or file.thumbnail_key:
        return None
    storage = tenant_storage(tenant)
    with storage.open(key, "rb") as handle:
        # Bounded by what was accepted at upload (the row's size), whatever the object became since.
        original = io.BytesIO(handle.read(file.size))
    try:
        data = image_bounded(original, max_side=THUMBNAIL_MAX_SIDE, output="WEBP")
    except ImageRefusedError as exc:
        # Not an error: a file may start like an image and be anything. It keeps the generic icon.
        logger.info("organisation %s: file %s gets no thumbnail: %s", tenant.pk, file_id, exc.code)
        return None
    thumbnail = storage.save(f"{THUMBNAIL_DIR}/{uuid.uuid4().hex}.webp", ContentFile(data))
    with transaction.atomic():
        # Locked: file_delete reads the row's thumbnail_key under the same lock, so a deletion racing this
        # either sees the key (and deletes the object) or happens first (and the object is deleted here).
        locked = File.objects.select_for_update().filter(pk=file_id, key=key, thumbnail_key="").first()
        if locked is None:
            tenant_task_enqueue(file_object_delete_task, tenant=tenant, key=thumbnail)
            return None
        locked.thumbnail_key = thumbnail
        locked.save(update_fields=["thumbnail_key"])
    return thumbnail
