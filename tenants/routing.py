"""Host -> tenant, with no SQL on the warm path.

Each process keeps an LRU map of host -> active tenant. A version token in the global cache (Redis in
production) is read once per request (at most every ROUTING_VERSION_TTL); any process that changes a
Tenant or Domain replaces the token after commit. A process that sees a new token drops only the hosts
of the organisations that changed: each change is also written to a short log in the cache (a sequence
number and one key per change, naming the tenant), so a signup or a schema migrated does not cold-start
a worker that serves 10,000 organisations. A gap it cannot read (log entries expired, the cache flushed,
a wholesale change) drops the whole map, as before.

Only active tenants are kept. "No tenant here", suspended and unfinished answers are read from the
database on every request: another process's signup, reactivation or freed subdomain must apply the
moment it commits, not when this process next reads the version (up to ROUTING_VERSION_TTL later).
The served path stays free of SQL; a miss costs one indexed query.

Redis is not a single point of failure (issue 12): when the version cannot be read, it is "unknown" and
every host is looked up in the database (one indexed query) until Redis answers again; the map is
dropped, so nothing a missed invalidation left stale survives the outage. A bump that could not be
written is written by this process as soon as Redis answers.
"""

from __future__ import annotations

import copy
import logging
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import redis.exceptions
from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from .models import Domain, Tenant

VERSION_KEY = "tenants:routing:version"
# The change log: SEQUENCE_KEY counts changes (INCR, atomic), CHANGE_KEY % n names the tenant of change n
# ("*" = every tenant). Kept long enough for any process to catch up; a process further behind than
# CATCH_UP_MAX changes drops its whole map instead of reading them all.
SEQUENCE_KEY = "tenants:routing:sequence"
CHANGE_KEY = "tenants:routing:change:%d"
CHANGE_TTL = 3600
CATCH_UP_MAX = 256
EVERY_TENANT = "*"
# The version while the global cache cannot be read. Never a real token (those are uuid4 hex).
UNKNOWN_VERSION = "unknown"
_MISSING = object()
# What the global cache raises when Redis is down or black-holed (django-redis re-raises redis-py's own
# errors; socket timeouts are OSError), or the file cache in development cannot be read.
_CACHE_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)

logger = logging.getLogger(__name__)


def _global_cache():  # type: ignore[no-untyped-def]
    return caches["default"]


# The version the routing middleware read for the current request: later readers in the same request
# (the operator's redirect map) reuse it instead of asking Redis again.
_request_version: ContextVar[str | None] = ContextVar("tenants_routing_version", default=None)


# Changes made in this process take effect at once (invalidate_routing forgets the local copy); changes
# made elsewhere within ROUTING_VERSION_TTL seconds. Reading Redis on every request cost ~10% of the
# throughput of a small tenant endpoint (make bench, (b)).
ROUTING_VERSION_TTL = 0.5
_local_version: list[Any] = [None, 0.0]  # [version, monotonic time it was read]


# A bump this process could not write (Redis down at commit): written before the next version read, so
# other processes drop their maps once Redis is back.
_bump_pending = threading.Event()


def routing_version(*, max_age: float = ROUTING_VERSION_TTL) -> str:
    """The current version, or UNKNOWN_VERSION when the global cache cannot be read.

    This request's, when the routing middleware already read it. An unknown version is kept for
    ROUTING_VERSION_TTL like a real one: a black-holed Redis costs one bounded wait per process and
    TTL, not one per request. `max_age=0` reads Redis now (a task's tenant check: a tenant suspended or
    deleted a moment ago in another process is seen by the very next task, not up to the TTL later), unless
    the last read failed less than the TTL ago.
    """
    cached = _request_version.get()
    if cached is not None:
        return cached
    version, read_at = _local_version
    # An unknown version keeps the full TTL whatever `max_age` asks: Redis is failing, wait on it once per TTL.
    fresh_for = ROUTING_VERSION_TTL if version == UNKNOWN_VERSION else max_age
    if version is not None and time.monotonic() - read_at < fresh_for:
        return str(version)
    try:
        version = _read_version()
    except _CACHE_ERRORS as exc:
        # The error's repr, not its traceback: this is logged up to twice a second per process.
        logger.warning("routing: the version cannot be read (%r); hosts are looked up in the database", exc)
        version = UNKNOWN_VERSION
    _local_version[:] = [version, time.monotonic()]
    return str(version)


def _read_version() -> str:
    cache = _global_cache()
    if _bump_pending.is_set():
        _log_change(cache, EVERY_TENANT)  # which tenants changed during the outage is not known
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        _bump_pending.clear()
    version = cache.get(VERSION_KEY)
    if version is None:
        # First reader after a cache flush: agree on one token (add is atomic) so processes stay in step.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    # None again: a cache that swallows its errors (django-redis IGNORE_EXCEPTIONS) and is down.
    return UNKNOWN_VERSION if version is None else str(version)


def invalidate_routing(tenant_id: object = None) -> None:
    """Make every process forget the hosts of `tenant_id` (all hosts if None). Runs after commit."""
    changed = EVERY_TENANT if tenant_id is None else str(tenant_id)
    transaction.on_commit(lambda: _bump(changed))


def _sequence_start(cache: Any) -> None:
    # Far from any number a process may remember from before a cache flush, so that none of them mistakes
    # the new log for the continuation of the old one. `add`: the first process to get here sets it.
    # Below 2**53: django-redis increments in a Lua script, whose numbers are doubles.
    cache.add(SEQUENCE_KEY, secrets.randbelow(2**32) * 2**16, timeout=None)


def _log_change(cache: Any, changed: str) -> None:
    try:
        sequence = cache.incr(SEQUENCE_KEY)
    except ValueError:  # no sequence yet (first change, or the cache was flushed)
        _sequence_start(cache)
        sequence = cache.incr(SEQUENCE_KEY)
    cache.set(CHANGE_KEY % sequence, changed, timeout=CHANGE_TTL)


def changes_since(sequence: int | None) -> tuple[int | None, set[str] | None]:
    """(the current sequence, the tenants changed after `sequence`), or None for "drop everything"."""
    cache = _global_cache()
    current = cache.get(SEQUENCE_KEY)
    if current is None:  # no change logged yet: start the log, so that the next one can be caught up with
        _sequence_start(cache)
        return cache.get(SEQUENCE_KEY), None
    if sequence is None or not 0 <= current - sequence <= CATCH_UP_MAX:
        return current, None
    if current == sequence:
        return current, set()
    keys = [CHANGE_KEY % n for n in range(sequence + 1, current + 1)]
    found = cache.get_many(keys)
    if len(found) != len(keys) or EVERY_TENANT in found.values():
        return current, None  # a change still being written, expired, or wholesale
    return current, set(found.values())


def _bump(changed: str = EVERY_TENANT) -> None:
    # After commit: the change is stored, so a cache outage must not turn its response into an error.
    try:
        cache = _global_cache()
        _log_change(cache, changed)  # before the token: a reader of the new token finds the change logged
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except _CACHE_ERRORS as exc:
        logger.warning("routing: the version cannot be bumped now (%r); retried on the next read", exc)
        _bump_pending.set()
    forget_local_version()


def forget_local_version() -> None:
    _local_version[:] = [None, 0.0]


class TenantResolver:
    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[str, Tenant] = OrderedDict()
        self._hosts_of: dict[str, set[str]] = {}  # tenant id -> its cached hosts, to drop them per tenant
        self._version: str | None = None
        self._sequence: int | None = None  # the change log position the map reflects
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def resolve(self, host: str, version: str | None = None) -> Tenant | None:
        """The tenant routed to by `host` (a normalised host name), or None. Returns a private copy."""
        version = version or routing_version()
        if version == UNKNOWN_VERSION:
            # Without the version no entry can be trusted, and none is kept: the database answers, and
            # the first known version after the outage starts from an empty map (it differs from None).
            with self._lock:
                self._forget_all()
            loaded = self._load(host)
            return copy.copy(loaded) if loaded is not None else None
        if version != self._version:
            self._catch_up(version)
        with self._lock:
            found = self._entries.get(host, _MISSING)
            if found is not _MISSING:
                self._entries.move_to_end(host)
        if found is _MISSING:
            found = self._load(host)
            if found is None or found.status != Tenant.Status.ACTIVE:
                return copy.copy(found) if found is not None else None
            with self._lock:
                if self._version == version:
                    self._entries[host] = found
                    self._hosts_of.setdefault(str(found.pk), set()).add(host)
                    if len(self._entries) > self._max_entries:
                        old_host, old = self._entries.popitem(last=False)
                        self._hosts_of.get(str(old.pk), set()).discard(old_host)
        # Each request gets its own instance: nothing a view does to it leaks into the next request.
        assert isinstance(found, Tenant)
        return copy.copy(found)

    def _catch_up(self, version: str) -> None:
        """Move the map to `version`: drop the hosts of the tenants changed since, or everything."""
        try:
            sequence, changed = changes_since(self._sequence)
        except _CACHE_ERRORS:
            sequence, changed = None, None
        with self._lock:
            if changed is None:
                self._forget_all()
            else:
                for tenant_id in changed:
                    for host in self._hosts_of.pop(tenant_id, set()):
                        self._entries.pop(host, None)
            self._version, self._sequence = version, sequence

    def _forget_all(self) -> None:
        self._entries.clear()
        self._hosts_of.clear()
        self._version = self._sequence = None

    def clear(self) -> None:
        with self._lock:
            self._forget_all()
        forget_local_version()

    @staticmethod
    def _load(host: str) -> Tenant | None:
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        return domain.tenant if domain else None


@contextmanager
def request_routing_version() -> Iterator[str]:
    """Read the version once for the whole request (see `_request_version`)."""
    token = _request_version.set(None)
    version = routing_version()
    _request_version.set(version)
    try:
        yield version
    finally:
        _request_version.reset(token)


resolver = TenantResolver(max_entries=settings.TENANT_ROUTING_CACHE_SIZE)
