from .env import BASE_DIR, env

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    _tenant_cache = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="saas"),
    }
    _global_cache = dict(_tenant_cache)
else:
    # No Redis in development: a file cache is still shared by every process (web, worker, shell).
    _tenant_cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BASE_DIR / ".data" / "cache" / "tenant"),
    }
    _global_cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BASE_DIR / ".data" / "cache" / "global"),
    }

CACHES = {
    # Tenant data: every key carries the schema of the tenant it belongs to.
    "default": {
        **_tenant_cache,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
    # Global: routing versions, sessions, rate limits. Keys are not per tenant on purpose.
    "global": _global_cache,
}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_CACHE_ALIAS = "global"
