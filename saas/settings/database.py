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
# A persistent connection PostgreSQL dropped (restart, failover) is found with one `SELECT 1` the first
# time a request or task uses it, and replaced, instead of failing that request; with the pool below,
# the pool checks each connection it hands out.
_db["CONN_HEALTH_CHECKS"] = True
_db.setdefault("OPTIONS", {})
# A bounded wait for a new connection (issue 12, item 10): an unreachable or black-holed server gives an
# OperationalError, answered as 503 `database_unavailable`, after this many seconds, not after the
# kernel's TCP timeout (minutes).
_db["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
# psycopg's connection pool, per process (0 = off). Django then returns the connection to the pool at the
# end of each request instead of keeping it, and django-tenants forgets the schema it set whenever its
# connection is closed (returned), so the next request sends `SET search_path` again on whichever pooled
# connection it gets: one statement more per request, safe under any mix of organisations (checked by
# tests/deploy/test_pooling.py with a pool smaller than the thread count). Worth it when threads outnumber
# the connections PostgreSQL can give each process.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
if DATABASE_POOL_MAX_SIZE > 0:
    _db["CONN_MAX_AGE"] = 0  # Django refuses persistent connections with a pool
    _db["OPTIONS"]["pool"] = {
        "min_size": min(2, DATABASE_POOL_MAX_SIZE),
        "max_size": DATABASE_POOL_MAX_SIZE,
        # The wait for a free pooled connection: then PoolTimeout (an OperationalError), so a 503.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
    }
DATABASES = {"default": _db}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

# Pooling (deploy/SCALING.md). The default is one persistent connection per gunicorn thread (CONN_MAX_AGE
# above), which tests/deploy/test_pooling.py checks under 50 concurrent requests mixing organisations.
# django-tenants puts the tenant in the connection's session state (`SET search_path`), sent once per
# schema switch and then relied on by every later query of that connection. A transaction-mode pooler
# (PgBouncer pool_mode=transaction, RDS Proxy) hands each transaction whichever server connection is free,
# so the search_path set for Acme can serve Globex's next query, or Acme's next query can run on a
# connection still set to Globex: silent cross-tenant reads and writes. Session-mode PgBouncer (one server
# connection per client connection for its whole life) keeps session state with its client and is safe.
# psycopg's pool (DATABASE_POOL_MAX_SIZE above) is also safe: the schema is set again on every checkout.
