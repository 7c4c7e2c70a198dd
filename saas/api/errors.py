"""One error shape everywhere: {"type", "errors": [{"code", "detail", "attr"}]} (API.md, Conventions)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.types import ErrorResponse
from rest_framework import exceptions, serializers

_SNAKE = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    return _SNAKE.sub(lambda match: match.group(1).upper(), name)


class CamelCaseExceptionFormatter(ExceptionFormatter):
    """Field names in `attr` match the camelCase keys clients send (`organisationName`, not `organisation_name`)."""

    def format_error_response(self, error_response: ErrorResponse) -> Any:
        for error in error_response.errors:
            if error.attr:
                error.attr = ".".join(camel(part) for part in error.attr.split("."))
        return super().format_error_response(error_response)


class ApiError(exceptions.APIException):
    """An error with its own status and code where DRF has no class for it (409 `export_not_ready`, ...)."""

    def __init__(self, status_code: int, code: str, detail: str) -> None:
        super().__init__(detail=detail, code=code)
        self.status_code = status_code


def as_api_validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A service's Django ValidationError (field -> messages, with codes) as DRF's, keeping the codes."""
    if hasattr(exc, "error_dict"):
        detail = {
            field: [serializers.ErrorDetail(str(e.message % (e.params or {})), code=e.code) for e in errors]
            for field, errors in exc.error_dict.items()
        }
        return serializers.ValidationError(detail)
    return serializers.ValidationError([serializers.ErrorDetail(str(e.message), code=e.code) for e in exc.error_list])


def _error(status: int, error_type: str, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"type": error_type, "errors": [{"code": code, "detail": detail, "attr": None}]}, status=status)


# Django's handlers for requests that never reach a DRF view (unknown paths, crashes outside DRF).
def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _error(404, "client_error", "not_found", "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    return _error(500, "server_error", "error", "Server Error (500)")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _error(400, "client_error", "bad_request", "Bad request.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _error(403, "client_error", "permission_denied", "You do not have permission to perform this action.")
