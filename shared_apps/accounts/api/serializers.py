from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from saas.api.fields import StrictCharField
from shared_apps.memberships.actions import Action
from tenants.api.fields import SubdomainField, subdomain_available

from ..models import User, normalise_email
from ..selectors import user_exists
from ..signup import EMAIL_TAKEN_MESSAGE


class LoginInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = StrictCharField(max_length=256, trim_whitespace=False)


class RefreshInputSerializer(serializers.Serializer):
    refresh = StrictCharField(required=False, help_text="Omit to use the refresh cookie.")


class CodeInputSerializer(serializers.Serializer):
    code = StrictCharField(max_length=128)


# Output shapes build on two briefs, so a user or an organisation reads the same in every response.
class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class UserSerializer(UserBriefSerializer):
    full_name = StrictCharField()


class TenantBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = StrictCharField()
    subdomain = StrictCharField()


class TokenPairSerializer(serializers.Serializer):
    access = StrictCharField()
    refresh = StrictCharField()


class LoginOutputSerializer(TokenPairSerializer):
    user = UserSerializer()
    role = StrictCharField(required=False, help_text="On a tenant host: the role in this organisation.")


class MfaChallengeSerializer(serializers.Serializer):
    """A login of an account with MFA: no tokens yet, the second step (`POST /api/v1/auth/mfa/`) issues them."""

    mfa_required = serializers.BooleanField()
    mfa_token = StrictCharField(help_text="Presented with the code; works on this host for 5 minutes, 5 attempts.")
    methods = serializers.ListField(child=serializers.ChoiceField(choices=["recovery_codes", "totp", "webauthn"]))


class MfaInputSerializer(serializers.Serializer):
    mfa_token = StrictCharField(max_length=1024)
    code = StrictCharField(
        max_length=64, required=False, help_text="A code from the authenticator app, or an unused recovery code."
    )
    credential = serializers.DictField(
        required=False,
        help_text="Instead of a code: the PublicKeyCredential of navigator.credentials.get() with the options of "
        "`POST /api/v1/auth/mfa/webauthn/options/`, as JSON (WebAuthn's toJSON(): base64url fields, keys as is).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("code" in attrs) == ("credential" in attrs):
            raise serializers.ValidationError(
                {"code": [_("Send either a code or a passkey credential.")]}, code="required"
            )
        return attrs


class MfaWebAuthnOptionsInputSerializer(serializers.Serializer):
    mfa_token = StrictCharField(max_length=1024)


class MfaWebAuthnOptionsSerializer(serializers.Serializer):
    request_options = serializers.DictField(
        help_text="WebAuthn's PublicKeyCredentialRequestOptions as JSON (`{publicKey: {challenge, rpId, "
        "allowCredentials, userVerification}}`, base64url), for navigator.credentials.get()."
    )


class AccountTenantSerializer(TenantBriefSerializer):
    url = serializers.URLField()
    role = StrictCharField()
    status = StrictCharField()


class MeOrganisationSerializer(TenantBriefSerializer):
    url = serializers.URLField(help_text="Its host, where the person signs in to it.")
    role = StrictCharField()
    current = serializers.BooleanField(help_text="The organisation of this host (exactly one is).")


class PasskeyLoginInputSerializer(serializers.Serializer):
    credential = serializers.DictField(
        help_text="The PublicKeyCredential of navigator.credentials.get() with the options of "
        "`POST /api/v1/auth/passkey/options/`, as JSON (WebAuthn's toJSON(): base64url fields, keys as is)."
    )


class PasskeyLoginOptionsSerializer(serializers.Serializer):
    request_options = serializers.DictField(
        help_text="WebAuthn's PublicKeyCredentialRequestOptions as JSON (`{publicKey: {challenge, rpId, "
        'userVerification: "required"}}`, base64url, no allowCredentials: the browser offers this host\'s '
        "passkeys), for navigator.credentials.get(). The challenge works once, on this host, for 5 minutes."
    )


class MeSerializer(UserSerializer):
    avatar_url = StrictCharField(
        allow_null=True,
        help_text="The avatar (256 px at most, PNG), a link valid for 15 minutes; null when there is none (an "
        "upload shows here once it has been resized, a few seconds later).",
    )
    role = StrictCharField()
    # What this role may do here (shared_apps.memberships.actions): clients show and hide by it.
    permissions = serializers.ListField(child=serializers.ChoiceField(choices=Action.choices))
    tenant = TenantBriefSerializer()
    organisations = MeOrganisationSerializer(
        many=True,
        help_text="Every active organisation the person is a member of, this one included (`current: true`), "
        "by name: the organisation switcher.",
    )
    impersonated_by = UserBriefSerializer(allow_null=True)
    mfa_setup_required = serializers.BooleanField(
        help_text="The organisation requires MFA and this account has none: every other tenant endpoint answers "
        "403 `mfa_setup_required` until it is set up (allauth's headless authenticator endpoints)."
    )


class UrlSerializer(serializers.Serializer):
    url = serializers.URLField()


class TenantCreateInputSerializer(serializers.Serializer):
    """A new organisation: for signup, and for an existing account adding another one."""

    organisation_name = StrictCharField(max_length=200, trim_whitespace=True)
    subdomain = SubdomainField()

    def validate_subdomain(self, value: str) -> str:
        return subdomain_available(value)


class SignupInputSerializer(TenantCreateInputSerializer):
    email = serializers.EmailField(max_length=254)
    password = StrictCharField(write_only=True, trim_whitespace=False, max_length=256)
    full_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_email(self, value: str) -> str:
        email = normalise_email(value)
        if user_exists(email=email):
            raise serializers.ValidationError(EMAIL_TAKEN_MESSAGE, code="taken")
        return email

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Django's validators, including similarity to the email and name the person just typed.
        candidate = User(email=attrs["email"], full_name=attrs.get("full_name", ""))
        try:
            password_validation.validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                {"password": [serializers.ErrorDetail(message, code="password_weak") for message in exc.messages]}
            ) from exc
        return attrs


class SignupTenantSerializer(TenantBriefSerializer):
    url = serializers.URLField()
    status = StrictCharField()


class SignupOutputSerializer(serializers.Serializer):
    tenant = SignupTenantSerializer()
    user = UserBriefSerializer()


class SubdomainCheckInputSerializer(serializers.Serializer):
    # Any text: the answer says whether and why it is unavailable (`reason: invalid` for a malformed one).
    subdomain = StrictCharField(max_length=63, trim_whitespace=True)

    def validate_subdomain(self, value: str) -> str:
        return value.lower()


class SubdomainCheckOutputSerializer(serializers.Serializer):
    subdomain = StrictCharField()
    available = serializers.BooleanField()
    reason = StrictCharField(required=False, help_text="Why it is unavailable: invalid, reserved or taken.")
    detail = StrictCharField(required=False, help_text="A sentence to show next to the field.")
