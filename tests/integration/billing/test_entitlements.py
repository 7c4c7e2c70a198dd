"""Entitlements (issue 5 item 4): billing implements the entitlements protocol (seats, storage, feature flags
through one permission class), read-only after the grace period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.request import Request

from shared_apps.accounts.signup import Signup
from shared_apps.billing.entitlements import PlanEntitlements
from shared_apps.billing.models import Plan, Subscription
from shared_apps.memberships.models import Invitation
from tenants.entitlements import HasFeature, entitlements
from tests.conftest import Team
from tests.fakes.stripe_server import FakeStripe
from tests.helpers import api, error, login

from .helpers import customer_of

pytestmark = pytest.mark.django_db


def _subscribe(signup: Signup, plan: str = "pro", status: str = "active", **extra) -> Subscription:
    return Subscription.objects.create(tenant=signup.tenant, plan=Plan.objects.get(code=plan), status=status, **extra)


def _invite(signup: Signup, token: str, email: str):
    return api(signup.host, token).post(
        "/api/v1/invitations/", {"email": email, "role": "member"}, content_type="application/json"
    )


def test_the_entitlements_are_billings() -> None:
    assert settings.ENTITLEMENTS == "shared_apps.billing.entitlements.PlanEntitlements"
    assert isinstance(entitlements(), PlanEntitlements)


# ---- seats ----------------------------------------------------------------------------------------------


def test_the_free_plan_seat_limit_blocks_the_invitation_that_would_exceed_it(
    acme: Signup, team: Team, stripe_on: FakeStripe
) -> None:
    owner = str(login(acme.host, team.owner.email)["access"])  # owner + admin + member = the free plan's 3 seats
    refused = _invite(acme, owner, "fourth@example.test")
    assert refused.status_code == 400
    assert error(refused)["code"] == "seat_limit_reached"
    assert not Invitation.objects.filter(tenant=acme.tenant).exists()
    _subscribe(acme, "pro")  # 10 seats
    assert _invite(acme, owner, "fourth@example.test").status_code == 201
    assert api(acme.host, owner).get("/api/v1/billing/").json()["seats"] == {"used": 4, "limit": 10}


def test_a_canceled_subscription_falls_back_to_free_limits(acme: Signup, stripe_on: FakeStripe) -> None:
    _subscribe(acme, "pro", status="canceled")
    assert entitlements().seat_limit(acme.tenant) == 3
    assert entitlements().storage_limit_bytes(acme.tenant) == 1024**3
    assert not entitlements().has_feature(acme.tenant, "exports")


def test_past_due_keeps_the_paid_plan(acme: Signup, stripe_on: FakeStripe) -> None:
    _subscribe(acme, "business", status="past_due", past_due_since=timezone.now())
    assert entitlements().seat_limit(acme.tenant) == 50
    assert entitlements().storage_limit_bytes(acme.tenant) == 500 * 1024**3


def test_without_stripe_nothing_is_limited(acme: Signup, team: Team) -> None:
    assert entitlements().seat_limit(acme.tenant) is None
    assert entitlements().storage_limit_bytes(acme.tenant) is None
    assert entitlements().has_feature(acme.tenant, "exports")
    owner = str(login(acme.host, team.owner.email)["access"])
    assert _invite(acme, owner, "fourth@example.test").status_code == 201


# ---- features -------------------------------------------------------------------------------------------


def _permission_request(signup: Signup) -> Request:
    django_request = RequestFactory().get("/", HTTP_HOST=signup.host)
    django_request.tenant = signup.tenant  # type: ignore[attr-defined]
    return Request(django_request)


def test_has_feature_follows_the_plan(acme: Signup, globex: Signup, stripe_on: FakeStripe) -> None:
    permission = HasFeature.of("exports")()
    assert permission.code == "feature_not_in_plan"
    assert not permission.has_permission(_permission_request(acme), None)
    _subscribe(acme, "pro")
    assert permission.has_permission(_permission_request(acme), None)
    assert not permission.has_permission(_permission_request(globex), None)  # globex is still free
    assert not HasFeature.of("priority_support")().has_permission(_permission_request(acme), None)


# ---- read-only ------------------------------------------------------------------------------------------


def _overdue(signup: Signup, *, days: int, status: str = "past_due") -> None:
    customer_of(signup.tenant)
    _subscribe(signup, "pro", status=status, past_due_since=timezone.now() - timedelta(days=days))


def test_past_the_grace_period_writes_answer_402_and_reads_work(
    acme: Signup, globex: Signup, team: Team, stripe_on: FakeStripe
) -> None:
    _overdue(acme, days=settings.BILLING_GRACE_PERIOD_DAYS + 1)
    owner = str(login(acme.host, team.owner.email)["access"])  # signing in still works
    client = api(acme.host, owner)

    patch = client.patch(f"/api/v1/members/{team.member.id}/", {"role": "admin"}, content_type="application/json")
    assert patch.status_code == 402
    assert error(patch)["code"] == "payment_required"
    assert client.delete(f"/api/v1/members/{team.member.id}/").status_code == 402
    assert _invite(acme, owner, "new@example.test").status_code == 402
    assert team.member.memberships.get(tenant=acme.tenant).role == "member"

    assert client.get("/api/v1/members/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    billing = client.get("/api/v1/billing/")
    assert billing.status_code == 200 and billing.json()["status"] == "past_due" and billing.json()["readOnlyFrom"]
    assert client.post("/api/v1/billing/portal/").status_code == 200  # the way out still works
    assert api(acme.host).post("/api/v1/auth/logout/", {}, content_type="application/json").status_code != 402

    globex_owner = str(login(globex.host, "owner@globex.test")["access"])  # another organisation is unaffected
    assert _invite(globex, globex_owner, "friend@example.test").status_code == 201


def test_within_the_grace_period_writes_work(acme: Signup, team: Team, stripe_on: FakeStripe) -> None:
    _overdue(acme, days=settings.BILLING_GRACE_PERIOD_DAYS - 1)
    client = api(acme.host, str(login(acme.host, team.owner.email)["access"]))
    response = client.patch(f"/api/v1/members/{team.member.id}/", {"role": "admin"}, content_type="application/json")
    assert response.status_code == 200


def test_the_grace_period_is_configurable(acme: Signup, team: Team, stripe_on: FakeStripe, settings) -> None:
    settings.BILLING_GRACE_PERIOD_DAYS = 0
    _overdue(acme, days=0)
    client = api(acme.host, str(login(acme.host, team.owner.email)["access"]))
    response = client.patch(f"/api/v1/members/{team.member.id}/", {"role": "admin"}, content_type="application/json")
    assert response.status_code == 402


def test_unpaid_is_read_only_at_once(acme: Signup, team: Team, stripe_on: FakeStripe) -> None:
    _overdue(acme, days=0, status="unpaid")
    client = api(acme.host, str(login(acme.host, team.owner.email)["access"]))
    response = client.patch(f"/api/v1/members/{team.member.id}/", {"role": "admin"}, content_type="application/json")
    assert response.status_code == 402
