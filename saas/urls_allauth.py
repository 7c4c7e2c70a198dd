"""django-allauth headless ("app" client) at /_allauth/ on every host: only the endpoints the kit uses.

allauth's own `allauth.headless.urls` mounts everything it has: phone numbers (500: our adapter has no
phone storage), login by code, its signup (accounts are made by our signup and invitations), its own
token refresh (our tokens are the kit's JWTs). Those are left out and answer 404; an allauth upgrade that
adds an endpoint adds nothing here until it is listed. Names and namespaces are allauth's
(`headless:app:account:<name>`), so its reverse() calls and its OpenAPI spec (which keeps only the paths
that resolve) see exactly this set. tests/integration/accounts/test_allauth_audit.py requests each one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from importlib import import_module
from typing import Any

from allauth import app_settings as allauth_settings
from allauth.headless import app_settings as headless_settings
from allauth.headless.account import views as account
from allauth.headless.base.views import APIView
from allauth.headless.constants import Client
from allauth.headless.mfa import views as mfa
from allauth.headless.socialaccount import views as socialaccount
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import URLPattern, URLResolver, include, path

from shared_apps.accounts.headless import ManageEmailView, ResetPasswordView, VerifyEmailView
from shared_apps.accounts.passkeys import ManageWebAuthnView
from shared_apps.accounts.social import (
    KitConfigView,
    ProviderTokenView,
    RedirectToProviderView,
    with_refresh_cookie,
)

app_name = "headless"
APP = Client.APP


def _view(view_class: type[APIView]) -> Callable[..., HttpResponseBase]:
    """allauth's view for the app client, answering 405 (allauth's body shape, with Allow) to a method
    it does not implement. allauth validates the body before Django's method check, so a TRACE or an
    OPTIONS would otherwise get a 400 about its fields, or reach the flow."""
    methods = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]
    allowed = {m.upper() for m in methods} | ({"HEAD"} if "get" in methods else set())
    # A response whose `meta` carries the kit's refresh token also sets it as the refresh cookie (API.md).
    view = with_refresh_cookie(view_class.as_api_view(client=APP))

    @wraps(view)
    def only_implemented(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in allowed:
            response = JsonResponse({"status": 405}, status=405)
            response["Allow"] = ", ".join(sorted(allowed))
            return response
        return view(request, *args, **kwargs)

    return only_implemented


def _account_patterns() -> list[URLPattern | URLResolver]:
    auth = [
        path("session", _view(account.SessionView), name="current_session"),
        path("reauthenticate", _view(account.ReauthenticateView), name="reauthenticate"),
        path("login", _view(account.LoginView), name="login"),
        path(
            "password/request",
            _view(account.RequestPasswordResetView),
            name="request_password_reset",
        ),
        path("password/reset", _view(ResetPasswordView), name="reset_password"),
        path("email/verify", _view(VerifyEmailView), name="verify_email"),
    ]
    manage = [
        path("password/change", _view(account.ChangePasswordView), name="change_password"),
        path("email", _view(ManageEmailView), name="manage_email"),
    ]
    return [path("auth/", include(auth)), path("account/", include(manage))]


def _mfa_patterns() -> list[URLPattern | URLResolver]:
    """TOTP, recovery codes and passkeys (settings.MFA_SUPPORTED_TYPES): setting them up, and the second
    factor of allauth's own login and reauthentication. Listed here rather than allauth's build_urlpatterns
    so each answers 405 like the others; allauth's passkey login and WebAuthn (re)authentication are not
    (the kit's second step takes a passkey: POST /api/v1/auth/mfa/webauthn/options/)."""
    auth = [
        path("2fa/authenticate", _view(mfa.AuthenticateView), name="authenticate"),
        path("2fa/reauthenticate", _view(mfa.ReauthenticateView), name="reauthenticate"),
    ]
    authenticators = [
        path("totp", _view(mfa.ManageTOTPView), name="manage_totp"),
        path("recovery-codes", _view(mfa.ManageRecoveryCodesView), name="manage_recovery_codes"),
        # Passkeys: creation options (GET), add (POST), rename (PUT), remove (DELETE), after reauthentication.
        path("webauthn", _view(ManageWebAuthnView), name="manage_webauthn"),
    ]
    manage: list[URLPattern | URLResolver] = [
        path("authenticators", _view(mfa.AuthenticatorsView), name="authenticators"),
        path("authenticators/", include(authenticators)),
    ]
    return [path("auth/", include(auth)), path("account/", include(manage))]


def _socialaccount_patterns() -> list[URLPattern | URLResolver]:
    """Provider login. The redirect flow starts here and goes through the public host's one callback
    (RedirectToProviderView); the token flow answers here with the kit's tokens in `meta`; the signed-in
    account lists and removes its providers (X-Session-Token). allauth's provider signup form is left out:
    a provider signs up only on the public host, automatically (no pending-signup step)."""
    auth = [
        path("provider/redirect", _view(RedirectToProviderView), name="redirect_to_provider"),
        path("provider/token", _view(ProviderTokenView), name="provider_token"),
    ]
    manage = [path("providers", _view(socialaccount.ManageProvidersView), name="manage_providers")]
    return [path("auth/", include(auth)), path("account/", include(manage))]


def _app_patterns() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = [
        # allauth's body; every provider offered on this host, redirect flow included (shared_apps/accounts/social.py).
        path("config", _view(KitConfigView), name="config"),
        path("", include((_account_patterns(), "headless"), namespace="account")),
    ]
    if allauth_settings.MFA_ENABLED:
        patterns.append(path("", include((_mfa_patterns(), "headless"), namespace="mfa")))
    if allauth_settings.SOCIALACCOUNT_ENABLED:
        patterns.append(path("", include((_socialaccount_patterns(), "headless"), namespace="socialaccount")))
    # User sessions: mounted as allauth builds them once their app is installed (it is not). The audit test
    # lists every mounted path, so enabling one fails it until audited.
    optional = [
        (allauth_settings.USERSESSIONS_ENABLED, "usersessions"),
    ]
    for enabled, name in optional:
        if enabled:
            module = import_module(f"allauth.headless.{name}.urls")
            patterns.append(path("", include((module.build_urlpatterns(APP), "headless"), namespace=name)))
    return [path("v1/", include(patterns))]


urlpatterns: list[URLPattern | URLResolver] = [
    path("app/", include((_app_patterns(), "headless"), namespace="app")),
]
if headless_settings.SERVE_SPECIFICATION:
    urlpatterns.append(path("", include("allauth.headless.spec.urls")))
