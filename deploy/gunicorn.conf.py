"""gunicorn settings for the web process (`gunicorn -c deploy/gunicorn.conf.py saas.wsgi:application`).

Threads, not only processes: each thread keeps its own persistent PostgreSQL connection (CONN_MAX_AGE),
and each connection its own search_path, so a thread never sees another thread's tenant.
"""

import os

bind = "0.0.0.0:8000"  # `--bind` on the command line overrides it
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Recycle workers now and then (memory growth in long-lived processes), jittered so they do not all restart.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
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
