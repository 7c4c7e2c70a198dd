"""One error shape everywhere: {"type", "errors": [{"code", "detail", "attr"}]} (API.md, Conventions).

Every exception is translated here, once: views raise domain exceptions or Django's own and hold no
try/except for translation. `api_exception_for` is the one table from exception to status and code; the
DRF handler uses it for API views, `ErrorShapeMiddleware` for every other view (allauth's, the admin's).
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import botocore.exceptions
import kombu.exceptions
import redis.exceptions
import stripe
from django.core.exceptions import (
    ObjectDoesNotExist,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler as StandardizedExceptionHandler
from drf_standardized_errors.types import ErrorResponse
from rest_framework import exceptions, serializers

from saas.api.exceptions import RequestTooLarge, ServiceUnavailable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # lazy translations, for the annotations only

logger = logging.getLogger(__name__)
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


_STORAGE_DOWN = (
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ConnectionError,
    botocore.exceptions.ReadTimeoutError,
    botocore.exceptions.ConnectTimeoutError,
    # Reset mid-request (an upload's part cut off by the network): not a botocore ConnectionError.
    botocore.exceptions.ConnectionClosedError,
)
_CACHE_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# (exception classes, code, detail) for the services we call, from their own client libraries.
DEPENDENCY_ERRORS: list[tuple[tuple[type[BaseException], ...], str, StrOrPromise]] = [
    (
        (DatabaseOperationalError, DatabaseInterfaceError),
        "database_unavailable",
        gettext_lazy("The database is unavailable."),
    ),
    (_STORAGE_DOWN, "storage_unavailable", gettext_lazy("File storage is unavailable.")),
    (
        (stripe.APIConnectionError,),
        "payment_provider_unavailable",
        gettext_lazy("The payment provider is unavailable."),
    ),
    (_CACHE_DOWN, "cache_unavailable", gettext_lazy("The cache is unavailable.")),
    ((kombu.exceptions.OperationalError,), "broker_unavailable", gettext_lazy("The task queue is unavailable.")),
    (
        (smtplib.SMTPException, ConnectionRefusedError),
        "mail_unavailable",
        gettext_lazy("Email delivery is unavailable."),
    ),
]


def _client_errors() -> list[tuple[type[BaseException], Callable[[Any], exceptions.APIException]]]:
    return [
        (RequestDataTooBig, lambda exc: RequestTooLarge()),
        (TooManyFieldsSent, lambda exc: exceptions.ParseError(_("Too many form fields."), code="too_many_fields")),
        (
            TooManyFilesSent,
            lambda exc: exceptions.ParseError(_("Too many files in one request."), code="too_many_files"),
        ),
        (ObjectDoesNotExist, lambda exc: exceptions.NotFound()),
        (DjangoPermissionDenied, lambda exc: exceptions.PermissionDenied(str(exc) or None)),
        (DjangoValidationError, lambda exc: as_api_validation_error(exc)),
    ]


def api_exception_for(exc: BaseException) -> exceptions.APIException | None:
    """The API error for a Django or library exception, or None when it is a bug (a 500)."""
    if isinstance(exc, exceptions.APIException):
        return exc
    for client_class, convert in _client_errors():
        if isinstance(exc, client_class):
            return convert(exc)
    for classes, code, detail in DEPENDENCY_ERRORS:
        if isinstance(exc, classes):
            return ServiceUnavailable(code, detail)
    return None


class ExceptionHandler(StandardizedExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        return api_exception_for(exc) or super().convert_known_exceptions(exc)

    def report_exception(self, exc: exceptions.APIException, response: Any) -> None:
        if isinstance(exc, ServiceUnavailable):
            # A dependency that is down is an outage to watch, not a bug of ours: one warning with the
            # cause, no got_request_exception (error trackers, and Django's test client, treat it as a crash).
            logger.warning("%s: %r", exc.detail, self.exc)
            return
        super().report_exception(exc, response)


def error_response(exc: exceptions.APIException) -> JsonResponse:
    """One APIException as a plain Django response in the error shape (outside DRF)."""
    error_type = "server_error" if exc.status_code >= 500 else "client_error"
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else "error"
    response = error_body(exc.status_code, error_type, code, str(exc.detail))
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    return response


def as_api_validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A service's Django ValidationError (field -> messages, with codes) as DRF's, keeping the codes."""
    if hasattr(exc, "error_dict"):
        detail = {
            field: [serializers.ErrorDetail(str(e.message % (e.params or {})), code=e.code) for e in errors]
            for field, errors in exc.error_dict.items()
        }
        return serializers.ValidationError(detail)
    return serializers.ValidationError([serializers.ErrorDetail(str(e.message), code=e.code) for e in exc.error_list])


def error_body(status: int, error_type: str, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"type": error_type, "errors": [{"code": code, "detail": detail, "attr": None}]}, status=status)


# Django's handlers for requests that never reach a DRF view (unknown paths, crashes outside DRF).
def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_body(404, "client_error", "not_found", _("Not found."))


def server_error(request: HttpRequest) -> JsonResponse:
    return error_body(500, "server_error", "error", "Server Error (500)")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    # Django answers SuspiciousOperation (a body over the limit, too many fields) through this handler.
    api_exc = api_exception_for(exception) if exception is not None else None
    if api_exc is not None and api_exc.status_code < 500:
        return error_response(api_exc)
    return error_body(400, "client_error", "bad_request", _("Bad request."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_body(403, "client_error", "permission_denied", _("You do not have permission to perform this action."))
