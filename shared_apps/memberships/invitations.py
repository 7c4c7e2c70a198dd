"""Invitations: services (write, inside transactions) and selectors (read, always by tenant).

Rules (API.md, issue 3): owners and admins invite; an inviter grants at most their own role; the token
has 256 bits from a CSPRNG and only its SHA-256 is stored; an invitation works once, on its own
organisation's host, until it expires (INVITATION_TTL_HOURS) or is revoked; resending issues a new
token and kills the old one; the seat hook is consulted on create and on accept under a row lock on
the tenant, and pending invitations take a seat.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.accounts.emails import email_queue, email_render, site_url
from shared_apps.accounts.models import User, normalise_email
from shared_apps.accounts.services import user_create
from shared_apps.accounts.signup import unique_conflicts_as_field_errors
from shared_apps.audit.services import audit_record
from tenants.models import Tenant

from .models import ROLE_RANK, Invitation, Membership
from .seats import seat_check
from .services import membership_create

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # lazy translations, for the annotations only

TOKEN_BYTES = 32  # 256 bits


class InvitationCredentialsError(Exception):
    """The invited email has an account and the password given is not its password."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expiry() -> timedelta:
    return timedelta(hours=settings.INVITATION_TTL_HOURS)


def _lock_tenant(tenant: Tenant) -> None:
    # Seat checks and invitation state changes of one organisation serialise on its row.
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()


# ---- selectors ------------------------------------------------------------------------------------------


def _open(tenant: Tenant) -> QuerySet[Invitation]:
    return Invitation.objects.filter(tenant=tenant, accepted_at=None, revoked_at=None)


def invitation_list(*, tenant: Tenant) -> QuerySet[Invitation]:
    """Pending invitations (not accepted, revoked or expired), oldest first."""
    return _open(tenant).filter(expires_at__gt=timezone.now()).select_related("invited_by").order_by("created_at", "id")


def invitation_by_token(*, tenant: Tenant, token: str) -> Invitation:
    """The pending invitation of this organisation with this token. DoesNotExist for anything else:
    unknown, expired, revoked, used, or another organisation's (one answer, nothing to probe)."""
    if not token or len(token) > 200:
        raise Invitation.DoesNotExist
    return invitation_list(tenant=tenant).select_related("tenant").get(token_hash=_token_hash(token))


def invited_account(*, email: str) -> User | None:
    """The account an invitation to `email` belongs to: the one that verified the address, else the one
    whose login it is. Never an account that merely lists it unverified (a pending change, anyone can
    type anyone's address): for that address the invitation makes a new account, its token proving the
    mailbox. Accepting into a matched account takes that account's password as well."""
    email = normalise_email(email)
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    if verified is not None:
        return verified.user
    return User.objects.filter(email=email).first()


def account_exists(*, email: str) -> bool:
    return invited_account(email=email) is not None


# ---- services -------------------------------------------------------------------------------------------


def _may_handle(actor: Membership, role: str) -> bool:
    if actor.role not in (Membership.Role.OWNER, Membership.Role.ADMIN):
        return False
    return ROLE_RANK[Membership.Role(role)] <= actor.rank


# The role as the email says it, in the language the email is written in.
ROLE_LABELS: dict[str, StrOrPromise] = {
    Membership.Role.OWNER: gettext_lazy("owner"),
    Membership.Role.ADMIN: gettext_lazy("admin"),
    Membership.Role.MEMBER: gettext_lazy("member"),
}


def _queue_email(*, invitation: Invitation, token: str, inviter: User | None) -> None:
    tenant = invitation.tenant
    context = {
        "organisation_name": tenant.name,
        "inviter_name": (inviter.full_name or inviter.email) if inviter else tenant.name,
        "role": ROLE_LABELS.get(invitation.role, invitation.role),
        "expires_at": invitation.expires_at,
        # The organisation's primary domain, never the request's Host header.
        "accept_url": f"{site_url(tenant=tenant)}accept-invite?token={token}",
    }
    subject, body = email_render(template_prefix="memberships/email/invitation", context=context)
    email_queue(to=[invitation.email], subject=subject, body=body)


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def invitation_create(*, tenant: Tenant, inviter: Membership, email: str, role: str) -> Invitation:
    """Invite `email` as `role`; the email with the link is sent after commit."""
    email = normalise_email(email)
    if not _may_handle(inviter, role):
        raise PermissionDenied(_("You can invite people with at most your own role."))
    with unique_conflicts_as_field_errors(), transaction.atomic():
        _lock_tenant(tenant)
        if Membership.objects.filter(tenant=tenant, is_active=True, user__email=email).exists():
            raise _field_error(
                "email", _("%(email)s is already a member of this organisation.") % {"email": email}, "already_member"
            )
        existing = _open(tenant).select_for_update().filter(email=email).first()
        if existing is not None:
            if existing.status == Invitation.Status.PENDING:
                raise _field_error(
                    "email", _("%(email)s already has a pending invitation.") % {"email": email}, "already_invited"
                )
            # Expired: it no longer counts; close it so the new one can be the open one.
            existing.revoked_at = timezone.now()
            existing.save(update_fields=["revoked_at"])
        seat_check(tenant=tenant)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invitation = Invitation.objects.create(
            tenant=tenant,
            email=email,
            role=role,
            token_hash=_token_hash(token),
            invited_by=inviter.user,
            expires_at=timezone.now() + _expiry(),
        )
        _queue_email(invitation=invitation, token=token, inviter=inviter.user)
        audit_record(
            action="invitation.created", actor=inviter.user, tenant=tenant, target=invitation, extra={"role": role}
        )
    return invitation


def _locked_open(tenant: Tenant, invitation_id: UUID, actor: Membership) -> Invitation:
    invitation = _open(tenant).select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise Invitation.DoesNotExist
    if not _may_handle(actor, invitation.role):
        raise PermissionDenied(_("Your role does not allow managing this invitation."))
    return invitation


def invitation_revoke(*, tenant: Tenant, actor: Membership, invitation_id: UUID) -> None:
    with transaction.atomic():
        invitation = _locked_open(tenant, invitation_id, actor)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(action="invitation.revoked", actor=actor.user, tenant=tenant, target=invitation)


def invitation_resend(*, tenant: Tenant, actor: Membership, invitation_id: UUID) -> Invitation:
    """A new token (the old link stops working) and a fresh expiry; pending or expired invitations only."""
    with transaction.atomic():
        _lock_tenant(tenant)
        invitation = _locked_open(tenant, invitation_id, actor)
        if invitation.status == Invitation.Status.EXPIRED:
            seat_check(tenant=tenant, excluding_invitation=invitation)  # it takes a seat again
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invitation.token_hash = _token_hash(token)
        invitation.expires_at = timezone.now() + _expiry()
        invitation.save(update_fields=["token_hash", "expires_at"])
        _queue_email(invitation=invitation, token=token, inviter=actor.user)
        audit_record(action="invitation.resent", actor=actor.user, tenant=tenant, target=invitation)
    return invitation


def invitation_accept(*, tenant: Tenant, token: str, password: str, full_name: str = "") -> Membership:
    """Join the organisation as the invited email's account (invited_account): created with `password` if it has
    none; otherwise `password` must be that account's (InvitationCredentialsError)."""
    invitation = invitation_by_token(tenant=tenant, token=token)
    user = invited_account(email=invitation.email)
    password_hash = ""
    # Password checks and hashing are slow on purpose: done before the transaction takes its locks.
    if user is not None:
        if not user.is_active or not user.check_password(password):
            raise InvitationCredentialsError
    else:
        try:
            validate_password(password, user=User(email=invitation.email, full_name=full_name))
        except ValidationError as exc:
            raise ValidationError({"password": exc.error_list}) from exc
        password_hash = make_password(password)

    return _accept(tenant=tenant, invitation=invitation, user=user, password_hash=password_hash, full_name=full_name)


def invitation_flow_key(*, tenant: Tenant, token: str) -> str:
    """What a provider sign-in started from accept-invite carries in its signed state instead of the token:
    the pending invitation's token hash (the token itself stays out of URLs and sessions). DoesNotExist like
    invitation_by_token. A resend issues a new token, so a flow started with the old one no longer matches."""
    return invitation_by_token(tenant=tenant, token=token).token_hash


def invitation_by_flow_key(*, tenant: Tenant, key: str) -> Invitation:
    """The pending invitation of this organisation that `key` (invitation_flow_key) names; DoesNotExist for
    anything else (used, revoked, expired, resent since, or another organisation's)."""
    if not isinstance(key, str) or len(key) != 64:
        raise Invitation.DoesNotExist
    return invitation_list(tenant=tenant).get(token_hash=key)


def invitation_accept_verified(*, tenant: Tenant, key: str, user: User, via: str, ip: str | None = None) -> Membership:
    """Join as `user`, whom a sign-in provider vouches for: it verified an address equal to the invitation's
    email (the caller checks that, shared_apps.accounts.social), so no password is asked. The same rules as
    invitation_accept: once, while pending, seats under the tenant lock, `already_member`; audited
    `invitation.accepted` with `via` (the provider id)."""
    invitation = invitation_by_flow_key(tenant=tenant, key=key)
    return _accept(tenant=tenant, invitation=invitation, user=user, extra={"via": via}, ip=ip)


def _accept(
    *,
    tenant: Tenant,
    invitation: Invitation,
    user: User | None,
    password_hash: str = "",
    full_name: str = "",
    extra: dict[str, str] | None = None,
    ip: str | None = None,
) -> Membership:
    """The invitation consumed and the membership made, together or neither. `user` None: the account is
    created for the invited email (with `password_hash`)."""
    with unique_conflicts_as_field_errors(), transaction.atomic():
        _lock_tenant(tenant)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:  # used or revoked while we hashed
            raise Invitation.DoesNotExist
        if user is None:
            user = user_create(email=invitation.email, password_hash=password_hash, full_name=full_name)
        membership = Membership.objects.filter(user=user, tenant=tenant).first()
        if membership is not None and membership.is_active:
            raise _field_error(
                "token",
                _("%(email)s is already a member of this organisation.") % {"email": user.email},
                "already_member",
            )
        seat_check(tenant=tenant, excluding_invitation=invitation)
        if membership is None:
            membership = membership_create(user=user, tenant=tenant, role=Membership.Role(invitation.role))
        else:
            Membership.objects.filter(pk=membership.pk).update(
                role=invitation.role, is_active=True, version=F("version") + 1
            )
            membership.refresh_from_db()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(action="invitation.accepted", actor=user, tenant=tenant, target=invitation, ip=ip, extra=extra)
        _email_verified(user=user, email=invitation.email)
    return membership


def _email_verified(*, user: User, email: str) -> None:
    """The invitation reached this mailbox: the address is verified (allauth's record of it). `user` is
    the invited_account of `email` (its login or already its verified address) or was just made for it."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=not has_primary)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
