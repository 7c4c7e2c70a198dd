"""Which migrations a tenant schema holds, as one digest per schema, and whether this code can serve it.

A schema's level is the digest of the set of migrations recorded in its `django_migrations` table
(`SchemaLevel` keeps the set itself). Whoever changes a schema records its new level: the provisioning
code (a new schema is at the code's level), the migration controller (tenants/migrator.py) and, through
`post_migrate`, django-tenants' own `migrate_schemas`. Nothing else has to look inside a schema again.

Routing compares the level in its cached Tenant row with the code: a schema that lacks a migration the
code has is behind and answers 503 `tenant_maintenance`. A schema *ahead* of the code (migrated by the
next release while this one still serves: the expand step of expand/contract) is served.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from functools import cache

from django.db.migrations.loader import MigrationLoader
from django.db.models import QuerySet
from django_tenants.utils import quote_schema_name

from .db import connection
from .models import SchemaLevel

Key = tuple[str, str]


@cache
def code_migrations() -> frozenset[Key]:
    """Every migration this code has, for every app: a tenant schema records them all, as migrate_schemas does."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def digest(keys: Iterable[Key]) -> str:
    names = sorted(f"{app}.{name}" for app, name in keys)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


@cache
def code_level() -> str:
    return digest(code_migrations())


def level_record(keys: Iterable[Key]) -> str:
    """The digest of `keys`, stored so that any process can tell what it holds; returns the digest."""
    keys = set(keys)
    level = digest(keys)
    if level not in _known:
        SchemaLevel.objects.get_or_create(
            digest=level, defaults={"migrations": sorted(f"{app}.{name}" for app, name in keys)}
        )
        _remember(level, keys)
    return level


def applied_migrations(schema_name: str) -> set[Key]:
    with connection.cursor() as cursor:
        # The name is quoted and comes from our own tenant rows, never from a request.
        cursor.execute(f"SELECT app, name FROM {quote_schema_name(schema_name)}.django_migrations")  # noqa: S608
        return {(app, name) for app, name in cursor.fetchall()}


# digest -> "holds every migration of this code": levels never change, so an answer is kept for good.
_known: dict[str, bool] = {}
_lock = threading.Lock()


def _remember(level: str, keys: set[Key]) -> bool:
    serves = code_migrations() <= keys
    with _lock:
        _known[level] = serves
    return serves


def level_serves(level: str) -> bool:
    """Can this code serve a schema at `level`? One query per level this process has not seen yet."""
    if not level:
        return True  # recorded before levels existed: the next controller run records it
    known = _known.get(level)
    if known is not None:
        return known
    stored = SchemaLevel.objects.filter(digest=level).values_list("migrations", flat=True).first()
    if stored is None:
        return False  # a level nobody recorded: never trust it
    return _remember(level, {(app, name) for app, _, name in (entry.partition(".") for entry in stored)})


def serving_levels() -> QuerySet[SchemaLevel, str]:
    """The recorded levels this code can serve, as a subquery (jsonb `@>`: the level holds every migration)."""
    names = sorted(f"{app}.{name}" for app, name in code_migrations())
    return SchemaLevel.objects.filter(migrations__contains=names).values_list("digest", flat=True)
