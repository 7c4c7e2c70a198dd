"""Issue 11 item 4: which account an accepted invitation joins.

The invited address's account is the one that verified it, else the one whose login it is; joining it
takes that account's password. An address an account merely lists unverified (a pending change: anyone
can type anyone's address) never matches: the invitation makes a new account for it, the token proving
the mailbox.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tests.factories import PASSWORD, UserFactory
from tests.helpers import PUBLIC, api
from tests.integration.memberships.test_invitations import _accept, _state, invitation

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-7"
ALLAUTH = "/_allauth/app/v1"


def _addresses(user: User) -> list[tuple[str, bool, bool]]:
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))


def _allauth(host: str, method: str, path: str, body: dict[str, Any], session: str | None = None) -> Any:
    extra = {"HTTP_X_SESSION_TOKEN": session} if session else {}
    return getattr(Client(HTTP_HOST=host), method)(f"{ALLAUTH}{path}", body, content_type="application/json", **extra)


def _preview(host: str, token: str) -> dict[str, Any]:
    response = api(host).get("/api/v1/invitations/preview/", {"token": token})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_a_squatted_address_is_joined_by_a_new_account_not_the_squatter(acme: Signup, globex: Signup) -> None:
    squatter: User = UserFactory.create(email="squatter@example.test")
    EmailAddress.objects.create(user=squatter, email=squatter.email, primary=True, verified=False)
    signed_in = _allauth(PUBLIC, "post", "/auth/login", {"email": squatter.email, "password": PASSWORD})
    session = signed_in.json()["meta"]["session_token"]
    # The squatter types the victim's address into their account and tries to make it their login.
    assert _allauth(PUBLIC, "post", "/account/email", {"email": "victim@example.test"}, session).status_code == 200
    promoted = _allauth(PUBLIC, "patch", "/account/email", {"email": "victim@example.test", "primary": True}, session)
    assert promoted.status_code == 400
    assert promoted.json()["errors"] == [
        {
            "message": "Your primary email address must be verified.",
            "code": "unverified_primary_email",
            "param": "email",
        }
    ]
    assert User.objects.get(pk=squatter.pk).email == "squatter@example.test"
    squatter_rows = _addresses(squatter)

    # acme invites the victim. The invitation is not the squatter's to accept...
    _, token = invitation(acme.tenant, "victim@example.test")
    assert _preview(acme.host, token)["accountExists"] is False
    # ...and whoever holds the link (the victim's mailbox) gets an account of their own.
    accepted = _accept(acme.host, token, NEW_PASSWORD)
    assert accepted.status_code == 200, accepted.content
    victim = User.objects.get(email="victim@example.test")
    assert victim.pk != squatter.pk
    assert accepted.json()["user"]["id"] == victim.pk
    assert _addresses(victim) == [("victim@example.test", True, True)]
    assert list(
        Membership.objects.filter(tenant=acme.tenant, user__in=[victim, squatter]).values_list("user_id", "role")
    ) == [(victim.pk, "member")]
    # The squatter's account is as it was: login, rows (the dead pending one included), no membership.
    assert User.objects.get(pk=squatter.pk).email == "squatter@example.test"
    assert _addresses(squatter) == squatter_rows
    assert User.objects.get(pk=squatter.pk).check_password(PASSWORD)


def test_an_unverified_secondary_address_never_matches(acme: Signup) -> None:
    # Rows as an older allauth setup (several addresses per account) may have left them.
    holder: User = UserFactory.create(email="holder@example.test")
    EmailAddress.objects.create(user=holder, email=holder.email, primary=True, verified=True)
    EmailAddress.objects.create(user=holder, email="typed@example.test", primary=False, verified=False)
    _, token = invitation(acme.tenant, "typed@example.test")
    assert _preview(acme.host, token)["accountExists"] is False

    # Even the holder's own password does not join the holder: a new account for the address is made.
    accepted = _accept(acme.host, token, PASSWORD)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["user"]["email"] == "typed@example.test"
    assert accepted.json()["user"]["id"] != holder.pk
    assert not Membership.objects.filter(tenant=acme.tenant, user=holder).exists()
    assert _addresses(holder) == [("holder@example.test", True, True), ("typed@example.test", False, False)]


def test_a_verified_secondary_address_matches_its_account_with_its_password(acme: Signup) -> None:
    holder: User = UserFactory.create(email="holder@example.test")
    EmailAddress.objects.create(user=holder, email=holder.email, primary=True, verified=True)
    EmailAddress.objects.create(user=holder, email="alias@example.test", primary=False, verified=True)
    _, token = invitation(acme.tenant, "alias@example.test")
    assert _preview(acme.host, token)["accountExists"] is True
    before = _state(acme.tenant)

    wrong = _accept(acme.host, token, NEW_PASSWORD)
    assert wrong.status_code == 401
    assert wrong.json() == {
        "type": "client_error",
        "errors": [{"code": "invalid_credentials", "detail": "Email or password is incorrect.", "attr": None}],
    }
    assert _state(acme.tenant) == before
    assert not User.objects.filter(email="alias@example.test").exists()

    right = _accept(acme.host, token, PASSWORD)
    assert right.status_code == 200, right.content
    assert right.json()["user"]["id"] == holder.pk
    assert Membership.objects.get(tenant=acme.tenant, user=holder).role == "member"
    assert not User.objects.filter(email="alias@example.test").exists()
    assert _addresses(holder) == [("alias@example.test", True, False), ("holder@example.test", True, True)]


def test_an_unverified_login_matches_with_its_password_and_becomes_verified(acme: Signup) -> None:
    # The login from our signup, never verified: the link proves the mailbox, the password the account.
    account: User = UserFactory.create(email="fresh@example.test")
    EmailAddress.objects.create(user=account, email=account.email, primary=True, verified=False)
    _, token = invitation(acme.tenant, "fresh@example.test")
    assert _preview(acme.host, token)["accountExists"] is True
    assert _accept(acme.host, token, NEW_PASSWORD).status_code == 401
    assert _addresses(account) == [("fresh@example.test", False, True)]

    assert _accept(acme.host, token, PASSWORD).status_code == 200
    assert Membership.objects.get(tenant=acme.tenant, user=account).role == "member"
    assert _addresses(account) == [("fresh@example.test", True, True)]
