"""Suite-wide fixtures.

- Two organisations, `acme` and `globex`, are created once per run through the real signup service
  and reused by every test (each test's changes are rolled back around them).
- `live_db` is for tests that need real commits (concurrency, other processes): it removes what the
  test created afterwards, so later tests see the same two organisations and nothing else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import translation

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup, signup_create
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from tenants.db import connection
from tenants.models import Tenant
from tenants.provisioning import pool_fill, public_tenant_ensure
from tenants.routing import resolver
from tests.factories import PASSWORD, UserFactory

pytest_plugins = ["tests.plugins.smtp", "tests.plugins.celery_worker", "tests.plugins.s3", "tests.plugins.oidc"]


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """This run's own database, always created (pytest-django skips it when no test is marked
    django_db, and `live_db` tests are not), dropped at the end."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={"default": {}},
            serialized_aliases=set(),
        )
        assert connection.settings_dict["NAME"].startswith("test_"), "refusing to run tests on a non-test database"
        public_tenant_ensure()
        pool_fill()
    yield
    with django_db_blocker.unblock():
        connections.close_all()
        teardown_databases(config, verbosity=request.config.option.verbose)
    _drop_run_namespaces()


def _drop_run_namespaces() -> None:
    """Remove this run's cache keys and Celery queue from the shared Redis and RabbitMQ."""
    from django.core.cache import caches

    # A missing server is reported by the tests that need it, not by this clean-up.
    for alias in ("default", "tenant"):
        with contextlib.suppress(Exception):
            caches[alias].delete_pattern("*")  # type: ignore[attr-defined]  # django-redis: only keys under this run's prefix
    with contextlib.suppress(Exception):
        from saas.celery import app

        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(settings.CELERY_TASK_DEFAULT_QUEUE)


def _signup(django_db_blocker: Any, name: str, subdomain: str) -> Signup:
    with django_db_blocker.unblock():
        return signup_create(
            organisation_name=name, subdomain=subdomain, email=f"owner@{subdomain}.test", password=PASSWORD
        )


@pytest.fixture(scope="session")
def acme(django_db_setup: None, django_db_blocker: Any) -> Signup:
    return _signup(django_db_blocker, "Acme", "acme")


@pytest.fixture(scope="session")
def globex(django_db_setup: None, django_db_blocker: Any) -> Signup:
    return _signup(django_db_blocker, "Globex", "globex")


@dataclass(frozen=True)
class Team:
    """acme's owner, an admin and a member, and globex's owner: the cast of the access matrix."""

    owner: User
    admin: User
    member: User
    outsider: User


@pytest.fixture
def team(acme: Signup, globex: Signup) -> Team:
    admin = UserFactory.create(email="admin@acme.test")
    member = UserFactory.create(email="member@acme.test")
    membership_create(user=admin, tenant=acme.tenant, role=Membership.Role.ADMIN)
    membership_create(user=member, tenant=acme.tenant, role=Membership.Role.MEMBER)
    return Team(owner=acme.user, admin=admin, member=member, outsider=globex.user)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # LocaleMiddleware activates the request's language in the thread and nothing deactivates it after the
    # response: a test that sent `Accept-Language: fr` left French for the next test's schema, messages...
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_routing_cache() -> Iterator[None]:
    # Rolled-back test transactions never fire on_commit, so the routing version is not bumped for
    # them: start and end every test with an empty host -> tenant map.
    resolver.clear()
    yield
    resolver.clear()
    connection.set_schema_to_public()


@pytest.fixture
def public_client() -> Client:
    return Client(HTTP_HOST=settings.SAAS_BASE_DOMAIN)


def host_of(signup: Signup) -> str:
    return signup.host


@pytest.fixture
def live_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access without a wrapping transaction; tenants and users the test made are removed after."""
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, "live_db cannot be combined with the django_db mark"
        kept_tenants = set(Tenant.objects.exclude(status=Tenant.Status.PROVISIONING).values_list("id", flat=True))
        kept_users = set(User.objects.values_list("id", flat=True))
        try:
            yield
        finally:
            connections.close_all()
            connection.set_schema_to_public()
            for tenant in Tenant.objects.exclude(id__in=kept_tenants).exclude(status=Tenant.Status.PROVISIONING):
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
                tenant.delete()
            User.objects.exclude(id__in=kept_users).delete()
            _empty_tenant_tables(Tenant.objects.filter(id__in=kept_tenants).exclude(schema_name="public"))


def _empty_tenant_tables(tenants: Any) -> None:
    """What a live_db test wrote into acme's or globex's own schema goes too (the rows are committed)."""
    for schema in tenants.values_list("schema_name", flat=True):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT format('%%I.%%I', schemaname, tablename) FROM pg_tables "
                "WHERE schemaname = %s AND tablename <> 'django_migrations'",
                [schema],
            )
            tables = [row[0] for row in cursor.fetchall()]
            if tables:
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
