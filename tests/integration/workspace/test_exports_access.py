from __future__ import annotations

import pytest

from shared_apps.accounts.signup import Signup
from tenant_apps.exports.models import Export
from tenants.db import connection
from tests.conftest import Team
from tests.helpers import api, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "status"), [("owner", 202), ("admin", 202), ("member", 403)])
def test_only_owners_and_admins_export(acme: Signup, team: Team, who: str, status: int) -> None:
    response = api(acme.host, login(acme.host, f"{who}@acme.test")["access"]).post("/api/v1/exports/")
    assert response.status_code == status
    connection.set_tenant(acme.tenant)
    assert Export.objects.count() == (1 if status == 202 else 0)
    connection.set_schema_to_public()


def test_anonymous_export_is_401(acme: Signup) -> None:
    assert api(acme.host).post("/api/v1/exports/").status_code == 401
