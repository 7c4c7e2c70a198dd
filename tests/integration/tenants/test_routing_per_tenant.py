"""A change to one organisation drops only its hosts from every process's routing map (issue 14, item 4):
a signup or a schema migrated no longer cold-starts a worker that serves thousands of organisations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from shared_apps.accounts.signup import Signup
from tenants import routing
from tenants.db import connection
from tenants.models import Domain, Tenant
from tenants.routing import CATCH_UP_MAX, invalidate_routing, resolver, routing_version

pytestmark = pytest.mark.django_db


def _committed(capture: Callable[..., Any], change: Callable[[], object]) -> str:
    """Run `change` with its after-commit bump, and return the version another process would read next."""
    with capture(execute=True):
        change()
    routing.forget_local_version()  # another process: it reads the new token from the cache
    return routing_version()


def _loads(host: str, version: str) -> int:
    """How many queries resolving `host` took: 0 from the map, 1 from the database."""
    with CaptureQueriesContext(connection) as queries:
        assert resolver.resolve(host, version) is not None
    return len([q for q in queries if not q["sql"].startswith("SET search_path")])


def test_saving_one_organisation_keeps_the_others_cached(
    acme: Signup, globex: Signup, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    first = routing_version()
    assert (_loads(acme.host, first), _loads(globex.host, first)) == (1, 1)
    assert (_loads(acme.host, first), _loads(globex.host, first)) == (0, 0)

    version = _committed(django_capture_on_commit_callbacks, lambda: Tenant.objects.get(pk=acme.tenant.pk).save())

    assert version != first
    assert _loads(globex.host, version) == 0  # still cached
    assert _loads(acme.host, version) == 1  # dropped, read again
    # A domain change names its tenant too.
    version = _committed(django_capture_on_commit_callbacks, lambda: Domain.objects.get(domain=globex.host).save())
    assert (_loads(acme.host, version), _loads(globex.host, version)) == (0, 1)


def test_a_wholesale_change_or_a_gap_in_the_log_drops_everything(
    acme: Signup, globex: Signup, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    version = routing_version()
    _loads(acme.host, version), _loads(globex.host, version)

    version = _committed(django_capture_on_commit_callbacks, invalidate_routing)  # no tenant named: all of them
    assert (_loads(acme.host, version), _loads(globex.host, version)) == (1, 1)

    # Further behind than a process reads (or the log expired, or the cache was flushed): all of them too.
    caches["default"].incr(routing.SEQUENCE_KEY, CATCH_UP_MAX + 1)
    version = _committed(django_capture_on_commit_callbacks, lambda: invalidate_routing(globex.tenant.pk))
    assert (_loads(acme.host, version), _loads(globex.host, version)) == (1, 1)

    # A change whose log entry is missing (written after the token was read, or expired): all of them.
    caches["default"].incr(routing.SEQUENCE_KEY)
    version = _committed(django_capture_on_commit_callbacks, lambda: invalidate_routing(globex.tenant.pk))
    assert (_loads(acme.host, version), _loads(globex.host, version)) == (1, 1)


def test_a_tasks_tenant_check_sees_a_suspension_made_elsewhere_a_moment_ago(acme: Signup) -> None:
    """The web keeps its copy of the version up to ROUTING_VERSION_TTL; a task's tenant check reads it now, so
    a task queued right after its organisation was suspended in another process does not run."""
    from tenants.celery_tasks import ProjectTask, TenantUnavailableError

    tenant_id = str(acme.tenant.id)
    with tenant_context(acme.tenant):  # where the task would run
        ProjectTask._check_tenant(tenant_id)  # active, remembered at this version
    kept = routing_version()
    # Another process suspends it: the row changes, and so does the version in the cache (update() sends no
    # signal here, so this process forgets nothing by itself).
    Tenant.objects.filter(pk=acme.tenant.pk).update(status=Tenant.Status.SUSPENDED)
    caches["default"].set(routing.VERSION_KEY, "bumped-by-another-process", timeout=None)
    try:
        assert routing_version() == kept  # a request still uses the copy read less than the TTL ago
        with tenant_context(acme.tenant), pytest.raises(TenantUnavailableError, match="is suspended"):
            ProjectTask._check_tenant(tenant_id)
    finally:
        routing.forget_local_version()
