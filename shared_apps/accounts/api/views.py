"""Login, token refresh and logout on every host; handoff redemption on tenant hosts; the account's
organisation switcher on the public host. `me` (the signed-in person on a tenant host) is in profile.py."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saas.api.openapi import error_response
from saas.api.pagination import PageNumberPagination
from saas.api.parsers import JSONParser
from saas.api.ratelimit import client_ip, rate_limit
from shared_apps.accounts.login_codes import LoginCodeInvalidError, login_code_redeem
from shared_apps.accounts.mfa import (
    MfaChallengeError,
    mfa_challenge_create,
    mfa_challenge_verify,
    mfa_enabled,
    mfa_webauthn_options,
)
from shared_apps.accounts.models import LoginCode, User, normalise_email
from shared_apps.accounts.passkey_login import PasskeyLoginError, passkey_login_options, passkey_login_verify
from shared_apps.accounts.signals import RefreshRefusedError, handoff_redeemed
from shared_apps.accounts.signup import tenant_create
from shared_apps.accounts.tokens import (
    TokenInvalidError,
    TokenPair,
    token_family_revoke,
    token_pair_issue,
    token_refresh,
)
from shared_apps.audit.services import audit_record
from shared_apps.memberships.models import Membership
from shared_apps.memberships.permissions import IsAccount
from shared_apps.memberships.selectors import membership_for, tenants_of
from shared_apps.memberships.sso import sso_login_check
from tenants.hosts import subdomain_of
from tenants.routed import routed_tenant
from tenants.selectors import tenant_primary_domain, tenant_url

from .cookies import clear_refresh_cookie, refresh_from, set_refresh_cookie
from .serializers import (
    AccountTenantSerializer,
    CodeInputSerializer,
    LoginInputSerializer,
    LoginOutputSerializer,
    MfaChallengeSerializer,
    MfaInputSerializer,
    MfaWebAuthnOptionsInputSerializer,
    MfaWebAuthnOptionsSerializer,
    PasskeyLoginInputSerializer,
    PasskeyLoginOptionsSerializer,
    RefreshInputSerializer,
    TenantCreateInputSerializer,
    TokenPairSerializer,
    UrlSerializer,
)
from .switch import handoff_url


class InvalidCredentials(exceptions.APIException):
    """One answer for a wrong password, an unknown email and a non-member: nothing to enumerate."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = gettext_lazy("Email or password is incorrect.")
    default_code = "invalid_credentials"


class EmailNotVerified(exceptions.APIException):
    """Only after the password was right: says nothing to someone who does not know it."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = gettext_lazy("Verify your email address first: use the link we sent you (or ask for a new one).")
    default_code = "email_not_verified"


def _email_verified(user: User) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


class LinkNotValid(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = gettext_lazy("This sign-in link is not valid. Links work once, for one minute: ask for a new one.")
    default_code = "link_not_valid"


class RefreshNotValid(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = gettext_lazy("Refresh token is missing, expired or revoked. Sign in again.")
    default_code = "token_not_valid"


def _user(request: Request) -> User:
    assert isinstance(request.user, User)  # IsAccount / IsTenantMember ran first
    return request.user


def user_payload(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "full_name": user.full_name}


def session_response(pair: TokenPair, user: User, membership: Membership | None) -> Response:
    body: dict[str, Any] = {"access": pair.access, "refresh": pair.refresh, "user": user_payload(user)}
    if membership is not None:
        body["role"] = membership.role
    return set_refresh_cookie(Response(LoginOutputSerializer(body).data), pair.refresh)


class PublicEndpoint(APIView):
    authentication_classes = ()
    permission_classes = ()


class MfaTokenRefused(exceptions.APIException):
    """The mfaToken is a credential, like a handoff code: one that no longer works is a 401 (sign in again)."""

    status_code = status.HTTP_401_UNAUTHORIZED


def _mfa_refused(exc: MfaChallengeError, field: str = "code") -> exceptions.APIException:
    if exc.code in ("invalid_code", "webauthn_unavailable"):  # the token is fine, the answer is not
        return exceptions.ValidationError({field: [exceptions.ErrorDetail(exc.detail, code=exc.code)]})
    return MfaTokenRefused(detail=exc.detail, code=exc.code)


class _CredentialJSONParser(JSONParser):
    """camelCase JSON, except a WebAuthn `credential`: fido2 reads its keys as the browser wrote them
    (rawId, clientDataJSON, authenticatorData...)."""

    json_underscoreize = {**JSONParser.json_underscoreize, "ignore_fields": ("credential",)}


LOGIN_RESPONSE = PolymorphicProxySerializer(
    component_name="LoginResponse",
    serializers=[LoginOutputSerializer, MfaChallengeSerializer],
    resource_type_field_name=None,
)


class LoginView(PublicEndpoint):
    """Sign in. On a tenant host: a token for that organisation, members only. On the public host: the
    account token (tenant claim "public") for the organisation switcher and operators. An account with
    MFA gets no tokens here: `{mfaRequired: true, mfaToken, methods}`, then `POST /api/v1/auth/mfa/`.
    Where the organisation enforces its SSO, members get 403 `sso_required` (owners still sign in, audited)."""

    @extend_schema(
        request=LoginInputSerializer,
        responses={200: LOGIN_RESPONSE, 401: error_response(401), 403: error_response(403)},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = normalise_email(data.validated_data["email"])
        rate_limit("login_ip", client_ip(request._request))
        rate_limit("login_email", email)
        user = authenticate(request._request, email=email, password=data.validated_data["password"])
        if not isinstance(user, User):
            raise InvalidCredentials
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not _email_verified(user):
            raise EmailNotVerified
        tenant = routed_tenant(request)
        membership = None
        if tenant is not None:
            membership = membership_for(tenant=tenant, user_id=user.id)
            if membership is None:
                raise InvalidCredentials
            # SSO enforced: 403 `sso_required` for members; owners' break-glass login passes, audited.
            sso_login_check(tenant=tenant, membership=membership, ip=client_ip(request._request) or None)
        if mfa_enabled(user):
            challenge = mfa_challenge_create(user=user, tenant=tenant)
            body = {"mfa_required": True, "mfa_token": challenge.token, "methods": challenge.methods}
            return Response(MfaChallengeSerializer(body).data)
        pair = token_pair_issue(user=user, tenant=tenant, membership=membership)
        return session_response(pair, user, membership)


class MfaWebAuthnOptionsView(PublicEndpoint):
    """A passkey for the second step (`methods` has "webauthn"): WebAuthn request options for the login's
    account, for this `mfaToken` only; then `POST /api/v1/auth/mfa/ {mfaToken, credential}`. An account
    without a passkey: 400 `webauthn_unavailable`; a token that no longer works: 401 as for the codes."""

    @extend_schema(
        request=MfaWebAuthnOptionsInputSerializer,
        responses={200: MfaWebAuthnOptionsSerializer, 400: error_response(400), 401: error_response(401)},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = MfaWebAuthnOptionsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rate_limit("mfa", client_ip(request._request))
        try:
            options = mfa_webauthn_options(token=data.validated_data["mfa_token"], tenant=routed_tenant(request))
        except MfaChallengeError as exc:
            raise _mfa_refused(exc, "mfa_token") from exc
        return Response(MfaWebAuthnOptionsSerializer({"request_options": options}).data)


class MfaView(PublicEndpoint):
    """The second step of a login with MFA: the login's `mfaToken` and a TOTP or recovery code (`code`), or
    a passkey's assertion (`credential`, see MfaWebAuthnOptionsView), give the same answer as a password
    login. A wrong code (or a used recovery code, or a TOTP code used already) or a refused assertion: 400
    `invalid_code` (attr `code`, or `credential`). A token that no longer works answers 401, and the client signs in
    again: `mfa_token_invalid` (tampered, from another host, already redeemed), `mfa_token_expired`
    (older than 5 minutes), `mfa_attempts_exceeded` (5 wrong codes). Codes per client address are limited
    too (scope `mfa`: 429)."""

    parser_classes = (_CredentialJSONParser,)

    @extend_schema(
        request=MfaInputSerializer,
        responses={200: LoginOutputSerializer, 400: error_response(400), 401: error_response(401)},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = MfaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rate_limit("mfa", client_ip(request._request))
        tenant = routed_tenant(request)
        credential = data.validated_data.get("credential")
        try:
            user = mfa_challenge_verify(
                token=data.validated_data["mfa_token"],
                code=data.validated_data.get("code"),
                credential=credential,
                tenant=tenant,
            )
        except MfaChallengeError as exc:
            raise _mfa_refused(exc, "credential" if credential is not None else "code") from exc
        membership = None
        if tenant is not None:
            membership = membership_for(tenant=tenant, user_id=user.id)
            if membership is None:  # removed from the organisation since the password step
                raise InvalidCredentials
        pair = token_pair_issue(user=user, tenant=tenant, membership=membership)
        return session_response(pair, user, membership)


class PasskeyRefused(exceptions.APIException):
    """A passkey that signs nobody in here: one answer, like a wrong password (nothing to enumerate)."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = gettext_lazy("This passkey cannot sign you in here. Try again, or use your password.")
    default_code = "passkey_invalid"


class PasskeyNotPasswordless(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "passkey_not_passwordless"


class PasskeyLoginOptionsView(PublicEndpoint):
    """The start of a passwordless sign-in with a passkey: WebAuthn request options for this host (no body).
    Then `POST /api/v1/auth/passkey/` with the assertion. Counts against the login limit (scope `login_ip`)."""

    @extend_schema(request=None, responses={200: PasskeyLoginOptionsSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        rate_limit("login_ip", client_ip(request._request))
        options = passkey_login_options(tenant=routed_tenant(request))
        return Response(PasskeyLoginOptionsSerializer({"request_options": options}).data)


class PasskeyLoginView(PublicEndpoint):
    """Sign in with a passkey alone (one added for passwordless sign-in: the browser verified the person, so it
    is both factors and no second step follows): the same answer as a password login, a token for this
    organisation, members only (on the public host: the account token). Refused with 401 `passkey_invalid`
    for any assertion that signs nobody in here (another challenge or host, an unknown passkey, a bad
    signature, a non-member); 400 `invalid` on `credential` for a body that is no assertion at all; 403
    `passkey_not_passwordless` for a passkey added as a second step only; and, where the organisation
    enforces its SSO, 403 `sso_required` for members (owners pass, audited). Counts against the login limit
    (scope `login_ip`); audited `mfa.passkey_login`."""

    parser_classes = (_CredentialJSONParser,)

    @extend_schema(
        request=PasskeyLoginInputSerializer,
        responses={
            200: LoginOutputSerializer,
            400: error_response(400),
            401: error_response(401),
            403: error_response(403),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = PasskeyLoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ip = client_ip(request._request)
        rate_limit("login_ip", ip)
        tenant = routed_tenant(request)
        try:
            user, passkey = passkey_login_verify(tenant=tenant, credential=data.validated_data["credential"])
        except PasskeyLoginError as exc:
            if exc.code == "invalid":
                detail = exceptions.ErrorDetail(exc.detail, code=exc.code)
                raise exceptions.ValidationError({"credential": [detail]}) from exc
            if exc.code == "passkey_not_passwordless":
                raise PasskeyNotPasswordless(detail=exc.detail) from exc
            raise PasskeyRefused from exc
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not _email_verified(user):
            raise EmailNotVerified
        membership = None
        if tenant is not None:
            membership = membership_for(tenant=tenant, user_id=user.id)
            if membership is None:
                raise PasskeyRefused
            sso_login_check(tenant=tenant, membership=membership, method="passkey", ip=ip or None)
        pair = token_pair_issue(user=user, tenant=tenant, membership=membership)
        audit_record(
            action="mfa.passkey_login",
            actor=user,
            tenant=tenant,
            target=user,
            ip=ip or None,
            extra={"passkey": passkey.wrap().name},
        )
        return session_response(pair, user, membership)


_COOKIE_CSRF_DOC = (
    "Without `refresh` in the body the `refresh_token` cookie is used, and then the request must carry the "
    "header `X-Requested-With` (any value); without it: 403 `csrf_header_missing`, and nothing changes. "
    "Clients that send the token in the body need no header."
)


class RefreshView(PublicEndpoint):
    @extend_schema(
        request=RefreshInputSerializer,
        responses={200: TokenPairSerializer, 401: error_response(401), 403: error_response(403)},
        tags=["auth"],
        description=(
            "Rotate a refresh token: a new pair of the same family, and the refresh cookie is set to the new "
            "token. The presented token is then rotated; presented again within "
            "`JWT_REFRESH_REUSE_GRACE_SECONDS` (default 10) of its rotation (parallel tabs, a retried request) "
            "it answers 200 with another working pair of the same family. Presented after that window it "
            "revokes the whole family (every token descended from that login): 401 `token_not_valid`. "
            + _COOKIE_CSRF_DOC
        ),
    )
    def post(self, request: Request) -> Response:
        rate_limit("refresh_ip", client_ip(request._request))
        RefreshInputSerializer(data=request.data).is_valid(raise_exception=True)  # a malformed body is a 400
        raw = refresh_from(request)
        if not raw:
            raise RefreshNotValid
        try:
            pair = token_refresh(raw=raw, tenant=routed_tenant(request), ip=client_ip(request._request) or None)
        except RefreshRefusedError as exc:  # a `refresh_requested` receiver said why (impersonation ended)
            raise RefreshNotValid(detail=exc.detail, code=exc.code) from exc
        except TokenInvalidError as exc:
            raise RefreshNotValid from exc
        body = TokenPairSerializer({"access": pair.access, "refresh": pair.refresh}).data
        return set_refresh_cookie(Response(body), pair.refresh)


class LogoutView(PublicEndpoint):
    @extend_schema(
        request=RefreshInputSerializer,
        responses={204: None, 403: error_response(403)},
        tags=["auth"],
        description=(
            "End the session: the token's whole family is revoked and the refresh cookie cleared (204, also "
            "when the token was already unusable). " + _COOKIE_CSRF_DOC
        ),
    )
    def post(self, request: Request) -> Response:
        RefreshInputSerializer(data=request.data).is_valid(raise_exception=True)  # a malformed body is a 400
        raw = refresh_from(request)
        if raw:
            with contextlib.suppress(TokenInvalidError):  # already unusable: logging out still succeeds
                token_family_revoke(raw=raw, tenant=routed_tenant(request))
        return clear_refresh_cookie(Response(status=status.HTTP_204_NO_CONTENT))


class HandoffRedeemView(PublicEndpoint):
    """Exchange a one-time link's code (handoff or impersonation) for a token pair on this host."""

    @extend_schema(
        request=CodeInputSerializer, responses={200: LoginOutputSerializer, 401: error_response(401)}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        rate_limit("handoff_ip", client_ip(request._request))
        data = CodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = routed_tenant(request)
        if tenant is None:
            raise exceptions.NotFound
        with transaction.atomic():
            try:
                login = login_code_redeem(code=data.validated_data["code"], tenant=tenant)
            except LoginCodeInvalidError as exc:
                raise LinkNotValid from exc
            membership = membership_for(tenant=tenant, user_id=login.user_id)
            if membership is None or not login.user.is_active:
                raise LinkNotValid
            extra: dict[str, Any] = {}
            if login.purpose == LoginCode.Purpose.IMPERSONATION and login.actor_id:
                extra["imp"] = login.actor_id
            pair = token_pair_issue(user=login.user, tenant=tenant, membership=membership, extra=extra)
            # In the transaction: an impersonation's grant is bound to this family, or nothing is redeemed.
            ip = client_ip(request._request) or None
            handoff_redeemed.send(sender=HandoffRedeemView, login=login, pair=pair, ip=ip)
        return session_response(pair, login.user, membership)


class AccountTenantsView(APIView):
    """The organisations of the signed-in account (public host), and adding another one."""

    permission_classes = (IsAccount,)
    pagination_class = PageNumberPagination  # read by the schema: the list is paginated

    @extend_schema(responses={200: AccountTenantSerializer(many=True)}, tags=["account"])
    def get(self, request: Request) -> Response:
        memberships = tenants_of(user_id=_user(request).id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(memberships, request, view=self) or []
        rows = []
        for membership in page:
            host = tenant_primary_domain(tenant=membership.tenant)
            rows.append(
                {
                    "id": membership.tenant.id,
                    "name": membership.tenant.name,
                    "subdomain": subdomain_of(host, settings.SAAS_BASE_DOMAIN),
                    "url": tenant_url(host=host),
                    "role": membership.role,
                    "status": membership.tenant.status,
                }
            )
        return paginator.get_paginated_response(AccountTenantSerializer(rows, many=True).data)

    @extend_schema(request=TenantCreateInputSerializer, responses={201: AccountTenantSerializer}, tags=["account"])
    def post(self, request: Request) -> Response:
        rate_limit("signup_ip", client_ip(request._request))
        data = TenantCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant, host = tenant_create(
            name=data.validated_data["organisation_name"],
            subdomain=data.validated_data["subdomain"],
            owner=_user(request),
        )
        body = {
            "id": tenant.id,
            "name": tenant.name,
            "subdomain": data.validated_data["subdomain"],
            "url": tenant_url(host=host),
            "role": Membership.Role.OWNER,
            "status": tenant.status,
        }
        return Response(AccountTenantSerializer(body).data, status=status.HTTP_201_CREATED)


class HandoffCreateView(APIView):
    """A one-time link (valid 60 s) that signs the account into one of its organisations."""

    permission_classes = (IsAccount,)

    @extend_schema(
        request=None,
        responses={200: UrlSerializer, 403: error_response(403), 404: error_response(404)},
        tags=["account"],
    )
    def post(self, request: Request, tenant_id: str) -> Response:
        return Response(UrlSerializer({"url": handoff_url(request, user=_user(request), tenant_id=tenant_id)}).data)
