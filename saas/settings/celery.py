from .base import DEBUG
from .database import DATABASE_URL
from .env import env
from .operator import USAGE_FLUSH_SECONDS

_broker = env.str("CELERY_BROKER_URL", default="")
if not _broker and DEBUG:
    # Development without RabbitMQ: kombu's SQLAlchemy transport on the same PostgreSQL, in a separate
    # database so the tenant schemas never see its tables.
    from saas.devtools.broker import sqlalchemy_urls

    _broker, _results = sqlalchemy_urls(DATABASE_URL)
else:
    _results = env.str("CELERY_RESULT_BACKEND", default=env.str("REDIS_URL", default="") or "")

CELERY_BROKER_URL = _broker or "amqp://guest:guest@127.0.0.1:5672//"
CELERY_RESULT_BACKEND = _results or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless this is set:
# a reconnect per task (~15 ms) would make each tenant task cost several times a plain one. Reuse the
# connection for this many tasks (x2). A connection that broke meanwhile (PostgreSQL restarted) is found
# by the task base class's prelude (one `SELECT 1`) and replaced before the task runs; if the database is
# still down, the task is retried with backoff (tenants/celery_tasks.py).
CELERY_DB_REUSE_MAX = 500
# tenant-schemas-celery may cache schema -> tenant for the schema switch; safe because the task base
# class re-reads the tenant row before running (tenants/celery_tasks.py).
CELERY_TASK_TENANT_CACHE_SECONDS = 60
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # The transactional outbox (tenants/outbox.py): what the broker refused when it was written.
    "outbox-relay": {"task": "tenants.tasks.outbox_relay", "schedule": 5.0},
    "task-receipts-prune": {"task": "tenants.tasks.receipts_prune", "schedule": 86400.0},
    # Nothing stays stuck: Stripe events stored but not applied, exports left pending or running.
    "billing-events-requeue": {"task": "shared_apps.billing.tasks.stripe_events_requeue", "schedule": 120.0},
    "exports-sweep": {"task": "tenants.tasks.fan_out", "schedule": 600.0, "args": ("exports.sweep",)},
    # Storage stays consistent: multipart uploads whose own abort never reached S3 (tenant_apps/files).
    "files-multipart-cleanup": {"task": "files.multipart_cleanup", "schedule": 3600.0},
    "tenant-pool-top-up": {"task": "tenants.tasks.pool_top_up", "schedule": 300.0},
    # Re-sync subscriptions from Stripe in case webhooks were missed (shared_apps.billing).
    "billing-reconcile": {"task": "shared_apps.billing.tasks.billing_reconcile", "schedule": 3600.0},
    # Operator console: due organisation deletions, usage counters -> TenantUsage, expired redirects/impersonations.
    "operator-tenant-deletions": {"task": "operator.tasks.tenant_deletions_run", "schedule": 600.0},
    "operator-usage-flush": {"task": "operator.tasks.usage_flush", "schedule": float(USAGE_FLUSH_SECONDS)},
    "operator-housekeeping": {"task": "operator.tasks.housekeeping", "schedule": 300.0},
}
