"""API v1 on an organisation's host. Tenant apps add their routes here (README: "Add a tenant app")."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
