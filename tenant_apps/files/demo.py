"""The demo organisation's files (`manage.py seed_demo`), stored like uploads under its own prefix."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from shared_apps.accounts.models import User
from tenant_apps.projects.models import Project
from tenants.models import Tenant

from .models import File
from .services import file_upload

FILES = [
    (
        "README.md",
        "text/markdown",
        b"# Demo Organisation\n\nFiles uploaded here live under this organisation's prefix.\n",
    ),
    ("budget.csv", "text/csv", b"quarter,planned,spent\nQ1,12000,11250\nQ2,14000,9800\n"),
]


def demo_seed(*, tenant: Tenant, owner: User) -> None:
    if File.objects.exists():
        return
    project = Project.objects.order_by("id").first()
    for name, content_type, content in FILES:
        upload = SimpleUploadedFile(name, content, content_type=content_type)
        file_upload(tenant=tenant, upload=upload, uploaded_by=owner, project=project)
