"""API exceptions with their own status, importable by parsers without the handler (DRF loads parsers while
importing its views, which the handler module imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # lazy translations, for the annotations only


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "request_too_large"


class ServiceUnavailable(exceptions.APIException):
    """A dependency is down: 503 with a code naming it and Retry-After, never a 500 (API.md 1.1)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    retry_after = 5

    def __init__(self, code: str, detail: StrOrPromise) -> None:
        super().__init__(detail=detail, code=code)
        self.wait = self.retry_after  # the handler turns `wait` into Retry-After
