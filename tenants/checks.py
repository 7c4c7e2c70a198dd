"""`manage.py check --database default` warns of pool schemas behind the migrations (W001) and refuses a
transaction-mode pooler in front of schema switching (E002)."""

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, Warning, register


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
    # A warning, not an error: signup skips these schemas (it builds a fresh one), and an error would stop
    # `migrate_schemas` itself, the command that brings them up to date.
    return (
        [
            Warning(
                f"{len(stale)} pool schema(s) behind the latest migrations ({', '.join(stale[:5])}"
                f"{', ...' if len(stale) > 5 else ''}): signup skips them and builds fresh schemas meanwhile.",
                hint="Run `python manage.py bootstrap` (or `python manage.py tenants migrate`).",
                id="tenants.W001",
            )
        ]
        if stale
        else []
    )


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
