from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from saas.api.fields import StrictCharField
from shared_apps.accounts.api.serializers import TenantBriefSerializer, UserBriefSerializer
from shared_apps.accounts.models import User, normalise_email
from shared_apps.accounts.selectors import user_exists

from ..hosts import SUBDOMAIN_MESSAGES
from ..selectors import subdomain_availability
from ..services import EMAIL_TAKEN_MESSAGE


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[A-Za-z0-9][A-Za-z0-9-]{1,61}[A-Za-z0-9]$",
        "description": "3-63 letters, digits and inner hyphens (lower-cased); reserved and taken names are refused.",
    }
)
class SubdomainField(StrictCharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=63, trim_whitespace=True, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return str(super().to_internal_value(data)).lower()


class TenantCreateInputSerializer(serializers.Serializer):
    """A new organisation: for signup, and for an existing account adding another one."""

    organisation_name = StrictCharField(max_length=200, trim_whitespace=True)
    subdomain = SubdomainField()

    def validate_subdomain(self, value: str) -> str:
        availability = subdomain_availability(subdomain=value)
        if availability.problem is not None:
            raise serializers.ValidationError(SUBDOMAIN_MESSAGES[availability.problem], code=availability.problem.value)
        return value


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
