"""Serializer fields that accept exactly what the OpenAPI schema says they accept."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A string and only a string. DRF's CharField also takes numbers (`0` becomes `"0"`), which the schema's
    `type: string` refuses: a client sending a number has a bug we should tell it about."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))
