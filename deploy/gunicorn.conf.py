"""gunicorn settings for the web process (`gunicorn -c deploy/gunicorn.conf.py saas.wsgi:application`).

Threads, not only processes. The threads of a process share psycopg's connection pool (one connection per
thread at most, see saas/settings/database.py); django-tenants sets the search_path again on whichever
pooled connection a request gets, so a thread never sees another thread's tenant. Each worker refuses to
boot behind a transaction-mode pooler (tenants/pooler.py), and gunicorn then stops.
"""

import os

bind = "0.0.0.0:8000"  # `--bind` on the command line overrides it
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The web's connection pool by default, as large as the thread count (empty = this default, 0 = off:
# persistent connections). Set before the workers are forked, so their settings read it.
if not os.environ.get("DATABASE_POOL_MAX_SIZE"):
    os.environ["DATABASE_POOL_MAX_SIZE"] = str(threads)
# Recycle workers now and then (memory growth in long-lived processes), jittered so they do not all restart.
# Rarely: a new worker starts with an empty routing map and a cold schema cache, and at 2,000 requests a
# worker serving thousands of organisations was recycled before it had seen most of them.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 25  # below Kubernetes' default 30 s terminationGracePeriodSeconds
keepalive = 5  # longer than nothing, shorter than nginx's upstream keepalive_timeout (60 s)
# Django's middleware logs one JSON line per request with its request and tenant ids: no access log here.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The proxy sets X-Forwarded-Proto; Django reads it (SECURE_PROXY_SSL_HEADER), gunicorn trusts it from here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Containers: /tmp may be disk-backed; the heartbeat files belong in memory.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108


def post_worker_init(worker: object) -> None:
    """Django is loaded: refuse a pooler that shares server sessions. An exception here means the worker
    failed to boot, and gunicorn stops instead of serving one organisation's data to another."""
    from tenants.pooler import refuse_transaction_pooler

    refuse_transaction_pooler()
