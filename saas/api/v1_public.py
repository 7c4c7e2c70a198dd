"""API v1 on the public host."""

from django.urls import include, path

from shared_apps.accounts.api import urls as accounts

urlpatterns = [
    path("signup/", include("tenants.api.urls")),
    path("auth/", include(accounts.auth_public)),
    path("account/", include(accounts.account)),
]
