"""Fixed-window rate limits in the global cache (Redis): one atomic INCR per check.

Keys are global on purpose (the default cache has no tenant key function); scopes that are per
tenant put the tenant in the key themselves.

Fail closed: when the cache cannot count, the check answers 503 `cache_unavailable` (with Retry-After)
instead of letting the attempt through. Every limited endpoint guards authentication or abuse (login,
signup, refresh, invitations, the admin login); unlimited guessing while Redis is down is worse than
those endpoints pausing for the outage. Everything else keeps working (README, Operations).
"""

from __future__ import annotations

import hashlib
import math
import time

import redis.exceptions
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.exceptions import Throttled

from saas.api.exceptions import ServiceUnavailable

# The global alias, which raises on a Redis error (saas/settings/cache.py): a limiter that cannot see the
# error cannot fail closed.
CACHE_ALIAS = "default"
# Redis down or black-holed (django-redis re-raises redis-py's errors; socket timeouts are OSError), or
# the development file cache unreadable.
_CACHE_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)


class RateLimited(Throttled):
    default_code = "rate_limited"


class RateLimitUnavailable(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__("cache_unavailable", _("Attempts cannot be counted right now. Try again in a moment."))


def client_ip(request: HttpRequest) -> str:
    """The caller's address. X-Forwarded-For is trusted only for the NUM_PROXIES hops we put in front."""
    proxies = settings.NUM_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limit(scope: str, key: str) -> None:
    """Count one hit for `key` in `scope` (settings.RATE_LIMITS); raise 429 with Retry-After past the limit,
    503 `cache_unavailable` when the hit cannot be counted.

    The window starts at a key's first hit (not at a clock boundary), so a burst cannot straddle two
    windows to get twice the allowance. One round trip (INCR) per check in the steady state.
    """
    limit, period = settings.RATE_LIMITS[scope]
    limit *= settings.RATE_LIMIT_MULTIPLIER
    digest = hashlib.sha256(key.lower().encode()).hexdigest()[:32]  # no emails or IPs in cache keys
    counter, started = f"rl:{scope}:{digest}", f"rl:{scope}:{digest}:t"
    cache = caches[CACHE_ALIAS]
    try:
        count = _count(cache, counter, started, period)
        if count <= limit:
            return
        window_start = cache.get(started)
    except _CACHE_ERRORS as exc:
        raise RateLimitUnavailable() from exc
    elapsed = time.time() - float(window_start or time.time())
    raise RateLimited(wait=max(1, math.ceil(period - elapsed)), detail=_("Too many attempts. Try again later."))


def _count(cache: BaseCache, counter: str, started: str, period: int) -> int:
    """This hit's number in its window."""
    try:
        count = cache.incr(counter)
    except ValueError:  # first hit of a window
        if cache.add(counter, 1, timeout=period):
            cache.set(started, time.time(), timeout=period)
            return 1
        count = cache.incr(counter)
    if count is None:
        # A cache that swallows its errors (django-redis IGNORE_EXCEPTIONS) answered: nothing was counted.
        raise redis.exceptions.ConnectionError("the rate limit cache did not count the hit")
    return int(count)
