"""Benchmark server, routed by stock django-tenants: its middleware and default search_path handling."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.perf.urls"
DEBUG = False
MIDDLEWARE = [
    "django_tenants.middleware.main.TenantMainMiddleware" if m == "tenants.middleware.TenantRoutingMiddleware" else m
    for m in MIDDLEWARE  # noqa: F405
]
TENANT_LIMIT_SET_CALLS = False
