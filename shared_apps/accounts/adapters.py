"""django-allauth adapters: its emails go through our Celery email task, its links point at the
organisation (or public) host the request was routed to, and a password reset ends every session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.httpkit import render_url
from allauth.headless.adapter import DefaultHeadlessAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from shared_apps.memberships.models import Membership
from tenants.models import Tenant

from .emails import email_queue, site_url
from .models import User
from .tokens import tokens_revoke

PRODUCT_NAME = "SaaS Kit"


@dataclass(frozen=True)
class _Site:
    """What allauth's templates call `current_site`: ours, not a RequestSite built from the Host header."""

    name: str
    domain: str


def _request_tenant(request: HttpRequest | None) -> Tenant | None:
    # Set by tenants.middleware for every request that reached a view: a known organisation, or None
    # on the public host. Hosts it did not recognise never get this far.
    return getattr(request, "tenant", None) if request is not None else None


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

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        tenant = _request_tenant(request)
        url = site_url(tenant=tenant)
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


class HeadlessAdapter(DefaultHeadlessAdapter):
    def get_frontend_url(self, urlname: str, **kwargs: Any) -> str | None:
        """HEADLESS_FRONTEND_URLS holds paths; the host is the routed tenant's primary domain (or the
        public host), never the request's Host header."""
        path = settings.HEADLESS_FRONTEND_URLS.get(urlname)
        if not path:
            return super().get_frontend_url(urlname, **kwargs)
        base = site_url(tenant=_request_tenant(self.request)).rstrip("/")
        return render_url(self.request, f"{base}{path}", **kwargs)
