from django.core.exceptions import ImproperlyConfigured

from .base import DEBUG
from .env import env

if env.str("DATABASE_URL", default=""):
    DATABASE_URL = env.str("DATABASE_URL")
elif DEBUG:
    from saas.devtools.embedded_db import database_url

    DATABASE_URL = database_url("saas")
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Point it at PostgreSQL, e.g. postgres://user:pass@host:5432/saas"
    )

_db = env.db_url_config(DATABASE_URL)
# django-tenants wraps Django's PostgreSQL backend to switch search_path per tenant.
_db["ENGINE"] = "django_tenants.postgresql_backend"
# Persistent connections keep the tenant's search_path between requests, so a worker that serves the
# same organisation again sends no `SET search_path` at all (see TENANT_LIMIT_SET_CALLS).
# Never put a transaction-mode pooler (PgBouncer transaction mode, RDS Proxy) in front of this: it
# would hand one tenant's session state (search_path) to another tenant's queries.
_db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
_db.setdefault("OPTIONS", {})
DATABASES = {"default": _db}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
