"""The exports registry (tenants.export_registry): an app that registers a contribution is in the export zip
and in the operator's look, without the exports app or the operator naming it; a finished export is
announced on commit."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context

from shared_apps.accounts.signup import Signup
from shared_apps.operator.api.serializers import DataSnapshotSerializer
from shared_apps.operator.selectors import tenant_data_snapshot
from tenant_apps.exports.models import Export
from tenant_apps.exports.services import export_build
from tenant_apps.exports.signals import export_finished
from tenants.export_registry import Attachment, ExportContribution, export_register, export_unregister
from tenants.storage import tenant_storage

pytestmark = pytest.mark.django_db

NOTES = [{"id": 1, "text": "remember the milk"}]


@pytest.fixture
def notes_app(acme: Signup) -> Iterator[str]:
    """A throwaway app's contribution: rows, and one stored object attached to the zip."""
    key = tenant_storage(acme.tenant).save("notes/milk.txt", ContentFile(b"semi-skimmed"))

    def attachments() -> Iterator[Attachment]:
        yield Attachment(
            path="notes/milk.txt", key=key, manifest={"id": 1, "name": "milk.txt", "path": "notes/milk.txt"}
        )

    def rows() -> Sequence[Mapping[str, Any]]:
        return NOTES

    def look(limit: int) -> Sequence[Mapping[str, Any]]:
        return NOTES[:limit]

    export_register(ExportContribution(name="notes", rows=rows, look=look, attachments=attachments))
    yield key
    export_unregister("notes")


def test_a_registered_app_is_in_the_export_and_its_end_is_announced(
    acme: Signup, notes_app: str, django_capture_on_commit_callbacks: Any
) -> None:
    announced: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        announced.append(kwargs)

    export_finished.connect(receiver)
    try:
        with tenant_context(acme.tenant):
            export = Export.objects.create()
            with django_capture_on_commit_callbacks(execute=True):
                export_build(tenant=acme.tenant, export_id=export.pk, notify=False)
            with tenant_storage(acme.tenant).open(Export.objects.get(pk=export.pk).key, "rb") as handle:
                archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    finally:
        export_finished.disconnect(receiver)

    data = json.loads(archive.read("data.json"))
    assert list(data) == ["organisation", "exportedAt", "projects", "files", "notes"]
    assert data["notes"] == NOTES
    assert archive.read("notes/milk.txt") == b"semi-skimmed"
    assert json.loads(archive.read("manifest.json"))["files"] == [
        {"id": 1, "name": "milk.txt", "path": "notes/milk.txt"}
    ]
    assert [(a["tenant"], a["export"].pk, a["status"]) for a in announced] == [(acme.tenant, export.pk, "done")]


def test_a_registered_app_is_in_the_operators_look(acme: Signup, notes_app: str) -> None:
    snapshot = tenant_data_snapshot(tenant=acme.tenant)
    assert snapshot["notes"] == NOTES
    assert {"tables", "projects", "files", "notes"} <= set(DataSnapshotSerializer(snapshot).data)
