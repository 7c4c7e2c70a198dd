"""An organisation's objects under `tenants/<tenant id>/` in the default storage: measure and purge.

Works with S3 (one listing, batched deletes) and the filesystem; any other backend is skipped and
reported, never guessed at.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages

from tenants.models import Tenant
from tenants.storage import tenant_prefix


@dataclass(frozen=True)
class PrefixUsage:
    objects: int
    bytes: int
    skipped: str = ""  # why nothing was measured or removed, if so


def _s3_objects(tenant: Tenant) -> object | None:
    default = storages["default"]
    bucket = getattr(default, "bucket", None)
    if bucket is None:
        return None
    location = str(getattr(default, "location", "") or "").strip("/")
    # The slash: no other organisation's prefix starts with this one.
    prefix = f"{location}/{tenant_prefix(tenant)}/" if location else f"{tenant_prefix(tenant)}/"
    return bucket.objects.filter(Prefix=prefix)


def _filesystem_root(tenant: Tenant) -> Path | None:
    default = storages["default"]
    if not isinstance(default, FileSystemStorage):
        return None
    return Path(default.path(tenant_prefix(tenant)))


def prefix_usage(*, tenant: Tenant) -> PrefixUsage:
    objects = _s3_objects(tenant)
    if objects is not None:
        count = size = 0
        for item in objects:  # type: ignore[attr-defined]
            count += 1
            size += int(item.size)
        return PrefixUsage(objects=count, bytes=size)
    root = _filesystem_root(tenant)
    if root is None:
        return PrefixUsage(0, 0, skipped=f"storage backend {type(storages['default']).__name__} not supported")
    count = size = 0
    for directory, _, files in os.walk(root):
        for name in files:
            count += 1
            size += (Path(directory) / name).stat().st_size
    return PrefixUsage(objects=count, bytes=size)


def prefix_purge(*, tenant: Tenant) -> PrefixUsage:
    """Remove every object under the organisation's prefix; returns what was there."""
    usage = prefix_usage(tenant=tenant)
    if usage.skipped:
        return usage
    objects = _s3_objects(tenant)
    if objects is not None:
        objects.delete()  # type: ignore[attr-defined]  # boto3 batches 1000 keys per request
    else:
        root = _filesystem_root(tenant)
        if root is not None and root.exists():
            shutil.rmtree(root)
    return usage
