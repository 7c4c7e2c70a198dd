"""A persistent connection that has served TENANT_CONNECTION_MAX_SCHEMAS schemas is replaced (issue 14,
item 4): its PostgreSQL backend's catalog cache keeps every table of every schema it has touched."""

from __future__ import annotations

import pytest
from django.db import close_old_connections
from django.test import Client, override_settings

from shared_apps.accounts.signup import Signup
from tenants.db import connection


@pytest.fixture
def persistent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Persistent connections, as the web runs them (the test settings close them after each request)."""
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)


def _get(client: Client) -> int:
    status = client.get("/healthz").status_code
    close_old_connections()  # what the WSGI handler does after each request (the test client does not)
    return status


def _backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@override_settings(TENANT_CONNECTION_MAX_SCHEMAS=2)
def test_a_connection_is_replaced_after_serving_the_most_schemas(
    live_db: None, acme: Signup, globex: Signup, persistent: None
) -> None:
    client_a, client_g = Client(HTTP_HOST=acme.host), Client(HTTP_HOST=globex.host)
    assert _get(client_a) == 200  # schema 1
    first = _backend()
    assert _get(client_a) == 200  # the same schema again: still 1
    assert connection.connection is not None and _backend() == first
    assert _get(client_g) == 200  # schema 2: closed as the request ends
    assert connection.connection is None
    assert _backend() != first  # a fresh connection, counting from zero
    assert _get(client_a) == 200  # its schema 1
    assert connection.connection is not None


@override_settings(TENANT_CONNECTION_MAX_SCHEMAS=1000)
def test_below_the_bound_the_connection_stays(live_db: None, acme: Signup, globex: Signup, persistent: None) -> None:
    _get(Client(HTTP_HOST=acme.host))
    first = _backend()
    for _ in range(3):
        for host in (globex.host, acme.host):
            assert _get(Client(HTTP_HOST=host)) == 200
    assert _backend() == first
