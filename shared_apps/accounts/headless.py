"""allauth headless endpoints whose rules we tighten: an account's login is only ever an address it verified.

With ACCOUNT_CHANGE_EMAIL an account has one address (its login, `User.email`) and at most one pending
change. allauth still lets an account with no verified address mark any unverified one primary (which
also rewrites `User.email`), lets an account add an address that is another account's login (enumeration
prevention; the later `User.email` write then fails on the unique index, a 500), and, when the login
itself is unverified, takes it for the pending change and deletes it. These subclasses answer 400 in
allauth's own error shape instead, naming the field.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress
from allauth.headless.account import inputs, views
from allauth.headless.internal.restkit.response import ErrorResponse
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from .models import User


def email_taken(*, email: str, user_id: int) -> bool:
    """Another account has `email` as its login or has verified it. Unverified rows of other accounts do
    not count: anyone can type anyone's address, and such a claim must not lock the owner out."""
    others_login = User.objects.filter(email__iexact=email).exclude(pk=user_id).exists()
    return (
        others_login
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exclude(user_id=user_id).exists()
    )


class AddEmailInput(inputs.AddEmailInput):
    """POST /account/email: start a change of the account's address (verified later by its link)."""

    user: User

    def clean_email(self) -> str:
        email: str = super().clean_email()
        if email_taken(email=email, user_id=self.user.pk):
            raise get_adapter().validation_error("email_taken")
        return email

    def save(self, request: HttpRequest) -> EmailAddress:
        # allauth's add_new_email discards "the" unverified address of the account before adding the new
        # one; when the login itself was never verified that is the login, and `User.email` becomes "".
        # Only a pending (non-primary) change is replaced here; the login stays until the new one is verified.
        with transaction.atomic():
            if not EmailAddress.objects.filter(user=self.user, primary=True).exists() and self.user.email:
                # Accounts made outside allauth (operators, fixtures) have no row for their login yet.
                EmailAddress.objects.get_or_create(
                    user=self.user, email=self.user.email, defaults={"primary": True, "verified": False}
                )
            EmailAddress.objects.filter(user=self.user, primary=False, verified=False).delete()
            address = EmailAddress.objects.create(user=self.user, email=self.cleaned_data["email"])
        send_verification_email_to_address(request, address)
        return address


class MarkAsPrimaryEmailInput(inputs.MarkAsPrimaryEmailInput):
    """PATCH /account/email: allauth lets an account without any verified address promote an unverified
    one (and with it `User.email`). Here only a verified address can be primary, whatever else exists."""

    def clean_email(self) -> EmailAddress:
        address: EmailAddress = super().clean_email()
        if not address.verified:
            raise get_adapter().validation_error("unverified_primary_email")
        return address


class ManageEmailView(views.ManageEmailView):
    input_class = {
        **views.ManageEmailView.input_class,
        "POST": AddEmailInput,
        "PATCH": MarkAsPrimaryEmailInput,
    }


class VerifyEmailInput(inputs.VerifyEmailInput):
    """POST /auth/email/verify: verifying a pending change makes it the login. allauth refuses when another
    account verified the address first; here also when it has become another account's login since
    (a signup): the `User.email` write would otherwise fail on the unique index."""

    def clean_key(self) -> str:
        key: str = super().clean_key()
        verification = getattr(self, "verification", None)
        address: EmailAddress | None = verification.email_address if verification is not None else None
        if address is not None and email_taken(email=address.email, user_id=address.user_id):
            raise get_adapter().validation_error("email_taken")
        return key


class VerifyEmailView(views.VerifyEmailView):
    input_class = VerifyEmailInput


def _well_formed_reset_key(key: str) -> bool:
    """`<uidb36>-<token>`, both halves present: allauth's UserTokenForm crashes (TypeError, a 500) on a key
    with an empty half instead of refusing it."""
    uidb36, _, token = key.partition("-")
    return bool(uidb36 and token)


class _ResetKeyCheck:
    cleaned_data: dict[str, str]

    def _clean_key_link(self) -> str:
        if not _well_formed_reset_key(self.cleaned_data["key"]):
            raise get_adapter().validation_error("invalid_password_reset")
        return super()._clean_key_link()  # type: ignore[misc]


class ResetPasswordKeyInput(_ResetKeyCheck, inputs.ResetPasswordKeyInput):
    """GET /auth/password/reset (the key in X-Password-Reset-Key)."""


class ResetPasswordInput(_ResetKeyCheck, inputs.ResetPasswordInput):
    """POST /auth/password/reset."""


class ResetPasswordView(views.ResetPasswordView):
    input_class = ResetPasswordInput

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get("X-Password-Reset-Key", "")
        if self.process is None and not _well_formed_reset_key(key):
            # allauth builds its own input class here; refuse the malformed key with allauth's own answer.
            key_input = ResetPasswordKeyInput({"key": key})
            key_input.is_valid()
            return ErrorResponse(request, input=key_input)
        return super().get(request, *args, **kwargs)
