"""Social login (allauth.socialaccount, headless "app" client) through ONE callback on the public host.

OAuth providers want a fixed list of redirect URIs, so every provider redirects to
`https://<base>/accounts/<provider id>/login/callback/` (allauth's own callback view, public host only),
whichever organisation host the flow started on. The flow:

1. The browser posts allauth's form to `/_allauth/app/v1/auth/provider/redirect` on its host
   (`provider`, `process`, `callback_url`: a page of that same host, e.g. its `/login`). `RedirectToProviderView`
   checks the host is one of ours (the public host, an organisation's host on the base domain, or its verified
   custom domain: a `Domain` row) and redirects to the public host's start view with that target in SIGNED
   state (django.core.signing, 10 minutes). A `callback_url` on any other host is refused (400 `invalid_url`):
   never an open redirect.
2. `social_start` (public host) checks the signature again and hands over to allauth's provider redirect, in
   the public host's own session (allauth keeps its OAuth state there, so the callback finds it); the target
   travels in allauth's state, and a nonce in the session binds the end of the flow to this browser.
3. allauth's callback completes the login on the public host. `SocialAccountAdapter.pre_social_login` refuses
   a person who is not an active member of the target organisation (`not_a_member`), a signup anywhere but the
   public host, and an unverified email that belongs to an account (`email_taken`).
4. allauth redirects to `social_finish` (public host), which ends the public-host session and sends the browser
   to `https://<org host>/auth/handoff?code=<one-time code>` (shared_apps.accounts.login_codes, redeemed by
   POST /api/v1/auth/handoff/), or for a flow started on the public host sets the account's refresh cookie and
   goes to `/account`. A refusal lands on the target host's `callback_url` with `?error=<code>`. An account
   with MFA gets the kit's second step (`mfa_challenge_create`): `/login?mfaToken=...&methods=...` on its host.

Accepting an invitation (accept-invite's provider buttons): the form post also carries the invitation's
`invitation` token. The redirect endpoint checks it is pending on this organisation (else straight back to the
page with `?error=invitation_invalid`) and signs its flow key (memberships' invitation_flow_key: the token's
hash, never the token) into the start state; it rides in allauth's state as STATE_INVITATION. On return the
adapter accepts iff an address the provider gives equals the invited email AND the provider marks it verified
(`invitation_email_mismatch`, `invitation_email_unverified`), as the account that address signs in as (an
existing one, or a new one made in the same transaction as its membership; an address that is another
account's: `email_taken`). Seats, once-only and `already_member` are the password acceptance's rules
(invitation_accept_verified); audited `invitation.accepted` with `via`; where the organisation enforces its
SSO, only its SSO accepts a non-owner's invitation (`sso_required`). The flow then ends like any other: the
handoff to the organisation's host, signed in (or its MFA step).

allauth's token flow (POST /_allauth/app/v1/auth/provider/token) runs on the organisation's host itself: the
same adapter refuses non-members with 401, and `KitTokenStrategy` adds the kit's tenant-bound JWTs to `meta`
(an account with MFA gets allauth's own `mfa_authenticate` step first, /auth/2fa/authenticate). Connecting a
provider to an account is allauth's token flow with `process: "connect"` and the account's allauth session
(X-Session-Token), or the redirect flow with `process: "connect"` from an organisation's profile: the form post
carries a single-use connect token issued to the signed-in member (POST /api/v1/me/social/connect/,
shared_apps.accounts.social_connect) in the signed start state, and the public host's callback connects the
provider account to that token's account only (`SocialAccountAdapter._connect_to_token_account`), then sends the
browser to the host's `/profile?connected=<provider>` or `?error=` (`connect_invalid`, `connected_other`); an
organisation's SSO is not connected this way. Both start endpoints count against
the kit's `login_ip` limit. An organisation's own SSO provider (shared_apps.memberships.sso) is offered on its
host only and never signs anyone in elsewhere; where it is enforced, other providers sign in owners only.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from functools import wraps
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlencode, urlsplit

import requests
from allauth.account.internal.stagekit import get_pending_stage
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.httpkit import is_headless_request
from allauth.headless.base.response import APIResponse, get_config_data
from allauth.headless.base.views import ConfigView
from allauth.headless.internal.restkit.response import ErrorResponse
from allauth.headless.socialaccount.forms import RedirectToProviderForm
from allauth.headless.socialaccount.response import _provider_data
from allauth.headless.socialaccount.views import ProviderTokenView as AllauthProviderTokenView
from allauth.headless.socialaccount.views import RedirectToProviderView as AllauthRedirectToProviderView
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from allauth.mfa.internal.constants import LoginStageKey as MfaStageKey
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_socialaccount_adapter
from allauth.socialaccount.internal.flows.signup import get_pending_signup
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from saas.api.errors import error_body, error_response
from saas.api.ratelimit import RateLimited, RateLimitUnavailable, client_ip, rate_limit
from shared_apps.audit.services import audit_record
from shared_apps.memberships.models import Membership
from shared_apps.memberships.selectors import membership_for
from tenants.hosts import HostKind, InvalidHostError, classify_host, normalise_host
from tenants.models import Domain, Tenant
from tenants.routed import routed_tenant
from tenants.selectors import tenant_url

from .api.cookies import set_refresh_cookie
from .login_codes import login_code_create
from .mfa import mfa_challenge_create, mfa_enabled
from .models import User, normalise_email
from .social_connect import ConnectTokenInvalidError, social_connect_token_redeem
from .tokens import token_pair_issue

if TYPE_CHECKING:
    from shared_apps.memberships.models import Invitation

# A started flow must reach the provider within this many seconds (the provider's own step has allauth's
# state TTL, 10 minutes, on top).
START_MAX_AGE = 600
FINISH_MAX_AGE = 1800
_START_SALT = "shared_apps.accounts.social.start"
_FINISH_SALT = "shared_apps.accounts.social.finish"
_SESSION_NONCE = "kit_social_nonce"
# The key of allauth's state dict (kept in the public host's session) that names where the flow returns.
STATE_TARGET = "kit_target"
# ... and, for a flow started on accept-invite, which invitation it accepts (memberships' flow key: the
# pending invitation's token hash, never the token).
STATE_INVITATION = "kit_invitation"
# ... and, for a connect started on the profile, the connect token that names the account (social_connect).
STATE_CONNECT = "kit_connect"
# Error codes passed on to the login page; anything else allauth reports is shown as `unknown`.
_ERROR_CODE = re.compile(r"^[a-z_]{1,40}\Z")


class TargetRefusedError(Exception):
    """The return target is not one of our hosts (or no longer routes to the same organisation)."""


@dataclass(frozen=True)
class Target:
    """Where a flow returns: a host of ours and the organisation it routes to (None: the public host), and
    the path on that host that shows errors (the `callback_url`'s path)."""

    host: str
    tenant_id: str | None
    error_path: str

    def as_state(self) -> dict[str, Any]:
        return {"h": self.host, "t": self.tenant_id, "e": self.error_path}

    @classmethod
    def from_state(cls, raw: object) -> Target:
        if not isinstance(raw, dict) or not isinstance(raw.get("h"), str) or not isinstance(raw.get("e"), str):
            raise TargetRefusedError
        tenant_id = raw.get("t")
        return target_check(host=raw["h"], tenant_id=str(tenant_id) if tenant_id else None, error_path=raw["e"])

    @property
    def base_url(self) -> str:
        """`<scheme>://<host>[:port]` (no trailing slash)."""
        return tenant_url(host=self.host).rstrip("/")

    def tenant(self) -> Tenant | None:
        return Tenant.objects.filter(pk=self.tenant_id).first() if self.tenant_id else None


def _safe_path(path: str) -> str:
    # Only a plain absolute path of the same host: never `//evil`, `/\\evil`, a scheme or a query.
    if not path.startswith("/") or path.startswith("//") or "\\" in path or not re.fullmatch(r"[\w\-./~%]*", path):
        return "/login"
    return path


def target_check(*, host: str, tenant_id: str | None, error_path: str) -> Target:
    """The host as a return target, or TargetRefusedError. Accepted: the public host, and a host that routes to
    an active organisation (`<subdomain>.<base>` or a verified custom domain, both `Domain` rows); when
    `tenant_id` is given the host must still route to that organisation."""
    try:
        name = normalise_host(host)
    except InvalidHostError as exc:
        raise TargetRefusedError from exc
    kind = classify_host(name, settings.SAAS_BASE_DOMAIN).kind
    if kind is HostKind.PUBLIC:
        if tenant_id is not None:
            raise TargetRefusedError
        return Target(host=settings.SAAS_BASE_DOMAIN, tenant_id=None, error_path=_safe_path(error_path))
    domain = Domain.objects.select_related("tenant").filter(domain=name).first()
    if domain is None or domain.tenant.status != Tenant.Status.ACTIVE or hasattr(domain, "redirect"):
        raise TargetRefusedError
    if tenant_id is not None and str(domain.tenant_id) != tenant_id:
        raise TargetRefusedError
    return Target(host=name, tenant_id=str(domain.tenant_id), error_path=_safe_path(error_path))


def _public_url(path: str) -> str:
    return tenant_url(host=settings.SAAS_BASE_DOMAIN).rstrip("/") + path


def _request_host(request: HttpRequest) -> str:
    return normalise_host(request.META.get("HTTP_HOST", ""))


def _error_redirect(target: Target, code: str) -> HttpResponseRedirect:
    code = code if _ERROR_CODE.match(code or "") else "unknown"
    query = urlencode({"error": code, "error_process": AuthProcess.LOGIN})
    return HttpResponseRedirect(f"{target.base_url}{target.error_path}?{query}")


def _refused_page(detail: str) -> HttpResponse:
    """A browser that followed a tampered or foreign link: a plain 400 page, no redirect anywhere."""
    return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")


def _allauth_error(request: HttpRequest, *, code: str, message: str, param: str | None, status: int) -> APIResponse:
    error: dict[str, Any] = {"message": message, "code": code}
    if param:
        error["param"] = param
    return APIResponse(request, errors=[error], status=status)


def _login_limited(request: HttpRequest) -> HttpResponse | None:
    """The same per-address limit as the kit's own login (scope `login_ip`): 429 with Retry-After, or 503
    when attempts cannot be counted (fail closed)."""
    try:
        rate_limit("login_ip", client_ip(request))
    except (RateLimited, RateLimitUnavailable) as exc:
        return error_response(exc)
    return None


class ProviderTokenView(AllauthProviderTokenView):
    """allauth's token flow, rate limited like every login (counted before the token is checked)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        limited = _login_limited(request) if request.method == "POST" else None
        if limited is not None:
            return limited
        try:
            return super().dispatch(request, *args, **kwargs)
        except (requests.RequestException, OAuth2Error):
            # The provider's keys or discovery document cannot be fetched: its outage, not the client's input.
            return _provider_unavailable()


def _provider_unavailable() -> HttpResponse:
    response = error_body(503, "server_error", "provider_unavailable", "The sign-in provider cannot be reached.")
    response["Retry-After"] = "30"
    return response


class RedirectToProviderView(AllauthRedirectToProviderView):
    """allauth's redirect endpoint (a form post from the browser), except that it does not go to the provider
    from here: the OAuth state must live where the callback is, the public host. It signs this host as the
    flow's return target and redirects to the public host's `social_start`."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limited = _login_limited(request)
        if limited is not None:
            return limited
        form = RedirectToProviderForm(request.POST)
        process = request.POST.get("process")
        connect_token = request.POST.get("connect_token", "")
        if process not in (AuthProcess.LOGIN, AuthProcess.CONNECT):
            return _allauth_error(
                request,
                code="invalid",
                message="process must be login or connect.",
                param="process",
                status=HTTPStatus.BAD_REQUEST,
            )
        if process == AuthProcess.CONNECT and (not connect_token or routed_tenant(request) is None):
            # A form post carries no credential of the person to connect to: the profile's connect token
            # (POST /api/v1/me/social/connect/, an organisation's host) names the account.
            return _allauth_error(
                request,
                code="invalid",
                message="Connecting needs a connect_token from this organisation's profile.",
                param="connect_token",
                status=HTTPStatus.BAD_REQUEST,
            )
        if not form.is_valid():
            return ErrorResponse(request, input=form)
        provider = form.cleaned_data["provider"]
        callback_url = form.cleaned_data["callback_url"]
        sso_tenant = _sso_tenant_id(provider.sub_id)
        if sso_tenant is not None and (
            process == AuthProcess.CONNECT or sso_tenant != _tenant_id(routed_tenant(request))
        ):
            # An organisation's own SSO signs in on its host only, and is not connected to an account.
            return _allauth_error(
                request, code="unknown_provider", message="Unknown provider.", param="provider", status=400
            )
        parts = urlsplit(callback_url)
        try:
            if parts.netloc and normalise_host(parts.netloc) != _request_host(request):
                raise TargetRefusedError  # the flow returns to the host it started on, nowhere else
            target = target_check(
                host=_request_host(request),
                tenant_id=_tenant_id(routed_tenant(request)),
                error_path=parts.path or "/login",
            )
        except (TargetRefusedError, InvalidHostError):
            return _allauth_error(
                request,
                code="invalid_url",
                message="callback_url must be a page of this host.",
                param="callback_url",
                status=HTTPStatus.BAD_REQUEST,
            )
        start: dict[str, Any] = {"p": provider.sub_id, "r": target.as_state()}
        if process == AuthProcess.CONNECT:
            start["c"] = connect_token  # redeemed (once) when the provider has answered, never before
        token = request.POST.get("invitation")
        if token:
            # Started from accept-invite: the invitation must be pending here now (and is checked again, and
            # accepted, when the provider has answered: SocialAccountAdapter._accept_invitation).
            limited = _invitation_limited(request)
            if limited is not None:
                return limited
            key = _invitation_key(target, token)
            if key is None:
                return _error_redirect(target, "invitation_invalid")
            start["i"] = key
        state = signing.dumps(start, salt=_START_SALT)
        return HttpResponseRedirect(_public_url("/accounts/social/start/?" + urlencode({"state": state})))


def _invitation_limited(request: HttpRequest) -> HttpResponse | None:
    """The per-address limit of accepting invitations by password (scope `invitation_accept_ip`)."""
    try:
        rate_limit("invitation_accept_ip", client_ip(request))
    except (RateLimited, RateLimitUnavailable) as exc:
        return error_response(exc)
    return None


def _invitation_key(target: Target, token: str) -> str | None:
    """The flow key of the pending invitation `token` opens on the target's organisation, or None."""
    from shared_apps.memberships.invitations import invitation_flow_key
    from shared_apps.memberships.models import Invitation

    tenant = target.tenant()
    if tenant is None:
        return None  # the public host has no invitations
    try:
        return invitation_flow_key(tenant=tenant, token=token)
    except Invitation.DoesNotExist:
        return None


def _tenant_id(tenant: Tenant | None) -> str | None:
    return str(tenant.pk) if tenant is not None else None


def _sso_tenant_id(provider_id: str) -> str | None:
    """The organisation whose own SSO `provider_id` is, or None for a provider of the whole product."""
    if not provider_id.startswith("sso-"):
        return None
    from shared_apps.memberships.sso import sso_provider_by_id

    found = sso_provider_by_id(provider_id)
    return str(found[0].pk) if found is not None else provider_id  # gone since: matches no organisation


@require_GET
def social_start(request: HttpRequest) -> HttpResponse:
    """Public host: the signed start of a flow -> allauth's redirect to the provider (state in this session)."""
    try:
        payload = signing.loads(request.GET.get("state", ""), salt=_START_SALT, max_age=START_MAX_AGE)
        target = Target.from_state(payload.get("r") if isinstance(payload, dict) else None)
        provider = get_socialaccount_adapter().get_provider(request, str(payload.get("p")))
    except signing.SignatureExpired:
        return _refused_page("This sign-in has expired. Start again from the sign-in page.")
    except (signing.BadSignature, TargetRefusedError, ObjectDoesNotExist, ValueError, TypeError):
        return _refused_page("This sign-in link is not valid.")
    sso_tenant = _sso_tenant_id(provider.sub_id)
    if sso_tenant is not None and sso_tenant != target.tenant_id:
        return _refused_page("This sign-in link is not valid.")
    invitation = payload.get("i")
    if invitation is not None and (not isinstance(invitation, str) or target.tenant_id is None):
        return _refused_page("This sign-in link is not valid.")
    connect = payload.get("c")
    if connect is not None and (not isinstance(connect, str) or target.tenant_id is None or invitation is not None):
        return _refused_page("This sign-in link is not valid.")
    extra_state: dict[str, Any] = {STATE_TARGET: target.as_state()}
    if invitation is not None:
        extra_state[STATE_INVITATION] = invitation
    if connect is not None:
        extra_state[STATE_CONNECT] = connect
    nonce = secrets.token_urlsafe(16)
    request.session[_SESSION_NONCE] = nonce
    finish = signing.dumps({"n": nonce, "r": target.as_state()}, salt=_FINISH_SALT)
    next_url = _public_url("/accounts/social/finish/?" + urlencode({"state": finish}))
    try:
        response: HttpResponse = provider.redirect(
            request,
            AuthProcess.CONNECT if connect is not None else AuthProcess.LOGIN,
            next_url=next_url,
            headless=True,
            **extra_state,
        )
    except (requests.RequestException, OAuth2Error):  # an OpenID Connect provider's discovery document
        return _provider_unavailable()
    return response


@require_GET
def social_finish(request: HttpRequest) -> HttpResponse:
    """Public host: where allauth ends the flow (`?error=` when it failed). The person leaves this host's
    session behind and goes to the target host signed in (a handoff link), or to its login page with the error."""
    try:
        payload = signing.loads(request.GET.get("state", ""), salt=_FINISH_SALT, max_age=FINISH_MAX_AGE)
        target = Target.from_state(payload.get("r") if isinstance(payload, dict) else None)
    except (signing.BadSignature, TargetRefusedError, AttributeError):
        return _refused_page("This sign-in link is not valid.")
    nonce = request.session.get(_SESSION_NONCE)
    if not nonce or not secrets.compare_digest(str(nonce), str(payload.get("n"))):
        # Not the browser that started this flow (or its end was used already): touch nothing.
        return _refused_page("This sign-in link is not valid.")
    try:
        return _finish(request, target)
    finally:
        # The public host keeps no session from a provider login: the tokens and handoff are the session.
        request.session.flush()


def _finish(request: HttpRequest, target: Target) -> HttpResponse:
    error = request.GET.get("error")
    if error:
        return _error_redirect(target, error)
    user = request.user if request.user.is_authenticated else None
    mfa_pending = False
    if user is None:
        stage = get_pending_stage(request)
        if stage is not None and stage.key == MfaStageKey.MFA_AUTHENTICATE and stage.login.user is not None:
            user, mfa_pending = stage.login.user, True
        elif stage is not None:
            return _error_redirect(target, stage.key)
        elif get_pending_signup(request) is not None:
            return _error_redirect(target, "signup_incomplete")
    if not isinstance(user, User) or not user.is_active:
        return _error_redirect(target, "unknown")
    tenant = target.tenant()
    membership = None
    if target.tenant_id is not None:
        membership = membership_for(tenant=tenant, user_id=user.pk) if tenant is not None else None
        if membership is None:
            return _error_redirect(target, "not_a_member")
    if mfa_pending or mfa_enabled(user):
        # The same second step as a password login: the code goes to POST /api/v1/auth/mfa/ on that host.
        challenge = mfa_challenge_create(user=user, tenant=tenant)
        query = urlencode({"mfaToken": challenge.token, "methods": ",".join(challenge.methods)})
        return HttpResponseRedirect(f"{target.base_url}/login?{query}")
    if tenant is not None:
        code = login_code_create(user=user, tenant=tenant)
        return HttpResponseRedirect(f"{target.base_url}/auth/handoff?{urlencode({'code': code})}")
    # The public host: the account's own tokens; the page loads the access token with the refresh cookie.
    pair = token_pair_issue(user=user, tenant=None)
    response = HttpResponseRedirect(f"{target.base_url}/account")
    set_refresh_cookie(response, pair.refresh)  # type: ignore[arg-type]  # any HttpResponse takes a cookie
    return response


def _state_target(sociallogin: SocialLogin) -> Target | None:
    raw = sociallogin.state.get(STATE_TARGET)
    if raw is None:
        return None
    try:
        return Target.from_state(raw)
    except TargetRefusedError:
        raise ValidationError("This sign-in is not valid.", code="invalid_target") from None


def _account_with_login(emails: list[str]) -> bool:
    normalised = {normalise_email(e) for e in emails if e}
    return bool(normalised) and User.objects.filter(email__in=normalised).exists()


def _auto_join_email(tenant: Tenant | None, sociallogin: SocialLogin) -> str | None:
    """The verified address in the organisation's domains that lets this person auto-join, if any."""
    if tenant is None:
        return None
    from shared_apps.memberships.sso_join import sso_auto_join_email

    addresses = [(address.email, bool(address.verified)) for address in sociallogin.email_addresses]
    return sso_auto_join_email(tenant=tenant, addresses=addresses)


def _auto_join_tenant(request: HttpRequest, sociallogin: SocialLogin) -> Tenant | None:
    """The organisation this sign-in auto-joins: the flow's organisation, when the provider is its own
    SSO and it has autoJoin for one of the person's verified addresses."""
    try:
        target = _state_target(sociallogin)
    except ValidationError:
        return None
    tenant = routed_tenant(request) if target is None else target.tenant()
    sso_tenant = _sso_tenant_id(sociallogin.provider.sub_id)
    if tenant is None or sso_tenant is None or str(tenant.pk) != sso_tenant:
        return None
    return tenant if _auto_join_email(tenant, sociallogin) is not None else None


class _InvitationRefusedError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _flow_invitation(sociallogin: SocialLogin) -> tuple[Tenant, Invitation] | None:
    """For a flow started on accept-invite (STATE_INVITATION): the organisation and its invitation, still
    pending, once the provider vouched for the invited address: an address the provider gives that equals
    the invitation's email and that it marks verified. None for any other flow. _InvitationRefusedError:
    `invitation_invalid` (used, revoked, expired, resent, another organisation's), `invitation_email_mismatch`
    (no address of the provider is the invited one), `invitation_email_unverified` (it is, unverified)."""
    from shared_apps.memberships.invitations import invitation_by_flow_key
    from shared_apps.memberships.models import Invitation

    key = sociallogin.state.get(STATE_INVITATION)
    if key is None:
        return None
    try:
        target = _state_target(sociallogin)
        tenant = target.tenant() if target is not None else None
        if tenant is None or not isinstance(key, str):
            raise Invitation.DoesNotExist
        invitation = invitation_by_flow_key(tenant=tenant, key=key)
    except (Invitation.DoesNotExist, ValidationError):
        raise _InvitationRefusedError(
            "invitation_invalid", _("This invitation is no longer valid. Ask for a new one.")
        ) from None
    matching = [a for a in sociallogin.email_addresses if normalise_email(a.email or "") == invitation.email]
    if not matching:
        raise _InvitationRefusedError(
            "invitation_email_mismatch",
            _("This invitation is for another email address than the one the sign-in provider gave."),
        )
    if not any(address.verified for address in matching):
        raise _InvitationRefusedError(
            "invitation_email_unverified",
            _("The sign-in provider has not verified the invited email address. Verify it there, or use a password."),
        )
    return tenant, invitation


def _first_code(exc: ValidationError) -> str:
    """The code of a service's ValidationError, whether it names a field (already_member) or not (seats)."""
    errors = [e for es in exc.error_dict.values() for e in es] if hasattr(exc, "error_dict") else exc.error_list
    return next((str(e.code) for e in errors if e.code), "invitation_invalid")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Who a provider login may sign in as, and where."""

    def _refuse(self, request: HttpRequest, code: str, message: str) -> NoReturn:
        if is_headless_request(request):
            # allauth's token flow: the same 401 for "no account" and "not a member" (nothing to enumerate).
            status = HTTPStatus.BAD_REQUEST if code == "email_taken" else HTTPStatus.UNAUTHORIZED
            raise ImmediateHttpResponse(_allauth_error(request, code=code, message=message, param=None, status=status))
        # The redirect flow: allauth sends the browser to the flow's next URL with ?error=<code>.
        raise ValidationError(message, code=code)

    def _invitation_refuse(self, request: HttpRequest, exc: _InvitationRefusedError) -> NoReturn:
        self._refuse(request, exc.code, exc.message)

    def _accept_invitation(self, request: HttpRequest, sociallogin: SocialLogin, tenant: Tenant, user: User) -> None:
        """The invitation consumed (exactly once: memberships locks it) and `user` a member; refused
        otherwise with the service's code (`already_member`, `seat_limit_reached`, `invitation_invalid`)."""
        from shared_apps.memberships.invitations import invitation_accept_verified
        from shared_apps.memberships.models import Invitation

        key = str(sociallogin.state.get(STATE_INVITATION))
        try:
            membership = invitation_accept_verified(
                tenant=tenant, key=key, user=user, via=sociallogin.provider.sub_id, ip=client_ip(request) or None
            )
        except Invitation.DoesNotExist:
            self._refuse(request, "invitation_invalid", _("This invitation is no longer valid. Ask for a new one."))
        except ValidationError as exc:
            self._refuse(request, _first_code(exc), " ".join(exc.messages))
        self._sso_check(request, tenant, membership, sociallogin)

    def _invitation_login(
        self, request: HttpRequest, sociallogin: SocialLogin, tenant: Tenant, invitation: Invitation
    ) -> None:
        """A provider login started from accept-invite: the person it signs in as joins by the invitation.
        An existing account joins here; for a new one allauth signs up (is_open_for_signup) and save_user
        joins it in the same transaction."""
        from shared_apps.memberships.invitations import invited_account
        from shared_apps.memberships.models import Membership as MembershipModel
        from shared_apps.memberships.sso import SsoRequiredError, provider_id_for, sso_enforced

        if (
            invitation.role != MembershipModel.Role.OWNER
            and sociallogin.provider.sub_id != provider_id_for(tenant)
            and sso_enforced(tenant)
        ):
            # The member it would make could not sign in this way: nothing is consumed, the SSO is the way in.
            self._refuse(request, "sso_required", str(SsoRequiredError.default_detail))
        expected = invited_account(email=invitation.email)
        taken = _("An account already uses this email address. Sign in to it first, then connect this provider.")
        if not sociallogin.is_existing:
            if expected is not None:
                # The invited address is an account's that this provider is not connected to (nor its login):
                # that account accepts with its password.
                self._refuse(request, "email_taken", taken)
            assert sociallogin.user is not None
            sociallogin.user.email = invitation.email  # the new account's login is the invited address
            return
        user = sociallogin.user
        assert isinstance(user, User)
        if expected is not None and expected.pk != user.pk:
            self._refuse(request, "email_taken", taken)
        if not user.is_active:
            self._refuse(request, "invitation_invalid", _("This invitation is no longer valid. Ask for a new one."))
        self._accept_invitation(request, sociallogin, tenant, user)

    def _connect_to_token_account(self, request: HttpRequest, sociallogin: SocialLogin) -> NoReturn:
        """The public host's end of a connect started on an organisation's profile: the provider account is
        connected to the connect token's account (never to an account its email points to, verified or not),
        and the browser goes back to that host's /profile (`?connected=<provider>` or `?error=<code>`)."""
        try:
            target = _state_target(sociallogin)
        except ValidationError:
            target = None
        tenant = target.tenant() if target is not None else None
        if target is None or tenant is None:
            raise ImmediateHttpResponse(_refused_page("This sign-in link is not valid."))
        error = self._connect(request, sociallogin, tenant, str(sociallogin.state.get(STATE_CONNECT)))
        if error is None:
            query = urlencode({"connected": sociallogin.provider.sub_id})
        else:
            query = urlencode({"error": error, "error_process": AuthProcess.CONNECT})
        response = HttpResponseRedirect(f"{target.base_url}/profile?{query}")
        # Nothing of the provider's login stays on the public host: nobody was signed in here.
        request.session.flush()
        raise ImmediateHttpResponse(response)

    def _connect(self, request: HttpRequest, sociallogin: SocialLogin, tenant: Tenant, token: str) -> str | None:
        """None once connected (or already connected to this account), else the error code."""
        try:
            with transaction.atomic():
                user = social_connect_token_redeem(token=token, tenant=tenant)
                # The token is spent whatever follows: a refused connect starts again from the profile.
                account = sociallogin.account
                if account.pk is not None:
                    # allauth found this provider account already connected (lookup by provider and uid).
                    return None if account.user_id == user.pk else "connected_other"
                with transaction.atomic():
                    # allauth's connect: the account row (provider, uid, extra_data) and its tokens for this
                    # user. Its email addresses are not added (allauth does not on connect either), so an
                    # address the provider did not verify never becomes a way into this account.
                    sociallogin.connect(request, user)
                audit_record(
                    action="account.social_connected",
                    actor=user,
                    tenant=tenant,
                    target=user,
                    ip=client_ip(request) or None,
                    extra={"provider": sociallogin.provider.sub_id, "uid": account.uid},
                )
        except ConnectTokenInvalidError:
            return "connect_invalid"
        except IntegrityError:
            # The same provider account connected concurrently (provider and uid are unique).
            return "connected_other"
        return None

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.state.get(STATE_CONNECT) is not None:
            self._connect_to_token_account(request, sociallogin)
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            return  # allauth's own rules (an account connected to someone else: connected_other)
        target = _state_target(sociallogin)
        tenant = routed_tenant(request) if target is None else target.tenant()
        organisation = tenant is not None or (target is not None and target.tenant_id is not None)
        sso_tenant = _sso_tenant_id(sociallogin.provider.sub_id)
        if sso_tenant is not None and (tenant is None or str(tenant.pk) != sso_tenant):
            # An organisation's own IdP vouches for people on that organisation's host only: never for an
            # account on the public host or elsewhere (its owner controls what it asserts).
            self._refuse(request, "not_a_member", "You are not a member of this organisation.")
        try:
            invited = _flow_invitation(sociallogin)
        except _InvitationRefusedError as exc:
            self._invitation_refuse(request, exc)
        if invited is not None:
            self._invitation_login(request, sociallogin, *invited)
            return
        auto_join = _auto_join_email(tenant, sociallogin) if sso_tenant is not None else None
        if not sociallogin.is_existing:
            if organisation and auto_join is None:
                # No account (or only an unverified address of one): the same answer as for a non-member.
                self._refuse(request, "not_a_member", "You are not a member of this organisation.")
            if organisation:
                return  # autoJoin: allauth signs the person up (is_open_for_signup), save_user joins them
            # allauth matched verified addresses only (SOCIALACCOUNT_EMAIL_AUTHENTICATION); an address it did
            # not match that is an account's login was not verified by the provider: never that account.
            if _account_with_login([address.email for address in sociallogin.email_addresses]):
                self._refuse(
                    request,
                    "email_taken",
                    "An account already uses this email address. Sign in to it first, then connect this provider.",
                )
            return
        if organisation:
            assert sociallogin.user is not None
            membership = membership_for(tenant=tenant, user_id=sociallogin.user.pk) if tenant is not None else None
            if membership is None and auto_join is not None and tenant is not None and sociallogin.user.is_active:
                assert isinstance(sociallogin.user, User)
                membership = self._auto_join(request, tenant, sociallogin.user, auto_join)
            if membership is None or not sociallogin.user.is_active:
                self._refuse(request, "not_a_member", "You are not a member of this organisation.")
            assert tenant is not None and membership is not None
            self._sso_check(request, tenant, membership, sociallogin)

    def _sso_check(
        self, request: HttpRequest, tenant: Tenant, membership: Membership, sociallogin: SocialLogin
    ) -> None:
        """Where the organisation enforces its SSO, another provider signs in its owners only (audited)."""
        from shared_apps.memberships.sso import SsoRequiredError, provider_id_for, sso_login_check

        provider_id = sociallogin.provider.sub_id
        if provider_id == provider_id_for(tenant):
            return
        try:
            sso_login_check(tenant=tenant, membership=membership, method=provider_id, ip=client_ip(request) or None)
        except SsoRequiredError as exc:
            message = str(exc.detail)
            if is_headless_request(request):
                body = _allauth_error(request, code="sso_required", message=message, param=None, status=403)
                raise ImmediateHttpResponse(body) from exc
            raise ValidationError(message, code="sso_required") from exc

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """A provider creates an account on the public host (joining no organisation), or, for an
        organisation's own SSO with autoJoin, for a verified address in its domains (joining it), or by an
        invitation whose address the provider verified (joining by it)."""
        if sociallogin.state.get(STATE_INVITATION) is not None:
            try:
                return _flow_invitation(sociallogin) is not None
            except _InvitationRefusedError:
                return False
        if _auto_join_tenant(request, sociallogin) is not None:
            return True
        if routed_tenant(request) is not None:
            return False
        target = sociallogin.state.get(STATE_TARGET)
        return target is None or (isinstance(target, dict) and not target.get("t"))

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> AbstractBaseUser:
        if sociallogin.state.get(STATE_INVITATION) is not None:
            # The account and its membership together or neither: a refused acceptance leaves no account.
            with transaction.atomic():
                try:
                    invited = _flow_invitation(sociallogin)
                except _InvitationRefusedError as exc:
                    self._invitation_refuse(request, exc)
                assert invited is not None
                user = super().save_user(request, sociallogin, form)
                assert isinstance(user, User)
                self._accept_invitation(request, sociallogin, invited[0], user)
            return user
        tenant = _auto_join_tenant(request, sociallogin)
        if tenant is None:
            return super().save_user(request, sociallogin, form)
        # The account and its membership together or neither: a refused join (seats) leaves no account.
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            assert isinstance(user, User)
            email = _auto_join_email(tenant, sociallogin)
            if email is None or self._auto_join(request, tenant, user, email) is None:
                self._refuse(request, "not_a_member", "You are not a member of this organisation.")
        return user

    def _auto_join(self, request: HttpRequest, tenant: Tenant, user: User, email: str) -> Membership | None:
        from shared_apps.memberships.sso_join import sso_auto_join

        try:
            return sso_auto_join(tenant=tenant, user=user, email=email, ip=client_ip(request) or None)
        except ValidationError as exc:
            # The plan's seats are taken: the person is told, and nothing is created.
            self._refuse(request, "seat_limit_reached", " ".join(exc.messages))

    def authenticate_by_email(self, sociallogin: SocialLogin) -> tuple[AbstractBaseUser, str] | None:
        """A verified provider email signs in only as the account whose login it is (as a password does),
        never through another account's pending, unverified address row."""
        for address in sociallogin.email_addresses:
            if not address.verified or not self.can_authenticate_by_email(sociallogin, address.email):
                continue
            user = User.objects.filter(email=normalise_email(address.email), is_active=True).first()
            if user is not None:
                return user, address.email
        return None

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]) -> AbstractBaseUser:
        user = super().populate_user(request, sociallogin, data)
        assert isinstance(user, User)
        user.email = normalise_email(user.email or "")
        name = data.get("name") or " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
        user.full_name = str(name or "")[:200]
        return user

    def list_apps(
        self, request: HttpRequest, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        # Settings only (GITHUB_*, GOOGLE_*, OIDC_PROVIDERS): no SocialApp rows are read, so nothing added in
        # the admin offers a provider the environment does not configure.
        from allauth.socialaccount.adapter import _build_apps_from_settings

        apps = [
            app for group in _build_apps_from_settings(provider=provider, client_id=client_id).values() for app in group
        ]
        apps.extend(_sso_apps(request, provider, client_id))
        return apps


def _sso_apps(request: HttpRequest | None, provider: str | None, client_id: str | None) -> list[SocialApp]:
    """An organisation's own OpenID Connect provider (shared_apps.memberships.sso): offered on its host only,
    and found by its id on the public host too, where its callback runs."""
    from shared_apps.memberships.sso import sso_provider_by_id, sso_provider_for_tenant

    tenant = routed_tenant(request) if request is not None else None
    if provider is not None:
        found = sso_provider_by_id(provider) if provider.startswith("sso-") else None
        if found is None or (tenant is not None and found[0].pk != tenant.pk):
            return []
        config = found[1]
    else:
        sso = sso_provider_for_tenant(tenant) if tenant is not None else None
        if sso is None:
            return []
        config = sso
    if client_id and config["client_id"] != client_id:
        return []
    return [SocialApp(provider="openid_connect", **config)]


class KitConfigView(ConfigView):
    """GET /_allauth/app/v1/config: allauth's body, with every provider offered on this host (allauth lists
    only token-flow providers to an app client; ours also use the redirect flow, through the public host)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from allauth.headless.mfa.response import get_config_data as get_mfa_config_data

        data = get_config_data(request)
        providers = sorted(get_socialaccount_adapter().list_providers(request), key=lambda p: p.name)
        data["socialaccount"] = {
            "providers": [
                _provider_data(request, p) for p in providers if p.supports_redirect or p.supports_token_authentication
            ]
        }
        data.update(get_mfa_config_data(request))
        return APIResponse(request, data=data)


class KitTokenStrategy(SessionTokenStrategy):
    """allauth's session tokens (X-Session-Token, for its own endpoints), plus the kit's JWTs in `meta` once
    allauth has signed someone in: `access_token` and `refresh_token`, bound to this host's organisation
    (only for an active member: the adapters let nobody else sign in there), or account tokens on the public host."""

    def create_access_token_payload(self, request: HttpRequest) -> dict[str, Any] | None:
        user = request.user
        if not isinstance(user, User) or not user.is_active:
            return None
        tenant = routed_tenant(request)
        membership: Membership | None = None
        if tenant is not None:
            membership = membership_for(tenant=tenant, user_id=user.pk)
            if membership is None:
                return None
        pair = token_pair_issue(user=user, tenant=tenant, membership=membership)
        return {"access_token": pair.access, "refresh_token": pair.refresh}


def with_refresh_cookie(view: Any) -> Any:
    """An allauth view whose answer carries the kit's refresh token in `meta` (a login through allauth on an
    organisation's host or the public host) also sets the refresh cookie, as every kit login does."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = view(request, *args, **kwargs)
        if response.status_code == HTTPStatus.OK and response.get("Content-Type", "").startswith("application/json"):
            try:
                meta = json.loads(response.content).get("meta") or {}
            except (ValueError, AttributeError):
                meta = {}
            refresh = meta.get("refresh_token") if isinstance(meta, dict) else None
            if isinstance(refresh, str):
                set_refresh_cookie(response, refresh)  # type: ignore[arg-type]  # any HttpResponse takes a cookie
        return response

    return wrapped
