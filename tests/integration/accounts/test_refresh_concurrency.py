"""Parallel refreshes with real commits and real threads (issue 11, item 7): tabs do not sign each other out.

Each request runs in its own thread with its own database connection, against the real row and family
locks; `live_db` because the requests must see each other's commits.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.test import Client, override_settings
from django.utils import timezone

from shared_apps.accounts.models import RefreshTokenRecord, User
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tests.factories import PASSWORD, UserFactory
from tests.helpers import api, error, login

PARALLEL = 5


@pytest.fixture
def person(acme: Signup, live_db: None) -> User:
    """A member of acme of the test's own (live_db removes it, and with it its tokens, afterwards)."""
    user: User = UserFactory.create(email="tabs@example.test")
    Membership.objects.create(user=user, tenant=acme.tenant, role="member")
    return user


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _in_parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment, one thread (and one connection) each; results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _refresh(host: str, refresh: str) -> Any:
    return Client(HTTP_HOST=host).post("/api/v1/auth/refresh/", {"refresh": refresh}, content_type="application/json")


def _refresh_call(host: str, refresh: str) -> Callable[[], Any]:
    return lambda: _refresh(host, refresh)


def _live(family: str) -> int:
    return RefreshTokenRecord.objects.filter(family=family, revoked_at=None).count()


def test_five_parallel_refreshes_with_one_token_all_succeed_and_keep_the_family(acme: Signup, person: User) -> None:
    first = login(acme.host, person.email)
    family = _claims(first["refresh"])["fam"]

    results = _in_parallel([_refresh_call(acme.host, first["refresh"])] * PARALLEL)

    assert [getattr(r, "status_code", r) for r in results] == [200] * PARALLEL
    pairs = [r.json() for r in results]
    assert len({pair["refresh"] for pair in pairs}) == PARALLEL
    assert {_claims(pair["refresh"])["fam"] for pair in pairs} == {family}
    assert RefreshTokenRecord.objects.filter(family=family).count() == 1 + PARALLEL
    assert _live(family) == 1 + PARALLEL  # the rotated original is not revoked either: nothing was
    # Every tab's tokens work: its access token, then its refresh token (in parallel again).
    assert [api(acme.host, pair["access"]).get("/api/v1/me/").status_code for pair in pairs] == [200] * PARALLEL
    again = _in_parallel([_refresh_call(acme.host, pair["refresh"]) for pair in pairs])
    assert [getattr(r, "status_code", r) for r in again] == [200] * PARALLEL
    assert _live(family) == 1 + 2 * PARALLEL


def test_reuse_after_the_grace_window_revokes_every_token_of_the_family(acme: Signup, person: User) -> None:
    first = login(acme.host, person.email)
    family = _claims(first["refresh"])["fam"]
    pairs = [r.json() for r in _in_parallel([_refresh_call(acme.host, first["refresh"])] * PARALLEL)]
    assert len(pairs) == PARALLEL and all("refresh" in pair for pair in pairs)
    other = login(acme.host, person.email)  # another login: another family, untouched below

    # The grace window of the first rotation has passed (committed: the server threads read it).
    past = timezone.now() - timedelta(seconds=11)
    assert RefreshTokenRecord.objects.filter(jti=_claims(first["refresh"])["jti"]).update(rotated_at=past) == 1

    reused = _refresh(acme.host, first["refresh"])
    assert (reused.status_code, error(reused)["code"]) == (401, "token_not_valid")
    assert _live(family) == 0
    for pair in pairs:
        refused = _refresh(acme.host, pair["refresh"])
        assert (refused.status_code, error(refused)["code"]) == (401, "token_not_valid")
    assert _refresh(acme.host, other["refresh"]).status_code == 200


@override_settings(JWT_REFRESH_REUSE_GRACE_SECONDS=1)
def test_the_grace_window_ends_on_the_clock(acme: Signup, person: User) -> None:
    first = login(acme.host, person.email)
    family = _claims(first["refresh"])["fam"]
    winner = _refresh(acme.host, first["refresh"])
    assert winner.status_code == 200
    assert _refresh(acme.host, first["refresh"]).status_code == 200  # within the second
    time.sleep(1.2)
    reused = _refresh(acme.host, first["refresh"])
    assert (reused.status_code, error(reused)["code"]) == (401, "token_not_valid")
    assert _refresh(acme.host, winner.json()["refresh"]).status_code == 401
    assert _live(family) == 0


def test_a_late_reuse_racing_refreshes_leaves_no_live_token_in_the_family(acme: Signup, person: User) -> None:
    first = login(acme.host, person.email)
    family = _claims(first["refresh"])["fam"]
    pairs = [r.json() for r in _in_parallel([_refresh_call(acme.host, first["refresh"])] * (PARALLEL - 1))]
    past = timezone.now() - timedelta(seconds=11)
    RefreshTokenRecord.objects.filter(jti=_claims(first["refresh"])["jti"]).update(rotated_at=past)

    # The stolen copy comes back while every tab refreshes its own token at the same moment. Whatever
    # order the locks give them, once the reuse is answered no token of the family may still work.
    calls = [_refresh_call(acme.host, first["refresh"])] + [_refresh_call(acme.host, p["refresh"]) for p in pairs]
    results = _in_parallel(calls)
    assert all(getattr(r, "status_code", None) in (200, 401) for r in results), results
    assert results[0].status_code == 401
    assert _live(family) == 0
    for result in results[1:]:
        if result.status_code == 200:
            assert _refresh(acme.host, result.json()["refresh"]).status_code == 401


def test_parallel_logout_and_grace_refreshes_leave_no_live_token(acme: Signup, person: User) -> None:
    first = login(acme.host, person.email)
    family = _claims(first["refresh"])["fam"]
    winner = _refresh(acme.host, first["refresh"]).json()

    def logout() -> Any:
        return Client(HTTP_HOST=acme.host).post(
            "/api/v1/auth/logout/", {"refresh": winner["refresh"]}, content_type="application/json"
        )

    results = _in_parallel([logout] + [_refresh_call(acme.host, first["refresh"])] * (PARALLEL - 1))
    assert results[0].status_code == 204
    assert all(r.status_code in (200, 401) for r in results[1:]), results
    assert _live(family) == 0


def _person_live_families(person: User) -> set[str]:
    live = RefreshTokenRecord.objects.filter(user=person, revoked_at=None, expires_at__gt=timezone.now())
    return {str(family) for family in live.values_list("family", flat=True)}


def test_signing_out_everywhere_racing_refreshes_leaves_no_live_token(acme: Signup, person: User) -> None:
    """Issue 16: `POST /api/v1/me/sessions/revoke-all/` while every other tab refreshes at that moment: a token a
    refresh mints during the revocation must not survive it."""
    sessions = [login(acme.host, person.email) for _ in range(PARALLEL)]

    def revoke_all() -> Any:
        return api(acme.host, sessions[0]["access"]).post("/api/v1/me/sessions/revoke-all/")

    results = _in_parallel([revoke_all] + [_refresh_call(acme.host, s["refresh"]) for s in sessions[1:]])
    assert results[0].status_code == 204, results[0]
    assert all(getattr(r, "status_code", None) in (200, 401) for r in results[1:]), results
    assert _person_live_families(person) == set()
    for result in results[1:]:
        if result.status_code == 200:  # refreshed before the revocation: its new token was revoked with it
            assert _refresh(acme.host, result.json()["refresh"]).status_code == 401


def test_a_password_change_racing_refreshes_keeps_only_its_own_session(acme: Signup, person: User) -> None:
    sessions = [login(acme.host, person.email) for _ in range(PARALLEL)]
    own = _claims(sessions[0]["refresh"])["fam"]

    def change() -> Any:
        return api(acme.host, sessions[0]["access"]).post(
            "/api/v1/me/password/",
            {"currentPassword": PASSWORD, "newPassword": "another-long-secret-77"},
            content_type="application/json",
        )

    calls = [change, _refresh_call(acme.host, sessions[0]["refresh"])]
    calls += [_refresh_call(acme.host, s["refresh"]) for s in sessions[1:]]
    results = _in_parallel(calls)
    assert results[0].status_code == 204, results[0]
    assert results[1].status_code == 200  # the session making the change goes on
    assert _person_live_families(person) == {own}
