from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from .models import User, normalise_email


def user_create(*, email: str, password_hash: str, full_name: str = "") -> User:
    """Create an account from an already hashed password (hashing is slow: callers do it outside transactions)."""
    return User.objects.create(email=normalise_email(email), password=password_hash, full_name=full_name)


def email_verification_send(*, request: HttpRequest, user: User) -> None:
    """Record the account's address (unverified) and send the verification email after commit.

    allauth renders and sends it through our adapter (a Celery task queued on commit); the link points
    at the host this request came from, which routing has already validated.
    """
    from allauth.account.internal.flows.email_verification import send_verification_email_to_address
    from allauth.account.models import EmailAddress

    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": False}
    )
    if not address.verified:
        transaction.on_commit(lambda: send_verification_email_to_address(request, address, signup=True))
