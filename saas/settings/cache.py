from .env import BASE_DIR, env

REDIS_URL = env.str("REDIS_URL", default="")
_prefix = env.str("CACHE_KEY_PREFIX", default="saas")

if REDIS_URL:
    _backend = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": _prefix}
    _global, _tenant = dict(_backend), dict(_backend)
else:
    # No Redis in development: a file cache is still shared by every process (web, worker, shell).
    _files = BASE_DIR / ".data" / "cache"
    _global = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(_files / "global")}
    _tenant = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(_files / "tenant")}

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
