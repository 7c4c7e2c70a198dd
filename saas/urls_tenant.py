"""An organisation's host (<subdomain>.<base domain>): everything runs in that organisation's schema."""

from django.urls import include, path

from saas.urls_common import handler400, handler403, handler404, handler500  # noqa: F401
from saas.urls_common import urlpatterns as common

urlpatterns = [
    *common,
    # django-allauth headless ("app" client): email verification, password reset, email addresses;
    # only the endpoints the kit uses (saas/urls_allauth.py).
    path("_allauth/", include("saas.urls_allauth")),
    path("api/v1/", include("saas.api.v1_tenant")),
]
