"""Files' part of an organisation export (their metadata, and the files themselves under `files/`) and of
the operator's look (tenants.export_registry)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from tenants.export_registry import Attachment, ExportContribution, export_register

from .models import File


def _rows() -> Sequence[Mapping[str, Any]]:
    return list(File.objects.order_by("id").values("id", "name", "size", "content_type", "project_id", "created_at"))


def _look(limit: int) -> Sequence[Mapping[str, Any]]:
    return list(File.objects.order_by("-pk").values("id", "name", "size", "content_type", "created_at")[:limit])


def _attachments() -> Iterator[Attachment]:
    for file in File.objects.order_by("id"):
        path = f"files/{file.id}-{file.name}"
        yield Attachment(
            path=path, key=file.key, manifest={"id": file.id, "name": file.name, "size": file.size, "path": path}
        )


export_register(ExportContribution(name="files", rows=_rows, look=_look, attachments=_attachments))
