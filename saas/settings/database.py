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
# ... around Django's PostgreSQL backend with a pool that does not wait for a server that is down
# (tenants/pg_backend/base.py).
ORIGINAL_BACKEND = "tenants.pg_backend"
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
# psycopg's connection pool, per process: the web's default (issue 12, item 10). deploy/gunicorn.conf.py sets
# DATABASE_POOL_MAX_SIZE to its thread count when it is empty, so every thread can hold a connection at
# once and none waits on another while PostgreSQL has slots to give. Why a pool and not one persistent
# connection per thread: a thread that is idle keeps its persistent connection (CONN_MAX_AGE is only
# looked at when that thread serves a request), so once `max_connections` is reached the threads
# without one fail until the idle ones happen to be used again, minutes after the load; pooled
# connections are shared by every thread of the process and the idle ones are closed (`max_idle`).
# Django returns the connection to the pool at the end of each request, and django-tenants forgets the
# schema it set whenever its connection is closed (returned), so the next request sends `SET search_path`
# again on whichever pooled connection it gets: one statement more per request (make bench, row b),
# safe under any mix of organisations (tests/deploy/test_pooling.py, tests/faults/test_pooling.py).
# Processes with one thread (Celery workers, management commands) leave it empty: no pool, CONN_MAX_AGE.
# 0 turns the pool off in the web too (persistent connections, as before).
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE") if env.str("DATABASE_POOL_MAX_SIZE", default="") else 0
# The bounded wait for a pooled connection (all in use, or PostgreSQL refusing new ones: "too many
# clients", down): then PoolTimeout, an OperationalError, answered as 503 `database_unavailable` with
# Retry-After. Below gunicorn's worker timeout (30 s) by far.
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=5.0)
# Seconds a pooled connection may stay unused before the pool closes it (down to one per process), so a
# burst does not keep its connections from other processes and pods for long after it ended.
DATABASE_POOL_MAX_IDLE = env.float("DATABASE_POOL_MAX_IDLE", default=10.0)
DATABASE_POOL_MAX_LIFETIME = env.float("DATABASE_POOL_MAX_LIFETIME", default=600.0)
if DATABASE_POOL_MAX_SIZE > 0:
    _db["CONN_MAX_AGE"] = 0  # Django refuses persistent connections with a pool
    _db["OPTIONS"]["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": DATABASE_POOL_TIMEOUT,
        "max_idle": DATABASE_POOL_MAX_IDLE,
        # Replace a connection after this long, busy or not: it bounds the catalog cache a backend grows by
        # serving many schemas (TENANT_CONNECTION_MAX_SCHEMAS does it for persistent connections).
        "max_lifetime": DATABASE_POOL_MAX_LIFETIME,
        # psycopg retries a failed connect with a doubling delay until `reconnect_timeout` (default 300 s),
        # then starts over at 1 s on the next request. Its default would leave the pool asleep for up to
        # a minute after PostgreSQL is back (or has free slots again); this keeps retries at most a few
        # seconds apart.
        "reconnect_timeout": max(2.0, DATABASE_POOL_TIMEOUT),
    }
DATABASES = {"default": _db}
DATABASE_ROUTERS: tuple[str, ...] = ("django_tenants.routers.TenantSyncRouter",)

# Streaming replicas of the primary (issue 14): reads inside `tenants.replicas.read_only` go to one of them,
# everything else stays on the primary. Empty (the default): no replica aliases and no router, as before.
# Each alias is the primary's settings with another server (the same django-tenants backend, pool, timeouts),
# so its connections switch search_path per tenant like the primary's. Never migrated: TenantSyncRouter
# migrates the default alias only, and a standby gets its schema by streaming.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
# A replica further behind the primary than this (pg_last_xact_replay_timestamp()) is skipped until it
# catches up; so is one that does not answer. Checked at most every few seconds per process.
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=5.0)
for _index, _url in enumerate(DATABASE_REPLICA_URLS):
    _server = env.db_url_config(_url)
    DATABASES[f"replica_{_index}"] = {
        **_db,
        **{key: _server[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT") if key in _server},
        "OPTIONS": {**_db["OPTIONS"], **_server.get("OPTIONS", {})},
        # Tests create one database: a replica alias reads the test database too.
        "TEST": {"MIRROR": "default"},
    }
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS += ("tenants.replicas.ReplicaRouter",)

# Pooling (deploy/SCALING.md). The web's default is psycopg's pool above; persistent connections (one per
# gunicorn thread, DATABASE_POOL_MAX_SIZE=0) are the other supported handling. tests/deploy/test_pooling.py
# checks both under 50 concurrent requests mixing organisations.
# django-tenants puts the tenant in the connection's session state (`SET search_path`), sent once per
# schema switch and then relied on by every later query of that connection. A transaction-mode pooler
# (PgBouncer pool_mode=transaction, RDS Proxy) hands each transaction whichever server connection is free,
# so the search_path set for Acme can serve Globex's next query, or Acme's next query can run on a
# connection still set to Globex: silent cross-tenant reads and writes. Session-mode PgBouncer (one server
# connection per client connection for its whole life) keeps session state with its client and is safe.
# psycopg's pool (DATABASE_POOL_MAX_SIZE above) is also safe: the schema is set again on every checkout.
# A transaction-mode pooler is refused at start: system check tenants.E002 (`manage.py check --database
# default`) and every gunicorn worker's boot (tenants/pooler.py).
