"""The subdomain rules as the API applies them: the field a new organisation's subdomain is read with, and the
availability check (format, reserved names, taken) a serializer runs on it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from saas.api.fields import StrictCharField

from ..hosts import SUBDOMAIN_MESSAGES
from ..selectors import subdomain_availability


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


def subdomain_available(value: str) -> str:
    """`value` if a new organisation can have it; else the field's error, coded invalid, reserved or taken.

    For a serializer's `validate_<field>`: it runs only once the field itself (length, type) accepted the value.
    """
    availability = subdomain_availability(subdomain=value)
    if availability.problem is not None:
        raise serializers.ValidationError(SUBDOMAIN_MESSAGES[availability.problem], code=availability.problem.value)
    return value
