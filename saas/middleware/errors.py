"""The API's error translation for views that are not DRF's."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions

from saas.api.errors import api_exception_for, error_response


class ErrorShapeMiddleware:
    """The same translation for views that are not DRF's (allauth headless, admin): a hostile body or a
    dependency that is down answers in the error shape, with the same status as on our own API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        api_exc = api_exception_for(exc)
        if api_exc is None or isinstance(exc, exceptions.APIException | DjangoValidationError):
            return None  # a bug, or something only DRF views raise on purpose: Django's own handling
        if isinstance(exc, ObjectDoesNotExist | DjangoPermissionDenied):
            return None  # Django's 404 and 403 handlers answer these already
        return error_response(api_exc)
