"""Uploads and deletions. Bytes go to the tenant's storage prefix; metadata to the tenant's schema."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from tenant_apps.projects.models import Project
from tenants.celery_tasks import tenant_task_enqueue
from tenants.entitlements import entitlements
from tenants.images import image_format_sniff
from tenants.models import Tenant
from tenants.storage import safe_filename, tenant_storage

from .models import File


def storage_used_bytes() -> int:
    """Bytes stored by the current tenant (the connection's schema)."""
    return int(File.objects.aggregate(total=Sum("size"))["total"] or 0)


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def file_upload(*, tenant: Tenant, upload: UploadedFile, uploaded_by: User, project: Project | None = None) -> File:
    """Store the object, then its row. A file whose bytes start like an image gets its thumbnail made by a
    task queued with the row (tenant_apps/files/thumbnails.py); `thumbnail_key` stays "" until then."""
    from .tasks import file_thumbnail_make_task

    size = int(upload.size or 0)
    if size == 0:
        raise _field_error("file", _("The file is empty."), "empty")
    if size > settings.FILE_UPLOAD_MAX_BYTES:
        # In the units people read (25.0 MB), not raw bytes.
        limit_text = filesizeformat(settings.FILE_UPLOAD_MAX_BYTES)
        raise _field_error("file", _("Files can be at most %(limit)s.") % {"limit": limit_text}, "too_large")
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in settings.FILE_CONTENT_TYPES:
        raise _field_error(
            "file",
            _("Files of type %(type)s are not accepted.") % {"type": content_type or _("unknown")},
            "unsupported_type",
        )
    limit = entitlements().storage_limit_bytes(tenant)  # the plan's quota (billing), or None: unlimited
    if limit is not None and storage_used_bytes() + size > limit:
        raise _field_error("file", _("Your organisation's storage quota is used up."), "quota_exceeded")

    name = safe_filename(upload.name or "file")
    key = f"files/{uuid.uuid4().hex}/{name}"
    looks_like_image = image_format_sniff(upload) is not None  # the first bytes only, before they are sent
    storage = tenant_storage(tenant)
    stored_key = storage.save(key, upload)
    try:
        with transaction.atomic():
            file = File.objects.create(
                name=name, key=stored_key, size=size, content_type=content_type, project=project, created_by=uploaded_by
            )
            if looks_like_image:
                tenant_task_enqueue(file_thumbnail_make_task, tenant=tenant, file_id=file.pk, key=stored_key)
            return file
    except Exception:
        storage.delete(stored_key)  # no orphan objects when the row cannot be written
        raise


def file_delete(*, tenant: Tenant, file: File) -> None:
    """Delete the row and, durably, its object and its thumbnail's: one deletion task per object, queued
    through the outbox in the row's own transaction (tenant_task_enqueue), so they are committed with it or
    not at all. S3 is not called here: the request answers 204 while S3 is down, and the tasks (retried
    with backoff, a missing object counting as deleted) remove the objects once S3 answers again."""
    from .tasks import file_object_delete_task

    with transaction.atomic():
        # Read again under the row's lock: a thumbnail task that is naming its object holds it, so the
        # key read here is the one it wrote (tenant_apps/files/thumbnails.py).
        locked = File.objects.select_for_update().filter(pk=file.pk).first()
        if locked is None:  # deleted by a concurrent request: its deletion queued the tasks
            return
        keys = [locked.key, *([locked.thumbnail_key] if locked.thumbnail_key else [])]
        locked.delete()
        for key in keys:
            tenant_task_enqueue(file_object_delete_task, tenant=tenant, key=key)
