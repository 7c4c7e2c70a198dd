"""Fixed-window rate limits in the global cache (Redis): one atomic INCR per check.

Keys are global on purpose (the default cache has no tenant key function); scopes that are per
tenant put the tenant in the key themselves.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.exceptions import Throttled


class RateLimited(Throttled):
    default_code = "rate_limited"


def client_ip(request: HttpRequest) -> str:
    """The caller's address. X-Forwarded-For is trusted only for the NUM_PROXIES hops we put in front."""
    proxies = settings.NUM_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limit(scope: str, key: str) -> None:
    """Count one hit for `key` in `scope` (settings.RATE_LIMITS); raise 429 with Retry-After past the limit."""
    limit, period = settings.RATE_LIMITS[scope]
    limit *= settings.RATE_LIMIT_MULTIPLIER
    window = int(time.time() // period)
    digest = hashlib.sha256(key.lower().encode()).hexdigest()[:32]  # no emails or IPs in cache keys
    cache_key = f"rl:{scope}:{window}:{digest}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        retry_after = period - int(time.time()) % period
        raise RateLimited(wait=max(retry_after, 1), detail="Too many attempts. Try again later.")
