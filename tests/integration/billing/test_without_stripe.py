"""Billing without Stripe (issue 16 item 1): no STRIPE_SECRET_KEY, as in `make dev`. The organisation's
billing still answers, on the free plan with its limits and usage and `upgradesAvailable: false`; checkout
and the portal answer 503 `billing_not_configured`; the plans load on every host."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from shared_apps.accounts.signup import Signup
from shared_apps.billing.models import Customer, Subscription
from tests.conftest import Team
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db

GIB = 1024**3


@pytest.fixture(autouse=True)
def _no_stripe() -> Iterator[None]:
    # Explicit, so these tests do not depend on the test settings' default.
    with override_settings(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="", STRIPE_API_BASE=""):
        yield


def _token(signup: Signup, email: str) -> str:
    return str(login(signup.host, email)["access"])


def test_billing_answers_the_free_plan_with_its_limits_and_usage(acme: Signup, team: Team) -> None:
    owner = _token(acme, acme.user.email)
    upload = api(acme.host, owner).post(
        "/api/v1/files/", {"file": SimpleUploadedFile("notes.txt", b"x" * 1234, content_type="text/plain")}
    )
    assert upload.status_code == 201, upload.content
    response = api(acme.host, _token(acme, "member@acme.test")).get("/api/v1/billing/")
    assert response.status_code == 200
    assert response.json() == {
        "plan": "free", "planName": "Free", "status": "free", "seats": {"used": 3, "limit": 3},
        "storageLimitBytes": GIB, "storageUsedBytes": 1234, "upgradesAvailable": False, "limitsEnforced": False,
        "trialEndsAt": None, "currentPeriodEnd": None, "cancelAtPeriodEnd": False, "readOnlyFrom": None,
        "features": [],
    }  # fmt: skip


def test_each_organisation_sees_only_its_own_usage(acme: Signup, globex: Signup) -> None:
    owner = _token(acme, acme.user.email)
    assert api(acme.host, owner).post(
        "/api/v1/files/", {"file": SimpleUploadedFile("a.txt", b"y" * 10, content_type="text/plain")}
    ).status_code == 201  # fmt: skip
    globex_body = api(globex.host, _token(globex, "owner@globex.test")).get("/api/v1/billing/").json()
    assert (globex_body["storageUsedBytes"], globex_body["seats"]) == (0, {"used": 1, "limit": 3})
    assert api(acme.host, owner).get("/api/v1/billing/").json()["storageUsedBytes"] == 10


def test_billing_still_needs_a_member_of_this_organisation(acme: Signup, globex: Signup) -> None:
    assert api(acme.host).get("/api/v1/billing/").status_code == 401
    assert api(acme.host, _token(globex, "owner@globex.test")).get("/api/v1/billing/").status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/billing/checkout/", "/api/v1/billing/portal/"])
def test_checkout_and_portal_say_upgrades_are_unavailable(acme: Signup, path: str) -> None:
    response = api(acme.host, _token(acme, acme.user.email)).post(
        path, {"plan": "pro"}, content_type="application/json"
    )
    assert response.status_code == 503
    assert error(response) == {
        "code": "billing_not_configured",
        "detail": "Upgrades are unavailable: billing is not configured on this server "
        "(the operator sets STRIPE_SECRET_KEY).",
        "attr": None,
    }
    assert not Customer.objects.exists()
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("who", ["admin", "member"])
def test_non_owners_are_refused_before_billing_is_looked_at(acme: Signup, team: Team, who: str) -> None:
    token = _token(acme, f"{who}@acme.test")
    response = api(acme.host, token).post("/api/v1/billing/checkout/", {"plan": "pro"}, content_type="application/json")
    assert response.status_code == 403


def test_the_plans_load_on_an_organisations_host_as_on_the_public_host(acme: Signup) -> None:
    public = api(PUBLIC).get("/api/v1/billing/plans/")
    tenant = api(acme.host).get("/api/v1/billing/plans/")  # no token: the plans are public
    assert (public.status_code, tenant.status_code) == (200, 200)
    assert tenant.json() == public.json()
    assert [(p["code"], p["seatLimit"]) for p in tenant.json()] == [("free", 3), ("pro", 10), ("business", 50)]


def test_the_plans_on_an_unknown_host_are_not_found() -> None:
    response = api("nosuchorg.localhost").get("/api/v1/billing/plans/")
    assert response.status_code == 404
    assert error(response)["code"] == "tenant_not_found"
