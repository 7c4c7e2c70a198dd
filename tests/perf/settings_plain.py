"""Benchmark server with no tenancy at all: plain PostgreSQL backend, search_path fixed to one schema."""

import os

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.perf.urls"
DEBUG = False
MIDDLEWARE = [m for m in MIDDLEWARE if m != "tenants.middleware.TenantRoutingMiddleware"]  # noqa: F405
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"  # noqa: F405
DATABASES["default"]["OPTIONS"] = {  # noqa: F405
    **DATABASES["default"]["OPTIONS"],  # noqa: F405
    "options": f"-c search_path={os.environ['BENCH_SCHEMA']},public",
}
