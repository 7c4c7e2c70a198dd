from __future__ import annotations

from django.db.models import QuerySet

from tenants.replicas import read_only

from .models import Project

ORDERINGS = {"name", "-name", "created_at", "-created_at"}


@read_only
def project_list(*, name: str | None = None, ordering: str | None = None) -> QuerySet[Project]:
    projects = Project.objects.all()
    if name:
        projects = projects.filter(name__icontains=name)
    if ordering in ORDERINGS:
        projects = projects.order_by(ordering, "id")
    return projects


def project_get(*, project_id: int) -> Project:
    return Project.objects.get(pk=project_id)
