"""Issue 11 item 4: an address becomes an account's login only once verified (allauth headless on our hosts).

One address per account (ACCOUNT_CHANGE_EMAIL): its login. A change is a pending second address that
replaces the login when its link is followed. Until then it signs in to nothing, is not primary, and
an address another account uses is refused with allauth's 400 naming the field, never a 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.conf import settings
from django.test import Client, override_settings

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tests.factories import PASSWORD, UserFactory
from tests.helpers import PUBLIC, api
from tests.integration.accounts.test_allauth import ALLAUTH, allauth_post, mailed_key
from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink

UNVERIFIED_PRIMARY = {
    "status": 400,
    "errors": [
        {
            "message": "Your primary email address must be verified.",
            "code": "unverified_primary_email",
            "param": "email",
        }
    ],
}
TAKEN = "A user is already registered with this email address."


@pytest.fixture
def mail(live_db: None, celery_worker: Worker, smtp_sink: SmtpSink) -> SmtpSink:
    return smtp_sink


def _account(email: str, tenant: Any, *, verified: bool = False) -> User:
    """An account as our signup leaves it: the login is its one address, primary, verified or not."""
    user: User = UserFactory.create(email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    Membership.objects.create(user=user, tenant=tenant, role="member")
    return user


def _session(host: str, email: str) -> str:
    signed_in = allauth_post(host, "/auth/login", {"email": email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.content
    token: str = signed_in.json()["meta"]["session_token"]
    return token


def _email(host: str, method: str, session: str, body: dict[str, Any]) -> Any:
    return getattr(Client(HTTP_HOST=host), method)(
        f"{ALLAUTH}/account/email", body, content_type="application/json", HTTP_X_SESSION_TOKEN=session
    )


def _addresses(user: User) -> list[tuple[str, bool, bool]]:
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))


def _login_status(host: str, email: str) -> int:
    response = api(host).post(
        "/api/v1/auth/login/", {"email": email, "password": PASSWORD}, content_type="application/json"
    )
    return int(response.status_code)


def _owner_of(key: str) -> int:
    confirmation = EmailConfirmationHMAC.from_key(key)
    assert confirmation is not None
    return int(confirmation.email_address.user_id)


def test_an_unverified_address_never_becomes_the_login(acme: Signup, live_db: None, mail: SmtpSink) -> None:
    squatter = _account("squatter@example.test", acme.tenant)
    session = _session(acme.host, "squatter@example.test")

    # Adding someone else's address starts a change: it is mailed a link, and that is all.
    added = _email(acme.host, "post", session, {"email": "victim@example.test"})
    assert added.status_code == 200, added.content
    mailed_key(mail, "victim@example.test", "verify-email")
    pending = [("squatter@example.test", False, True), ("victim@example.test", False, False)]
    assert _addresses(squatter) == pending

    # allauth would let an account without a verified address make any address primary (and its login).
    promoted = _email(acme.host, "patch", session, {"email": "victim@example.test", "primary": True})
    assert promoted.status_code == 400
    assert promoted.json() == UNVERIFIED_PRIMARY
    assert User.objects.get(pk=squatter.pk).email == "squatter@example.test"
    assert _addresses(squatter) == pending

    # The pending address signs in to nothing: our login, allauth's login...
    assert _login_status(acme.host, "victim@example.test") == 401
    assert _login_status(PUBLIC, "victim@example.test") == 401
    wrong = allauth_post(PUBLIC, "/auth/login", {"email": "squatter@example.test", "password": "wrong-1"})
    by_pending = allauth_post(PUBLIC, "/auth/login", {"email": "victim@example.test", "password": PASSWORD})
    assert by_pending.status_code == wrong.status_code == 400
    assert by_pending.json() == wrong.json()
    # ...and it receives no reset link for the squatter's account.
    reset = allauth_post(PUBLIC, "/auth/password/request", {"email": "victim@example.test"})
    assert reset.status_code == 200
    assert mail.none_for(to="victim@example.test", wait=2.0)
    assert _login_status(acme.host, "squatter@example.test") == 200


def test_an_address_another_account_uses_answers_400(acme: Signup, live_db: None, mail: SmtpSink) -> None:
    person = _account("person@example.test", acme.tenant)
    unverified_login = _account("other@example.test", acme.tenant)  # a login, never verified
    verified_alias = UserFactory.create(email="holder@example.test")
    EmailAddress.objects.create(user=verified_alias, email="alias@example.test", verified=True, primary=False)
    session = _session(acme.host, "person@example.test")
    before = {u.pk: _addresses(u) for u in (person, unverified_login, verified_alias)}

    for taken in ("Other@Example.test", "alias@example.test"):
        refused = _email(acme.host, "post", session, {"email": taken})
        assert refused.status_code == 400, taken
        assert refused.json() == {
            "status": 400,
            "errors": [{"message": TAKEN, "code": "email_taken", "param": "email"}],
        }

    assert {u.pk: _addresses(u) for u in (person, unverified_login, verified_alias)} == before
    assert User.objects.get(pk=person.pk).email == "person@example.test"
    assert mail.none_for(to="other@example.test", wait=1.0)
    assert mail.none_for(to="alias@example.test", wait=1.0)


def test_two_accounts_claiming_one_address_get_400_never_500(acme: Signup, live_db: None, mail: SmtpSink) -> None:
    first = _account("first@example.test", acme.tenant)
    second = _account("second@example.test", acme.tenant)
    sessions = {
        first.pk: _session(acme.host, "first@example.test"),
        second.pk: _session(acme.host, "second@example.test"),
    }

    # Nobody has the address yet: both may ask to change to it (neither blocks the other)... With
    # production's allauth limit on verification emails (the test run scales every limit up).
    limits = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": "1/180s/key"}
    with override_settings(ACCOUNT_RATE_LIMITS=limits):
        for user in (first, second):
            assert _email(acme.host, "post", sessions[user.pk], {"email": "shared@example.test"}).status_code == 200
    _, mailed = mailed_key(mail, "shared@example.test", "verify-email")
    assert _owner_of(mailed) == first.pk
    # allauth mails one verification per address per 180 s (links stay valid): the second request sent
    # none. Its link would carry the same HMAC key as this one.
    assert mail.none_for(to="shared@example.test", wait=1.0)
    pending = EmailAddress.objects.get(user=second, email="shared@example.test")
    keys = {first.pk: mailed, second.pk: EmailConfirmationHMAC(pending).key}
    # ...neither may make it primary (today the second of these answered 500: accounts_user_email_key).
    for user in (first, second):
        promoted = _email(acme.host, "patch", sessions[user.pk], {"email": "shared@example.test", "primary": True})
        assert promoted.status_code == 400
        assert promoted.json() == UNVERIFIED_PRIMARY
    assert User.objects.get(pk=first.pk).email == "first@example.test"
    assert User.objects.get(pk=second.pk).email == "second@example.test"

    # The mailbox's owner follows the first link: that account's login changes.
    verified = allauth_post(acme.host, "/auth/email/verify", {"key": keys[first.pk]})
    assert verified.status_code == 401, verified.content  # allauth: done, and this client is not signed in
    assert User.objects.get(pk=first.pk).email == "shared@example.test"
    assert _addresses(first) == [("shared@example.test", True, True)]

    # The second link now names an address another account signs in with.
    before = _addresses(second)
    late = allauth_post(acme.host, "/auth/email/verify", {"key": keys[second.pk]})
    assert late.status_code == 400
    assert late.json() == {"status": 400, "errors": [{"message": TAKEN, "code": "email_taken", "param": "key"}]}
    assert User.objects.get(pk=second.pk).email == "second@example.test"
    assert _addresses(second) == before
    # Its dead pending row can be withdrawn; asking again is refused as taken.
    assert _email(acme.host, "delete", sessions[second.pk], {"email": "shared@example.test"}).status_code == 200
    again = _email(acme.host, "post", sessions[second.pk], {"email": "shared@example.test"})
    assert again.status_code == 400
    assert again.json()["errors"] == [{"message": TAKEN, "code": "email_taken", "param": "email"}]


def test_a_change_replaces_the_login_only_once_verified(acme: Signup, live_db: None, mail: SmtpSink) -> None:
    # The login was never verified: allauth's own change flow would take it for the pending address and
    # delete it (User.email = ""). It stays until the new address is verified.
    person = _account("person@example.test", acme.tenant)
    session = _session(acme.host, "person@example.test")

    assert _email(acme.host, "post", session, {"email": "typo@example.test"}).status_code == 200
    _, stale_key = mailed_key(mail, "typo@example.test", "verify-email")
    # A second change replaces the first pending one, whose link stops working.
    assert _email(acme.host, "post", session, {"email": "new@example.test"}).status_code == 200
    _, key = mailed_key(mail, "new@example.test", "verify-email")
    assert _addresses(person) == [("new@example.test", False, False), ("person@example.test", False, True)]
    assert User.objects.get(pk=person.pk).email == "person@example.test"
    assert _login_status(acme.host, "new@example.test") == 401
    assert _login_status(acme.host, "person@example.test") == 200

    stale = allauth_post(acme.host, "/auth/email/verify", {"key": stale_key})
    assert stale.status_code == 400
    assert stale.json()["errors"][0]["code"] == "invalid_or_expired_key"
    assert stale.json()["errors"][0]["param"] == "key"
    assert _addresses(person) == [("new@example.test", False, False), ("person@example.test", False, True)]

    verified = allauth_post(acme.host, "/auth/email/verify", {"key": key})
    assert verified.status_code == 401, verified.content
    assert User.objects.get(pk=person.pk).email == "new@example.test"
    assert _addresses(person) == [("new@example.test", True, True)]
    assert _login_status(acme.host, "new@example.test") == 200
    assert _login_status(acme.host, "person@example.test") == 401


def test_the_login_cannot_be_removed_but_a_pending_change_can(acme: Signup, live_db: None) -> None:
    person = _account("person@example.test", acme.tenant, verified=True)
    session = _session(acme.host, "person@example.test")
    assert _email(acme.host, "post", session, {"email": "new@example.test"}).status_code == 200

    removed = _email(acme.host, "delete", session, {"email": "person@example.test"})
    assert removed.status_code == 400
    assert removed.json() == {
        "status": 400,
        "errors": [
            {
                "message": "You cannot remove your primary email address.",
                "code": "cannot_remove_primary_email",
                "param": "email",
            }
        ],
    }
    assert _addresses(person) == [("new@example.test", False, False), ("person@example.test", True, True)]

    withdrawn = _email(acme.host, "delete", session, {"email": "new@example.test"})
    assert withdrawn.status_code == 200
    assert [row["email"] for row in withdrawn.json()["data"]] == ["person@example.test"]
    assert _addresses(person) == [("person@example.test", True, True)]
    assert User.objects.get(pk=person.pk).email == "person@example.test"


def test_verifying_an_address_that_became_another_login_answers_400(
    acme: Signup, live_db: None, mail: SmtpSink
) -> None:
    person = _account("person@example.test", acme.tenant, verified=True)
    session = _session(acme.host, "person@example.test")
    assert _email(acme.host, "post", session, {"email": "late@example.test"}).status_code == 200
    _, key = mailed_key(mail, "late@example.test", "verify-email")
    # Meanwhile someone signs up with that address (our signup: an unverified login).
    newcomer = _account("late@example.test", acme.tenant)
    before = {person.pk: _addresses(person), newcomer.pk: _addresses(newcomer)}

    response = allauth_post(acme.host, "/auth/email/verify", {"key": key})
    assert response.status_code == 400
    assert response.json() == {"status": 400, "errors": [{"message": TAKEN, "code": "email_taken", "param": "key"}]}
    assert {person.pk: _addresses(person), newcomer.pk: _addresses(newcomer)} == before
    assert User.objects.get(pk=person.pk).email == "person@example.test"
    assert User.objects.get(pk=newcomer.pk).email == "late@example.test"
