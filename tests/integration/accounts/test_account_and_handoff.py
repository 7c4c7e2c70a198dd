"""The account on the public host: organisation switcher, new organisations, one-time handoff links."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from shared_apps.accounts.models import LoginCode
from shared_apps.accounts.signup import Signup
from tenants.models import Tenant
from tests.conftest import Team
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db


def _handoff(account_token: str, tenant_id: object) -> str:
    response = api(PUBLIC, account_token).post(f"/api/v1/account/tenants/{tenant_id}/handoff/")
    assert response.status_code == 200, response.content
    return response.json()["url"]


def _redeem(host: str, code: str):
    return api(host).post("/api/v1/auth/handoff/", {"code": code}, content_type="application/json")


def test_account_login_gives_a_public_token_listing_the_organisations(acme: Signup, team: Team) -> None:
    body = login(PUBLIC, "admin@acme.test")
    assert "role" not in body
    response = api(PUBLIC, body["access"]).get("/api/v1/account/tenants/")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": str(acme.tenant.id),
            "name": "Acme",
            "subdomain": "acme",
            "url": "http://acme.localhost/",
            "role": "admin",
            "status": "active",
        }
    ]


def test_account_token_is_refused_on_tenant_hosts_and_tenant_token_on_the_account(acme: Signup) -> None:
    account = login(PUBLIC, acme.user.email)["access"]
    tenant = login(acme.host, acme.user.email)["access"]
    assert api(acme.host, account).get("/api/v1/me/").status_code == 401
    assert api(PUBLIC, tenant).get("/api/v1/account/tenants/").status_code == 401
    assert api(PUBLIC).get("/api/v1/account/tenants/").status_code == 401


def test_handoff_link_logs_into_the_organisation_once(acme: Signup) -> None:
    account = login(PUBLIC, acme.user.email)["access"]
    url = _handoff(account, acme.tenant.id)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://acme.localhost/auth/handoff"
    code = parse_qs(parts.query)["code"][0]
    assert len(code) >= 43  # 256 bits, url-safe base64
    assert not LoginCode.objects.filter(code_hash=code).exists()  # stored hashed

    first = _redeem(acme.host, code)
    assert first.status_code == 200
    assert first.json()["role"] == "owner"
    assert api(acme.host, first.json()["access"]).get("/api/v1/me/").status_code == 200
    second = _redeem(acme.host, code)
    assert second.status_code == 401
    assert error(second)["code"] == "link_not_valid"


def test_handoff_code_is_bound_to_its_organisation(acme: Signup, globex: Signup) -> None:
    account = login(PUBLIC, acme.user.email)["access"]
    code = parse_qs(urlsplit(_handoff(account, acme.tenant.id)).query)["code"][0]
    assert _redeem(globex.host, code).status_code == 401
    assert _redeem(acme.host, code).status_code == 200  # the failed attempt elsewhere did not burn it


def test_handoff_code_expires(acme: Signup) -> None:
    account = login(PUBLIC, acme.user.email)["access"]
    code = parse_qs(urlsplit(_handoff(account, acme.tenant.id)).query)["code"][0]
    assert timedelta(seconds=60) >= settings.HANDOFF_CODE_TTL
    LoginCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _redeem(acme.host, code).status_code == 401


def test_handoff_only_into_ones_own_active_organisations(acme: Signup, globex: Signup) -> None:
    account = login(PUBLIC, acme.user.email)["access"]
    response = api(PUBLIC, account).post(f"/api/v1/account/tenants/{globex.tenant.id}/handoff/")
    assert response.status_code == 404
    Tenant.objects.filter(pk=acme.tenant.pk).update(status=Tenant.Status.SUSPENDED)
    assert api(PUBLIC, account).post(f"/api/v1/account/tenants/{acme.tenant.id}/handoff/").status_code == 404
    assert LoginCode.objects.count() == 0


def test_handoff_redeem_with_a_bad_code_is_401_and_without_one_400(acme: Signup) -> None:
    assert _redeem(acme.host, "not-a-real-code").status_code == 401
    response = api(acme.host).post("/api/v1/auth/handoff/", {}, content_type="application/json")
    assert response.status_code == 400
    assert error(response)["attr"] == "code"


def test_an_account_creates_another_organisation(acme: Signup) -> None:
    account = login(PUBLIC, acme.user.email)["access"]
    response = api(PUBLIC, account).post(
        "/api/v1/account/tenants/",
        {"organisationName": "Acme Labs", "subdomain": "acme-labs"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "owner"
    tenant = Tenant.objects.get(pk=response.json()["id"])
    assert tenant.status == "active" and tenant.memberships.get().user_id == acme.user.id


@pytest.mark.parametrize(
    ("body", "attr", "code"),
    [
        ({"organisationName": "X", "subdomain": "acme"}, "subdomain", "taken"),
        ({"organisationName": "X", "subdomain": "admin"}, "subdomain", "reserved"),
        ({"organisationName": "X", "subdomain": "a_b"}, "subdomain", "invalid"),
        ({"subdomain": "fine-name"}, "organisationName", "required"),
    ],
)
def test_new_organisation_bad_input_changes_nothing(acme: Signup, body: dict, attr: str, code: str) -> None:
    account = login(PUBLIC, acme.user.email)["access"]
    before = Tenant.objects.count()
    response = api(PUBLIC, account).post("/api/v1/account/tenants/", body, content_type="application/json")
    assert response.status_code == 400
    assert {"attr": attr, "code": code} in [{"attr": e["attr"], "code": e["code"]} for e in response.json()["errors"]]
    assert Tenant.objects.count() == before
