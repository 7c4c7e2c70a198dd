"""`manage.py check --database default` (and `bootstrap`) refuse a pool schema behind the migrations (E001) and
a transaction-mode pooler in front of schema switching (E002)."""

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.database)
def pool_schemas_migrated(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not databases:
        return []
    from django.db import DatabaseError

    from .provisioning import stale_pool_schemas

    try:
        stale = stale_pool_schemas()
    except DatabaseError:  # tables not created yet: `migrate` reports that better than we can
        return []
    return [
        Error(
            f"Pool schema {schema} is behind the latest migrations; signup would hand it out broken.",
            hint="Run `python manage.py bootstrap` (or `migrate_schemas`) before starting the app.",
            id="tenants.E001",
        )
        for schema in stale
    ]


@register(Tags.database)
def no_transaction_pooler(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Schema switching needs session state: refuse a pooler that shares server sessions (tenants/pooler.py)."""
    if not databases:
        return []
    from .pooler import REFUSAL, TransactionPoolerError, refuse_transaction_pooler

    errors: list[CheckMessage] = []
    for alias in databases:
        try:
            refuse_transaction_pooler(alias)
        except TransactionPoolerError as exc:
            errors.append(
                Error(
                    REFUSAL,
                    hint=f"Seen on database {alias!r}: {exc.problem}",
                    id="tenants.E002",
                )
            )
    return errors
