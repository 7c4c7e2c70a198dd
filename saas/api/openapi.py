"""The OpenAPI schema: one per host, and every status an operation can answer documented with its body.

`AutoSchema` adds the error responses the middleware, DRF and our exception handler (saas/api/errors.py) can
produce for any operation, so views document only their success bodies and the errors particular to them
(a 401 on login, a 409). What the generic rules cannot see (a view that answers 401 without
authentication, a view's own 409) the view declares with `error_response(status)` in `extend_schema`.
The schemathesis runs in tests/schema hold the schema to what the API does.

Apart from saas/api/schema.py (the schema view): DRF imports this class while drf-spectacular defines its
views, so it must not import them.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum, ValidationErrorEnum
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: `not_found`, `rate_limited`, `request_too_large`, ...")
    detail = serializers.CharField(help_text="A sentence for people.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The camelCase field the error is about (`organisationName`, `items.0.name`), or null.",
    )


class ValidationErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ValidationErrorEnum.choices)
    errors = ErrorSerializer(many=True)  # type: ignore[assignment]  # the body's key, not Serializer.errors


class ClientErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = ErrorSerializer(many=True)  # type: ignore[assignment]  # the body's key, not Serializer.errors


class ServerErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ServerErrorEnum.choices)
    errors = ErrorSerializer(many=True)  # type: ignore[assignment]  # the body's key, not Serializer.errors


# Each status with the codes the kit answers it with (descriptions only: a client must accept new codes).
_DESCRIPTIONS = {
    "400": "Invalid input (`validation_error`, `attr` names the field) or a body that cannot be read "
    "(`client_error`: `parse_error` for malformed or too deeply nested JSON, `too_many_fields`, `too_many_files`).",
    "401": "Not authenticated, or the token is not valid on this host "
    "(`not_authenticated`, `authentication_failed`, `token_not_valid`, `invalid_credentials`, ...).",
    "403": "Authenticated but not allowed (`permission_denied`, `tenant_suspended`, `email_not_verified`, ...).",
    "404": "No such object, or one of another organisation (`not_found`).",
    "405": "The method is not allowed on this path (`method_not_allowed`).",
    "406": "No representation matches the Accept header (`not_acceptable`).",
    "409": "The request conflicts with the object's current state.",
    "413": "The request body is over the limit (`request_too_large`).",
    "415": "The body's Content-Type is not one this operation reads (`unsupported_media_type`).",
    "429": "Too many requests (`rate_limited`, `throttled`); Retry-After says when to try again.",
    "500": "A bug on our side (`error`); never details.",
    "503": "A dependency is down (`database_unavailable`, `storage_unavailable`, `payment_provider_unavailable`, "
    "`cache_unavailable`, `broker_unavailable`, `mail_unavailable`, ...); Retry-After says when to try again "
    "when that is known.",
}
_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    "500": ServerErrorResponseSerializer,
    "503": ServerErrorResponseSerializer,
}
# One instance: drf-spectacular registers it once as the component `ErrorResponse400`.
_ERROR_400 = PolymorphicProxySerializer(
    component_name="ErrorResponse400",
    serializers={
        "validation_error": ValidationErrorResponseSerializer,
        "client_error": ClientErrorResponseSerializer,
    },
    resource_type_field_name="type",
)


def error_response(status: int | str) -> OpenApiResponse:
    """The documented error body for `status`, for a view's `extend_schema(responses=...)`."""
    code = str(status)
    body: Any = _ERROR_400 if code == "400" else _SERIALIZERS.get(code, ClientErrorResponseSerializer)
    return OpenApiResponse(response=body, description=_DESCRIPTIONS.get(code, ""))


_RETRY_AFTER = {
    "schema": {"type": "integer", "minimum": 0},
    "description": "Seconds to wait before trying again.",
}
_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Django and DRF answer these for any operation; 413 and 429/503 follow from the request and the limits.
_STATUSES = ("400", "401", "403", "404", "405", "406", "413", "415", "429", "500", "503")


class AutoSchema(StandardizedErrorsAutoSchema):
    """drf-standardized-errors' error responses, in the kit's error shape and with the statuses it adds."""

    def map_parsers(self) -> list[str]:
        # JSON is the API's language: forms are still read (Django's test client, `curl -F`), but only what a
        # view reads first (multipart for uploads) or JSON is promised, so clients and fuzzers send that.
        media_types: list[str] = super().map_parsers()
        return ["application/json"] if "application/json" in media_types else media_types[:1]

    def _get_allowed_error_status_codes(self) -> list[str]:
        return list(_STATUSES)

    def _has_input(self) -> bool:
        if self.method in ("PUT", "PATCH", "POST") and self.get_request_serializer() is not None:
            return True
        return any(parameter["in"] == "query" for parameter in self._get_parameters())

    def _should_add_error_response(self, responses: dict[str, Any], status_code: str) -> bool:
        if status_code in responses:
            return False  # the view documented this one itself
        if status_code == "400":
            # A query parameter or a body: validated by a serializer (validation_error) or unreadable (parse_error).
            return self._has_input()
        if status_code == "413":
            return self.method in ("PUT", "PATCH", "POST")
        if status_code == "429":
            # Every unauthenticated write is rate limited (API.md 1.1), and some authenticated ones.
            return self.method in _UNSAFE or not self._should_add_http401_error_response()
        if status_code == "503":
            return True  # the database is behind every operation
        if status_code == "404" and self.method == "GET" and self._is_list_view():
            return True  # a page past the last (`Invalid page.`)
        return super()._should_add_error_response(responses, status_code)

    def _get_error_response_serializer(self, status_code: str) -> Any:
        return error_response(status_code).response

    def _get_response_for_code(
        self, serializer: Any, status_code: str, media_types: Any = None, direction: str = "response"
    ) -> Any:
        if _is_standardized_errors_serializer(serializer):
            # drf-standardized-errors' own error serializers pin `code` to DRF's few codes (`not_authenticated`,
            # ...); ours answer more (`token_not_valid`, `csrf_header_missing`): document the kit's shape.
            serializer = error_response(status_code)
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if status_code in _DESCRIPTIONS and not response.get("description"):
            response["description"] = _DESCRIPTIONS[status_code]
        if status_code in ("429", "503"):
            # Always on a 429; on a 503 when the dependency is expected back (not for `billing_not_configured`).
            response.setdefault("headers", {})["Retry-After"] = {**_RETRY_AFTER, "required": status_code == "429"}
        return response

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and _is_plain_char_field(field) and schema.get("type") == "string":
            # What DRF's CharField refuses, said in the schema: NUL characters always, and an empty string
            # (after trimming whitespace, when it trims) unless allow_blank.
            if field.allow_blank:
                schema.setdefault("pattern", r"^[^\x00]*$")
            elif field.trim_whitespace:
                # Spelled out, not `\s`: OpenAPI patterns are ECMA-262, whose `\s` lacks characters Python's
                # str.strip() removes (\x1c-\x1f, \x85), so a name of "\x1c" passed the pattern and was blank.
                schema.setdefault("pattern", rf"^[^\x00]*[^\x00{_PY_WHITESPACE}][^\x00]*$")
            else:
                schema.setdefault("pattern", r"^[^\x00]*$")
                schema.setdefault("minLength", 1)
        return schema


# Every character str.isspace() calls whitespace (what DRF's trim_whitespace strips), as a regex class body.
_PY_WHITESPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def _is_plain_char_field(field: Any) -> bool:
    """A CharField whose format does not already say more (emails, URLs, slugs, ... have their own)."""
    specific = (
        serializers.EmailField,
        serializers.URLField,
        serializers.RegexField,
        serializers.UUIDField,
        serializers.IPAddressField,
    )
    return isinstance(field, serializers.CharField) and not isinstance(field, specific)


def _is_standardized_errors_serializer(serializer: Any) -> bool:
    cls = serializer if isinstance(serializer, type) else type(serializer)
    return cls.__module__ == "drf_standardized_errors.openapi_serializers"
