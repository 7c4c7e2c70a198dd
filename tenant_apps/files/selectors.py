from __future__ import annotations

from django.db.models import QuerySet

from .models import File


def file_list(*, project_id: int | None = None) -> QuerySet[File]:
    files = File.objects.all()
    return files.filter(project_id=project_id) if project_id is not None else files


def file_get(*, file_id: int) -> File:
    return File.objects.get(pk=file_id)
