"""`make dev`'s demo organisation has something in it: a team, projects and files, from each app's demo.py."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tenants.utils import schema_context

from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Invitation, Membership
from tenant_apps.files.models import File
from tenant_apps.projects.models import Project
from tenants.models import Domain
from tenants.storage import tenant_storage


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_fills_the_demo_organisation_once_and_nothing_else(acme: Signup) -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())  # again: adds nothing

    tenant = Domain.objects.select_related("tenant").get(domain="demo.localhost").tenant
    roles = sorted(Membership.objects.filter(tenant=tenant).values_list("user__email", "role"))
    assert roles == [("member@demo.localhost", "member"), ("owner@demo.localhost", "owner")]
    assert list(Invitation.objects.filter(tenant=tenant).values_list("email", "role")) == [
        ("invitee@demo.localhost", "admin")
    ]
    with schema_context(tenant.schema_name):
        assert list(Project.objects.order_by("id").values_list("name", flat=True)) == [
            "Website relaunch",
            "Mobile app",
            "Customer onboarding",
        ]
        files = list(File.objects.order_by("id").values_list("name", "size", "project__name", "key"))
        assert [(name, project) for name, _, project, _ in files] == [
            ("README.md", "Website relaunch"),
            ("budget.csv", "Website relaunch"),
        ]
        storage = tenant_storage(tenant)
        with storage.open(files[1][3]) as stored:
            assert stored.read().startswith(b"quarter,planned,spent\n")
    # Another organisation got none of it.
    with schema_context(acme.tenant.schema_name):
        assert (Project.objects.count(), File.objects.count()) == (0, 0)
    assert "login member@demo.localhost / demo-member-password" in out.getvalue()
