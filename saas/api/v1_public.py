"""API v1 on the public host."""

from django.urls import include, path

urlpatterns = [
    path("signup/", include("tenants.api.urls")),
]
