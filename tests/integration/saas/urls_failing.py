"""Views that crash, for the error-shape tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from saas.urls_public import handler404, handler500  # noqa: F401
from saas.urls_public import urlpatterns as public


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def api_crash(request: Request) -> Response:
    raise RuntimeError("secret detail that must not leak")


def plain_crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail that must not leak")


urlpatterns = [*public, path("boom/api/", api_crash), path("boom/plain/", plain_crash)]
