"""Storage stays consistent (issue 12, item 7): rows and objects go together, nothing half-uploaded stays.

- A file's row is deleted in the transaction that queues the deletion of its object (through the outbox,
  tenants/outbox.py): the API answers 204 while S3 is down, and the object goes when S3 is back
  (`files.object_delete`, retried with backoff; deleting a missing object is success).
- A multipart upload that fails is aborted by s3transfer itself when S3 still answers; one whose abort
  could not reach S3 is aborted by `files.multipart_cleanup` (beat, hourly) and, as a last resort, by the
  bucket's lifecycle rule (deploy/s3/lifecycle.json, deploy/DEPLOYMENT.md).
- `manage.py storage_reconcile` lists an organisation's prefix against the rows that name its keys and
  reports (or, with --delete, removes) orphan objects, and reports rows whose object is missing.

Every listing and deletion for an organisation goes through its own storage root (tenants/storage.py),
so nothing here can name a key under another organisation's prefix.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Tenant
from tenants.storage import tenant_prefix, tenant_storage

logger = logging.getLogger(__name__)

# What a call to object storage raises when it did not happen: worth retrying, the outcome never changes.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (BotoCoreError, ClientError, OSError)
# The part of the bucket the kit writes: every organisation's prefix is under it.
TENANTS_ROOT = "tenants/"
# (model, field) pairs whose values name objects relative to the organisation's storage root. An object
# under the prefix that none of them (nor the organisation's own row, TENANT_KEY_FIELDS) names is an orphan.
# A file's thumbnail is an object of its own.
KEY_FIELDS = (("files.File", "key"), ("files.File", "thumbnail_key"), ("exports.Export", "key"))
# The organisation's own keys, on its Tenant row: its logo served and one being resized
# (shared_apps/memberships/organisation.py). People's avatars are not under any organisation's prefix
# (`accounts/`, shared_apps/accounts/avatars.py), so no reconciliation here lists, or could delete, them.
TENANT_KEY_FIELDS = ("logo_key", "logo_source_key")


def object_delete(*, tenant: Tenant, key: str) -> None:
    """Delete `key` from the tenant's storage root. Idempotent: a missing object is not an error (both
    backends); a key escaping the root raises SuspiciousOperation."""
    tenant_storage(tenant).delete(key)


@dataclass(frozen=True)
class StoredObject:
    key: str  # relative to the tenant's storage root
    size: int
    modified: datetime


def _s3(storage: Any) -> tuple[Any, str]:
    return storage.connection.meta.client, str(storage.bucket_name)


def tenant_objects(tenant: Tenant) -> Iterator[StoredObject]:
    """Every object under the tenant's prefix (and nothing outside it)."""
    storage = tenant_storage(tenant)
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    modified = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
                    yield StoredObject(path.relative_to(root).as_posix(), stat.st_size, modified)
        return
    prefix = f"{tenant_prefix(tenant)}/"  # the slash: no other organisation's prefix starts with this one
    client, bucket = _s3(storage)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            if item["Key"].startswith(prefix):
                yield StoredObject(item["Key"][len(prefix) :], int(item["Size"]), item["LastModified"])


@dataclass
class ReconcileReport:
    objects: int = 0
    rows: int = 0
    orphans: list[str] = field(default_factory=list)  # objects no row names, older than the grace period
    recent: list[str] = field(default_factory=list)  # unnamed but newer: maybe an upload in flight, kept
    missing: list[str] = field(default_factory=list)  # rows whose object is not in storage
    deleted: list[str] = field(default_factory=list)


def storage_reconcile(
    *, tenant: Tenant, delete: bool = False, min_age: timedelta = timedelta(hours=1)
) -> ReconcileReport:
    """List the tenant's prefix against its rows. With `delete`, remove the orphans older than `min_age`.

    The grace period protects work in flight: an upload stores its object before its row commits, a
    thumbnail task its copy before the row names it, and an export its zip before the export row does.
    """
    objects = {obj.key: obj for obj in tenant_objects(tenant)}
    own = Tenant.objects.filter(pk=tenant.pk).values_list(*TENANT_KEY_FIELDS).first() or ()
    named: set[str] = {key for key in own if key}
    with tenant_context(tenant):
        for label, name in KEY_FIELDS:
            model = apps.get_model(label)
            named |= set(model._default_manager.exclude(**{name: ""}).values_list(name, flat=True))
    cutoff = timezone.now() - min_age
    report = ReconcileReport(objects=len(objects), rows=len(named), missing=sorted(named - set(objects)))
    for key in sorted(set(objects) - named):
        (report.orphans if objects[key].modified < cutoff else report.recent).append(key)
    if delete and report.orphans:
        storage = tenant_storage(tenant)
        for key in report.orphans:
            storage.delete(key)
            report.deleted.append(key)
            logger.info("storage_reconcile: deleted orphan %s/%s", tenant_prefix(tenant), key)
    return report


def stale_multipart_uploads_abort(*, older_than: timedelta | None = None, prefix: str = TENANTS_ROOT) -> int:
    """Abort multipart uploads under `prefix` initiated more than `older_than` ago
    (STORAGE_MULTIPART_MAX_AGE_HOURS by default). Returns how many were aborted. Filesystem storage: 0."""
    if isinstance(storages["default"], FileSystemStorage):
        return 0
    from storages.backends.s3 import S3Storage

    if older_than is None:
        older_than = timedelta(hours=settings.STORAGE_MULTIPART_MAX_AGE_HOURS)
    client, bucket = _s3(S3Storage())  # built now: from the settings of this moment
    cutoff = timezone.now() - older_than
    aborted = 0
    for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix):
        for upload in page.get("Uploads", []):
            if upload["Initiated"] >= cutoff:
                continue  # may still be in progress
            try:
                client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "NoSuchUpload":  # finished or aborted meanwhile
                    raise
                continue
            aborted += 1
            logger.info(
                "multipart upload %s of %s aborted (initiated %s)",
                upload["UploadId"],
                upload["Key"],
                upload["Initiated"],
            )
    return aborted
