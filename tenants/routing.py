"""Host -> tenant, with no SQL on the warm path.

Each process keeps an LRU map of host -> tenant (or "no tenant"). A version token in the global cache
(Redis in production) is read once per request; any process that changes a Tenant or Domain replaces
the token after commit, and every process drops its map when it sees a new token.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from .models import Domain, Tenant

VERSION_KEY = "tenants:routing:version"
_MISSING = object()


def _global_cache():  # type: ignore[no-untyped-def]
    return caches["default"]


def routing_version() -> str:
    version = _global_cache().get(VERSION_KEY)
    if version is None:
        # First reader after a cache flush: agree on one token (add is atomic) so processes stay in step.
        _global_cache().add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = _global_cache().get(VERSION_KEY)
    return str(version)


def invalidate_routing() -> None:
    """Make every process forget its host -> tenant map. Runs after commit, so readers see the change."""
    transaction.on_commit(lambda: _global_cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


class TenantResolver:
    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[str, Tenant | None] = OrderedDict()
        self._version: str | None = None
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def resolve(self, host: str) -> Tenant | None:
        """The tenant routed to by `host` (a normalised host name), or None. Returns a private copy."""
        version = routing_version()
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
            found = self._entries.get(host, _MISSING)
            if found is not _MISSING:
                self._entries.move_to_end(host)
        if found is _MISSING:
            found = self._load(host)
            with self._lock:
                if self._version == version:
                    self._entries[host] = found
                    if len(self._entries) > self._max_entries:
                        self._entries.popitem(last=False)
        # Each request gets its own instance: nothing a view does to it leaks into the next request.
        return copy.copy(found) if isinstance(found, Tenant) else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._version = None

    @staticmethod
    def _load(host: str) -> Tenant | None:
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        return domain.tenant if domain else None


resolver = TenantResolver(max_entries=settings.TENANT_ROUTING_CACHE_SIZE)
