"""Counting every SQL statement a connection sends, `SET search_path` included.

Django's query capture misses the search_path statements django-tenants sends on the raw cursor, so
this counts at the driver: it wraps the psycopg cursor class of the current connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


class StatementLog(list[str]):
    def count(self, prefix: str | None = None) -> int:
        return len(self) if prefix is None else sum(1 for sql in self if sql.lstrip().upper().startswith(prefix))


@contextmanager
def statements() -> Iterator[StatementLog]:
    log = StatementLog()
    connection.ensure_connection()
    raw = connection.connection
    original = raw.cursor_factory

    class Counting(original):  # type: ignore[misc, valid-type]
        def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
            log.append(query if isinstance(query, str) else str(query))
            return super().execute(query, *args, **kwargs)

    raw.cursor_factory = Counting
    try:
        yield log
    finally:
        raw.cursor_factory = original
