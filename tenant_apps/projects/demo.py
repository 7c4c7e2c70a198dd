"""The demo organisation's projects (`manage.py seed_demo`, which finds each app's `demo.py`)."""

from __future__ import annotations

from shared_apps.accounts.models import User
from tenants.models import Tenant

from .models import Project
from .services import project_create

PROJECTS = [
    ("Website relaunch", "New landing page, pricing and docs, live before the spring campaign."),
    ("Mobile app", "iOS and Android clients on the same API; beta with ten customers."),
    ("Customer onboarding", "The first ten minutes: checklist, sample data and the welcome email."),
]


def demo_seed(*, tenant: Tenant, owner: User) -> None:
    if Project.objects.exists():
        return
    for name, description in PROJECTS:
        project_create(tenant=tenant, name=name, description=description, created_by=owner)
