"""Fixed-window rate limits in the global cache (Redis): one atomic INCR per check.

Keys are global on purpose (the default cache has no tenant key function); scopes that are per
tenant put the tenant in the key themselves.
"""

from __future__ import annotations

import hashlib
import math
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
    """Count one hit for `key` in `scope` (settings.RATE_LIMITS); raise 429 with Retry-After past the limit.

    The window starts at a key's first hit (not at a clock boundary), so a burst cannot straddle two
    windows to get twice the allowance. One round trip (INCR) per check in the steady state.
    """
    limit, period = settings.RATE_LIMITS[scope]
    limit *= settings.RATE_LIMIT_MULTIPLIER
    digest = hashlib.sha256(key.lower().encode()).hexdigest()[:32]  # no emails or IPs in cache keys
    counter, started = f"rl:{scope}:{digest}", f"rl:{scope}:{digest}:t"
    try:
        count = cache.incr(counter)
    except ValueError:  # first hit of a window
        now = time.time()
        if cache.add(counter, 1, timeout=period):
            cache.set(started, now, timeout=period)
            return
        count = cache.incr(counter)
    if count > limit:
        elapsed = time.time() - float(cache.get(started) or time.time())
        raise RateLimited(wait=max(1, math.ceil(period - elapsed)), detail="Too many attempts. Try again later.")
