"""The default connection, typed as what it is: django-tenants' schema-switching wrapper."""

from typing import TYPE_CHECKING, cast

from django.db import connection as _connection

if TYPE_CHECKING:
    from django_tenants.postgresql_backend.base import DatabaseWrapper

# The same thread-local proxy Django hands out; only its static type changes.
connection = cast("DatabaseWrapper", _connection)
