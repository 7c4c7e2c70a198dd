"""django-allauth adapters: its emails go through our Celery email task, its links point at the
organisation (or public) host the request was routed to, an organisation's name and host appear only in
emails about its own members, an email signs in only as the account whose login it is, and a password
reset ends every session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import LoginMethod
from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.core.internal.httpkit import render_url
from allauth.headless.adapter import DefaultHeadlessAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from shared_apps.memberships.models import Membership
from tenants.models import Tenant
from tenants.routed import routed_tenant

from .emails import email_queue, site_url
from .models import User, normalise_email
from .tokens import tokens_revoke

PRODUCT_NAME = "SaaS Kit"


@dataclass(frozen=True)
class _Site:
    """What allauth's templates call `current_site`: ours, not a RequestSite built from the Host header."""

    name: str
    domain: str


def _request_tenant(request: HttpRequest | None) -> Tenant | None:
    # An adapter made without a request (allauth's get_adapter() outside a view) has None here.
    return routed_tenant(request) if request is not None else None


def _is_active_member(user: object, tenant: Tenant) -> bool:
    return isinstance(user, User) and Membership.objects.filter(user_id=user.pk, tenant=tenant, is_active=True).exists()


def _rehomed(context: dict[str, Any], *, src: str, dst: str) -> dict[str, Any]:
    """The context with every link allauth built on `src` (an organisation's site_url) moved to `dst`.
    allauth builds its links (reset, verification, signup) before the recipient is known to us; both
    bases come from site_url, so a prefix match is exact."""
    return {k: dst + v[len(src) :] if isinstance(v, str) and v.startswith(src) else v for k, v in context.items()}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by our signup API (with an organisation) and by invitations.
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """On an organisation's host, only its active members sign in, as with our own login: a
        non-member gets exactly what a wrong password gets. On the public host, any account."""
        user = super().authenticate(request, **credentials)
        tenant = _request_tenant(request)
        if user is None or tenant is None:
            return user
        if not Membership.objects.filter(user_id=user.pk, tenant=tenant, is_active=True).exists():
            return None
        return user

    def can_delete_email(self, email_address: EmailAddress) -> bool:
        # The login itself never goes (allauth would fall back to any other row, verified or not); a
        # change replaces it once verified, and a pending change can be withdrawn.
        if email_address.pk and email_address.email == getattr(email_address.user, "email", None):
            return False
        return bool(super().can_delete_email(email_address))

    def send_password_reset_mail(self, user: AbstractBaseUser, email: str, context: dict[str, Any]) -> None:
        """allauth finds accounts by any of their address rows; a reset link goes only to an address the
        account signs in with (its login) or has verified. A pending, unverified change is not yet a way
        into the account."""
        assert isinstance(user, User)
        address = normalise_email(email)
        if (
            address != user.email
            and not EmailAddress.objects.filter(user=user, email__iexact=address, verified=True).exists()
        ):
            return
        super().send_password_reset_mail(user, email, context)

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        # send_mail brands by the account an email is about; allauth leaves it out of a notification's context.
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """On an organisation's host, an email carries its name and links to its host only when it is
        about one of its active members (`context["user"]`). A non-member's reset, an unknown address's
        notice: the product's own email with public-host links, exactly what the public host sends, so an
        organisation's forms never mail its name to someone outside it (and answer as for anyone else)."""
        request = allauth_context.request
        routed = _request_tenant(request)
        tenant = routed if routed is not None and _is_active_member(context.get("user"), routed) else None
        url = site_url(tenant=tenant)
        if routed is not None and tenant is None:
            context = _rehomed(context, src=site_url(tenant=routed), dst=url)
        ctx = {
            "request": request,
            "email": email,
            "current_site": _Site(name=(tenant.name if tenant else "") or PRODUCT_NAME, domain=urlsplit(url).netloc),
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        body = message.body if isinstance(message.body, str) else str(message.body)
        email_queue(to=list(message.to), subject=str(message.subject), body=body)

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        """Password reset and change: every refresh token of the account, in every organisation, dies."""
        user.set_password(password)
        user.save(update_fields=["password"])
        assert isinstance(user, User)
        tokens_revoke(user=user)


class AuthenticationBackend(AllauthAuthenticationBackend):
    """allauth's backend (timing-attack mitigation, inactive accounts reported as such), except that an
    email signs in only as the account whose login (`User.email`) it is. allauth's own also accepts any
    EmailAddress row of an account, verified or not, so an address someone merely typed into their
    account would sign in to it."""

    def _authenticate_by_email(self, email: str, password: str) -> AbstractBaseUser | None:
        if not email or LoginMethod.EMAIL not in account_settings.LOGIN_METHODS:
            return None
        return self._check_password(User.objects.filter(email=normalise_email(email)).first(), password)


class HeadlessAdapter(DefaultHeadlessAdapter):
    def get_frontend_url(self, urlname: str, **kwargs: Any) -> str | None:
        """HEADLESS_FRONTEND_URLS holds paths; the host is the routed tenant's primary domain (or the
        public host), never the request's Host header."""
        path = settings.HEADLESS_FRONTEND_URLS.get(urlname)
        if not path:
            return super().get_frontend_url(urlname, **kwargs)
        base = site_url(tenant=_request_tenant(self.request)).rstrip("/")
        return render_url(self.request, f"{base}{path}", **kwargs)
