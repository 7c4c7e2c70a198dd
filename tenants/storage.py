"""Object storage: every organisation's keys live under `tenants/<immutable tenant id>/`, and what belongs
to no one organisation (people's avatars) under a shared prefix (`SHARED_PREFIXES`, e.g. `accounts/`).

The prefix is the storage's own `location`, so code handed a tenant's storage cannot name a key
outside it: both backends resolve names with `safe_join` and refuse `../` escapes. Shared prefixes are
outside `tenants/`, so an organisation's deletion (which purges its prefix), storage_reconcile and the
multipart clean-up (both list `tenants/`) never touch them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, Storage, storages

from .models import Tenant

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_SIGNER_SALT = "tenants.storage.download"
_SHARED_SIGNER_SALT = "tenants.storage.shared_download"
# Prefixes for objects of no one organisation: `accounts` holds people's avatars (shared_apps/accounts/avatars.py).
SHARED_PREFIXES = frozenset({"accounts"})


def tenant_prefix(tenant: Tenant) -> str:
    return f"tenants/{tenant.id}"


def _prefixed_storage(prefix: str) -> Storage:
    """The configured default storage, rooted at `prefix`."""
    default = storages["default"]
    if isinstance(default, FileSystemStorage):
        return FileSystemStorage(location=f"{default.location}/{prefix}")
    from storages.backends.s3 import S3Storage

    return S3Storage(location=prefix)


def tenant_storage(tenant: Tenant) -> Storage:
    """The configured default storage, rooted at the tenant's prefix."""
    return _prefixed_storage(tenant_prefix(tenant))


def shared_storage(prefix: str) -> Storage:
    """The configured default storage, rooted at one of SHARED_PREFIXES (anything else: ValueError)."""
    if prefix not in SHARED_PREFIXES:
        raise ValueError(f"{prefix!r} is not a shared storage prefix")
    return _prefixed_storage(prefix)


def safe_filename(name: str, *, max_length: int = 120) -> str:
    """A display and key name with no path in it: `../../etc/passwd` -> `passwd`, control bytes gone."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_length - len(ext) - 1] + dot + ext) if dot and len(ext) < 16 else name[:max_length]
    return name or "file"


def download_url(*, tenant: Tenant, key: str, filename: str) -> str:
    """A short-lived URL that downloads `key` as an attachment.

    S3: a presigned GET (15 minutes) with Content-Disposition set. Filesystem (development): the
    tenant API's /api/v1/downloads/ with a signed, expiring token bound to this tenant and key.
    """
    storage = tenant_storage(tenant)
    if isinstance(storage, FileSystemStorage):
        token = signing.dumps({"t": str(tenant.id), "k": key, "n": filename}, salt=_SIGNER_SALT)
        return f"/api/v1/downloads/?token={token}"
    return _presigned(storage, key=key, filename=filename)


def shared_download_url(*, prefix: str, key: str, filename: str) -> str:
    """`download_url` for an object under a shared prefix. Filesystem: the token names the prefix instead of
    an organisation, so it works on any organisation's host (it is the credential, like a presigned URL)."""
    storage = shared_storage(prefix)
    if isinstance(storage, FileSystemStorage):
        token = signing.dumps({"p": prefix, "k": key, "n": filename}, salt=_SHARED_SIGNER_SALT)
        return f"/api/v1/downloads/?token={token}"
    return _presigned(storage, key=key, filename=filename)


def _presigned(storage: Storage, *, key: str, filename: str) -> str:
    disposition = f'attachment; filename="{filename}"'
    params: dict[str, Any] = {"ResponseContentDisposition": disposition}
    return str(storage.url(key, parameters=params, expire=settings.AWS_QUERYSTRING_EXPIRE))  # type: ignore[call-arg]


def download_token_grant(*, tenant: Tenant, token: str) -> tuple[str, str] | None:
    """(key, filename) a development download token grants, if valid, unexpired and for this tenant."""
    try:
        data = signing.loads(token, salt=_SIGNER_SALT, max_age=settings.AWS_QUERYSTRING_EXPIRE)
    except signing.BadSignature:
        return None
    return (str(data["k"]), str(data["n"])) if data.get("t") == str(tenant.id) else None


def shared_download_token_grant(*, token: str) -> tuple[Storage, str, str] | None:
    """(storage, key, filename) a development download token of a shared prefix grants, if valid and unexpired."""
    try:
        data = signing.loads(token, salt=_SHARED_SIGNER_SALT, max_age=settings.AWS_QUERYSTRING_EXPIRE)
    except signing.BadSignature:
        return None
    if data.get("p") not in SHARED_PREFIXES:
        return None
    return shared_storage(str(data["p"])), str(data["k"]), str(data["n"])
