from .env import BASE_DIR, env

REDIS_URL = env.str("REDIS_URL", default="")
_prefix = env.str("CACHE_KEY_PREFIX", default="saas")

# Bounded waits on Redis (issue 12, item 6): a black-holed Redis costs a request at most this long per
# command instead of the OS's TCP timeout (minutes). Loopback or same-VPC Redis answers in well under 1 ms.
REDIS_CONNECT_TIMEOUT_SECONDS = 1.0
REDIS_SOCKET_TIMEOUT_SECONDS = 2.0

if REDIS_URL:
    _options = {
        "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT_SECONDS,
        "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT_SECONDS,
    }
    _backend = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": _prefix}
    # The global alias raises when Redis is down: it holds sessions and rate limits (ours and allauth's),
    # which fail closed (503 cache_unavailable), and the routing version, which tenants/routing.py reads
    # with its own fallback to the database. The tenant alias is a plain data cache: an outage there
    # degrades every read to a miss and every write to a no-op (django-redis' IGNORE_EXCEPTIONS).
    _global = {**_backend, "OPTIONS": dict(_options)}
    _tenant = {**_backend, "OPTIONS": {**_options, "IGNORE_EXCEPTIONS": True}}
else:
    # No Redis in development: a file cache is still shared by every process (web, worker, shell).
    _files = BASE_DIR / ".data" / "cache"
    _global = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(_files / "global")}
    _tenant = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(_files / "tenant")}
# Ignored errors are not logged by django-redis: it logs each with its traceback, once per cache call,
# and the development console renderer spends seconds formatting one. The outage is in the logs anyway:
# the routing fallback warns, rate-limited requests answer 503 and /readyz names the cache.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False

CACHES = {
    # Global on purpose: routing versions, sessions, rate limits, allauth. Libraries that use the
    # default cache (allauth's rate limits) must not get per-tenant keys, or a limit becomes per tenant.
    "default": _global,
    # Tenant data: every key carries the schema of the tenant it belongs to (django-tenants' key function).
    "tenant": {
        **_tenant,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_CACHE_ALIAS = "default"
