"""Projects' part of an organisation export and of the operator's look (tenants.export_registry)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tenants.export_registry import ExportContribution, export_register

from .models import Project


def _rows() -> Sequence[Mapping[str, Any]]:
    return list(Project.objects.order_by("id").values("id", "name", "description", "created_at", "created_by_id"))


def _look(limit: int) -> Sequence[Mapping[str, Any]]:
    return list(Project.objects.order_by("-pk").values("id", "name", "description", "created_at")[:limit])


export_register(ExportContribution(name="projects", rows=_rows, look=_look))
