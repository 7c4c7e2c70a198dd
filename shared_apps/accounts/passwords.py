"""Changing one's password from inside the app (POST /api/v1/me/password/), signed in.

The current password is asked for (an access token left on a shared computer must not be enough to take
the account over); the new one passes Django's validators, as at signup. On success every other session
(refresh-token family, tokens.py) of the account ends, in every organisation and on the public host; the
one making the change stays signed in. allauth's own change (`/_allauth/app/v1/account/password/change`)
ends every session instead: its caller has no refresh token of ours to keep. The person is emailed that
their password changed (allauth's notice, through our adapter: on this organisation's name and host), and
the change is audited in the organisation where it was made. Attempts are counted in the login's rate
limits (the view), so a stolen access token gives no more guesses at the password than the login does.
"""

from __future__ import annotations

import uuid

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from tenants.models import Tenant

from .models import User
from .tokens import user_families_revoke


def _field_error(field: str, messages: list[str], code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code) for message in messages]})


def _incorrect() -> ValidationError:
    return _field_error("current_password", [_("Your current password is not correct.")], "incorrect_password")


def password_change(
    *, user: User, current_password: str, new_password: str, keep_session: uuid.UUID | str | None,
    tenant: Tenant | None = None, request: HttpRequest | None = None, ip: str | None = None,
) -> int:  # fmt: skip
    """Check the current password, validate and set the new one, end every session but `keep_session`
    (the caller's). Returns how many sessions ended. Refusals are 400s naming `current_password` (code
    `incorrect_password`) or `new_password` (`password_unchanged`, `password_weak`: one per validator
    message), and change nothing."""
    if not user.check_password(current_password):
        raise _incorrect()
    if new_password == current_password:
        raise _field_error(
            "new_password", [_("The new password must be different from the current one.")], "password_unchanged"
        )
    try:
        password_validation.validate_password(new_password, user=user)
    except ValidationError as exc:
        raise _field_error("new_password", list(exc.messages), "password_weak") from exc
    password_hash = make_password(new_password)  # slow (Argon2id): outside the transaction
    with transaction.atomic():
        # FOR NO KEY UPDATE, not FOR UPDATE: a refresh racing this holds its token's row and then inserts the
        # next token, whose foreign key takes KEY SHARE on this row; FOR UPDATE here would wait for that refresh
        # while the revocation below waits for the refresh's row: a deadlock.
        locked = User.objects.select_for_update(no_key=True).get(pk=user.pk)
        if locked.password != user.password:  # changed by a parallel request since it was checked above
            raise _incorrect()
        locked.password = password_hash
        locked.save(update_fields=["password"])
        ended = user_families_revoke(user=locked, keep=keep_session)
        audit_record(action="account.password_changed", actor=locked, tenant=tenant, target=locked, ip=ip,
                     extra={"sessions_ended": ended})  # fmt: skip
        _notify(request, locked, ip)
    password_validation.password_changed(new_password, user=locked)
    return ended


def _notify(request: HttpRequest | None, user: User, ip: str | None) -> None:
    """allauth's "your password has been changed" email (its text and translations), sent by our adapter
    (queued in this transaction; branded for this organisation only for its members). allauth itself sends
    it only with ACCOUNT_EMAIL_NOTIFICATIONS, which would also mail about every email address change."""
    from allauth.account.adapter import get_adapter

    user_agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    context = {"user": user, "timestamp": timezone.now(), "ip": ip or "", "user_agent": user_agent[:200] or "-"}
    get_adapter(request).send_mail("account/email/password_changed", user.email, context)
