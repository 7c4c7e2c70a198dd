"""Issue 11 item 9: a password reset asked on an organisation's host for someone who is not its member.

The answer is the one an unknown address gets, and no email carries that organisation's name or a link
to its host: a non-member gets the product's own reset email (public host), an unknown address allauth's
"no such account" notice with a public-host signup link. A member still gets the organisation's email.
Real emails: the Celery worker sends them to the aiosmtpd sink (tests/plugins/smtp.py).
"""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest
from allauth.account.models import EmailAddress

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tests.factories import PASSWORD, UserFactory
from tests.helpers import PUBLIC, login
from tests.integration.accounts.test_allauth import allauth_post
from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink, body_of

NEW_PASSWORD = "an-entirely-new-passphrase-9"
RESET_LINK = re.compile(r"(?P<base>https?://[^/\s]+)/reset-password\?key=(?P<key>\S+)")


@pytest.fixture
def mail(live_db: None, celery_worker: Worker, smtp_sink: SmtpSink) -> SmtpSink:
    return smtp_sink


def _member(email: str, signup: Signup) -> User:
    user: User = UserFactory.create(email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    Membership.objects.create(user=user, tenant=signup.tenant, role="member")
    return user


def _whole(message: EmailMessage) -> str:
    """Headers and every part, lower-cased: what must not mention the organisation anywhere."""
    return message.as_string().lower()


def test_a_non_member_gets_the_unknown_address_answer_and_no_organisation_email(
    acme: Signup, globex: Signup, mail: SmtpSink
) -> None:
    outsider = _member("outsider@example.test", globex)  # an account, but not acme's
    before = (
        User.objects.get(pk=outsider.pk).password,
        list(EmailAddress.objects.values_list("user_id", "email", "verified", "primary")),
    )

    unknown = allauth_post(acme.host, "/auth/password/request", {"email": "nobody@example.test"})
    non_member = allauth_post(acme.host, "/auth/password/request", {"email": "outsider@example.test"})
    assert unknown.status_code == non_member.status_code == 200
    assert non_member.json() == unknown.json() == {"status": 200}

    # The unknown address: allauth's notice, on the product's public host.
    notice = mail.wait_for(to="nobody@example.test")
    assert "acme" not in _whole(notice)
    assert "http://localhost/signup" in body_of(notice)
    assert body_of(notice).startswith("Hello from SaaS Kit!")

    # The non-member: the product's own reset email, linking to the public host.
    message = mail.wait_for(to="outsider@example.test")
    assert "acme" not in _whole(message)
    assert body_of(message).startswith("Hello from SaaS Kit!")
    found = RESET_LINK.search(body_of(message))
    assert found is not None, body_of(message)
    assert found["base"] == "http://localhost"
    assert mail.none_for(to="outsider@example.test", wait=1.0)  # one email, nothing else
    # Nothing changed by asking.
    assert (
        User.objects.get(pk=outsider.pk).password,
        list(EmailAddress.objects.values_list("user_id", "email", "verified", "primary")),
    ) == before

    # The link works on the public host, and the account still signs in to its own organisation only.
    reset = allauth_post(PUBLIC, "/auth/password/reset", {"key": found["key"], "password": NEW_PASSWORD})
    assert reset.status_code == 401, reset.content  # allauth: done, and not signed in
    assert login(globex.host, "outsider@example.test", NEW_PASSWORD)["role"] == "member"


def test_a_member_still_gets_the_organisations_email(acme: Signup, mail: SmtpSink) -> None:
    _member("person@example.test", acme)
    assert allauth_post(acme.host, "/auth/password/request", {"email": "person@example.test"}).status_code == 200
    message = mail.wait_for(to="person@example.test")
    assert body_of(message).startswith("Hello from Acme!")
    found = RESET_LINK.search(body_of(message))
    assert found is not None, body_of(message)
    assert found["base"] == "http://acme.localhost"
    assert "acme.localhost" in body_of(message).split("Thank you for using Acme!")[1]
    assert User.objects.get(email="person@example.test").check_password(PASSWORD)
