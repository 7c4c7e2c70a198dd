"""`manage.py tenants`: readable tables and the same services as the API."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shared_apps.accounts.signup import Signup, signup_create
from shared_apps.audit.models import AuditLog
from shared_apps.operator.models import TenantDeletion
from tenants.models import Tenant
from tests.conftest import Team
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("tenants", *args, stdout=out)
    return out.getvalue()


def test_list_and_show(acme: Signup, globex: Signup, team: Team) -> None:
    listing = _run("list").splitlines()
    assert listing[0].split() == [
        "ID",
        "NAME",
        "SUBDOMAIN",
        "STATUS",
        "PLAN",
        "MEMBERS",
        "STORAGE",
        "CREATED",
        "LAST",
        "ACTIVITY",
    ]
    assert set(listing[1]) <= {"-", " "}
    acme_row = next(line for line in listing if "Acme" in line)
    assert acme_row.split()[:6] == [str(acme.tenant.id), "Acme", "acme", "active", "free", "3"]
    assert "0 B" in acme_row
    assert "organisation(s)" in listing[-1]
    assert [line for line in _run("list", "--search", "admin@acme.test").splitlines() if "Globex" in line] == []

    shown = _run("show", "acme")
    assert "status         active" in shown
    assert "host           acme.localhost" in shown
    assert "admin@acme.test" in shown and "member@acme.test" in shown
    assert _run("show", str(acme.tenant.id)) == shown
    with pytest.raises(CommandError, match="No organisation matches"):
        _run("show", "nope")


def test_suspend_reactivate_and_delete(acme: Signup) -> None:
    assert "is suspended" in _run("suspend", "acme", "--reason", "chargeback")
    assert Tenant.objects.get(pk=acme.tenant.pk).status == "suspended"
    assert AuditLog.objects.filter(action="tenant.suspended", extra__reason="chargeback", actor=None).exists()
    assert "is active" in _run("reactivate", "acme.localhost")
    assert Tenant.objects.get(pk=acme.tenant.pk).status == "active"


def test_delete_schedules_or_erases_at_once() -> None:
    # A fresh organisation: erasing purges its storage prefix, which no rollback brings back.
    tenant = signup_create(organisation_name="Umbrella", subdomain="umbrella", email="owner@umbrella.test",
                           password=PASSWORD).tenant  # fmt: skip
    assert "will be erased after" in _run("delete", "umbrella")
    assert TenantDeletion.objects.get(tenant=tenant).status == "scheduled"
    with pytest.raises(CommandError, match="--yes"):
        _run("delete", "umbrella", "--now")
    erased = _run("delete", "umbrella", "--now", "--yes")
    assert "Umbrella is deleted." in erased
    assert "tokens revoked" in erased
    assert Tenant.objects.get(pk=tenant.pk).status == "deleted"
