"""A request for one organisation touches its own schema and `public`, never another organisation's.

This is the property that lets tenant schemas live on different database servers (deploy/SCALING.md,
"Past one database server: Citus schema-based sharding"): a statement confined to one tenant schema
(plus shared tables) can be routed to the one node holding that schema. So every SQL statement issued
while serving a tenant-host request is captured (on every database alias) and checked:

(a) no statement qualifies a table with a tenant schema (`"t_..."."table"`): tenant tables are reached
    through the search_path only, and the other organisation's schema name appears nowhere, neither in
    the SQL nor in its parameters;
(b) every `SET search_path` names only the organisation's own schema and `public`;
(c) a statement that reads or writes a tenant table together with a shared (public) one joins only the
    shared tables listed in REFERENCE_TABLES: those would have to be Citus reference tables.

What a regression looks like: a view doing `cursor.execute('SELECT ... FROM "t_1a2b...".projects_project')`
fails (a); a helper wrapping work in `schema_context(other.schema_name)` fails (b) with the other schema
in the SET; a `Project.objects.select_related("created_by")` join to `accounts_user` fails (c) until that
table is added to REFERENCE_TABLES and to SCALING.md as a reference table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client, override_settings

from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from tenants.db import connection
from tests.factories import PASSWORD, UserFactory
from tests.helpers import api

pytestmark = pytest.mark.django_db

# Shared tables that a statement may combine with tenant tables (joins, subqueries). Under Citus each must
# be a reference table (`SELECT create_reference_table(...)`); keep in step with deploy/SCALING.md. None
# today: tenant rows hold user ids, and no request joins them to `accounts_user`.
REFERENCE_TABLES: frozenset[str] = frozenset()

_TENANT_SCHEMA_QUALIFIED = re.compile(r'"?\bt_[0-9a-f]+"?\s*\.')
_SET_SEARCH_PATH = re.compile(r"^\s*SET\s+search_path\s*(?:=|TO)\s*(.+)$", re.IGNORECASE | re.DOTALL)
# Table names as Django's compiler quotes them after FROM / JOIN / INTO / UPDATE: enough for (c), no SQL parser.
_TABLE = re.compile(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"([^"]+)"', re.IGNORECASE)


def _tenant_tables() -> frozenset[str]:
    return frozenset(
        model._meta.db_table
        for config in apps.get_app_configs()
        if config.name in settings.TENANT_APPS
        for model in config.get_models(include_auto_created=True)
    )


def _shared_tables() -> frozenset[str]:
    tenant = _tenant_tables()
    every = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return frozenset(every - tenant) | {"django_migrations"}


@dataclass(frozen=True)
class Statement:
    alias: str
    sql: str
    params: str


@contextmanager
def captured() -> Iterator[list[Statement]]:
    """Every statement run on any alias (replicas included) in this thread; SET search_path included, as
    django-tenants issues it on the wrapped cursor."""
    statements: list[Statement] = []

    def recorder(alias: str) -> Callable[..., Any]:
        def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            statements.append(Statement(alias, str(sql), repr(params)))
            return execute(sql, params, many, context)

        return wrapper

    with ExitStack() as stack:
        for conn in connections.all():
            stack.enter_context(conn.execute_wrapper(recorder(conn.alias)))
        yield statements


def _search_path(sql: str) -> list[str] | None:
    match = _SET_SEARCH_PATH.match(sql)
    if match is None:
        return None
    return [part.strip().strip('"') for part in match.group(1).split(",")]


def assert_confined(statements: list[Statement], *, own: str, other: str, what: str) -> None:
    tenant_tables, shared_tables = _tenant_tables(), _shared_tables()
    paths = [path for s in statements if (path := _search_path(s.sql)) is not None]
    # Each request starts on `public` (see `_request`), so the tenant's schema is selected at least once:
    # without this the checks below could pass on a request that never reached the tenant.
    assert any(own in path for path in paths), f"{what}: never switched to {own}: {paths}"
    for path in paths:
        assert set(path) <= {own, "public"}, f"{what}: SET search_path beyond {own} and public: {path}"
    for statement in statements:
        where = f"{what} [{statement.alias}]: {statement.sql[:300]}"
        assert other not in statement.sql and other not in statement.params, f"names {other}: {where}"
        if _search_path(statement.sql) is None:
            assert not _TENANT_SCHEMA_QUALIFIED.search(statement.sql), f"schema-qualified tenant table: {where}"
        tables = set(_TABLE.findall(statement.sql))
        unknown = tables - tenant_tables - shared_tables
        assert not unknown, f"tables neither tenant nor shared {unknown}: {where}"
        if tables & tenant_tables:
            joined = tables - tenant_tables
            assert joined <= REFERENCE_TABLES, f"tenant tables combined with {joined - REFERENCE_TABLES}: {where}"


@dataclass
class Org:
    signup: Signup
    member_id: int

    @property
    def schema(self) -> str:
        return self.signup.tenant.schema_name


def _org(signup: Signup) -> Org:
    member = UserFactory.create(email=f"member@{signup.tenant.schema_name}.test")
    membership_create(user=member, tenant=signup.tenant, role=Membership.Role.MEMBER)
    return Org(signup, member.id)


# The test client's response: django-stubs types it as its own HttpResponse subclass, not worth spelling here.
Response = Any


def _request(send: Callable[[], Response], *, own: Org, other: Org, what: str, status: int) -> Response:
    # Start from public, as a pooled connection does after serving anyone: the request must select its own
    # schema itself (and the SET it sends is then checked).
    connection.set_schema_to_public()
    with captured() as statements:
        response = send()
    assert response.status_code == status, (what, response.status_code, response.content[:500])
    assert_confined(statements, own=own.schema, other=other.schema, what=what)
    return response


def _owner_session(own: Org, other: Org) -> None:
    """A broad tour of the tenant API as the owner, each request checked on its own."""
    host = own.signup.host

    def check(what: str, status: int, send: Callable[[], Response]) -> Any:
        response = _request(send, own=own, other=other, what=what, status=status)
        return response.json() if response.content and response.get("Content-Type") == "application/json" else None

    session = check(
        "login",
        200,
        lambda: api(host).post(
            "/api/v1/auth/login/",
            {"email": own.signup.user.email, "password": PASSWORD},
            content_type="application/json",
        ),
    )
    client: Client = api(host, session["access"])
    refreshed = check(
        "refresh",
        200,
        lambda: api(host).post(
            "/api/v1/auth/refresh/", {"refresh": session["refresh"]}, content_type="application/json"
        ),
    )
    check("me", 200, lambda: client.get("/api/v1/me/"))

    project = check(
        "project create",
        201,
        lambda: client.post("/api/v1/projects/", {"name": "Confined"}, content_type="application/json"),
    )
    pid = project["id"]
    check("project list", 200, lambda: client.get("/api/v1/projects/?name=conf&ordering=name"))
    check("project detail", 200, lambda: client.get(f"/api/v1/projects/{pid}/"))
    check(
        "project update",
        200,
        lambda: client.patch(f"/api/v1/projects/{pid}/", {"description": "x"}, content_type="application/json"),
    )

    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    file = check("file upload", 201, lambda: client.post("/api/v1/files/", {"file": upload, "projectId": pid}))
    check("file list", 200, lambda: client.get("/api/v1/files/"))
    check("file detail", 200, lambda: client.get(f"/api/v1/files/{file['id']}/"))
    check("file delete", 204, lambda: client.delete(f"/api/v1/files/{file['id']}/"))
    check("project delete", 204, lambda: client.delete(f"/api/v1/projects/{pid}/"))

    check("member list", 200, lambda: client.get("/api/v1/members/"))
    check(
        "member role",
        200,
        lambda: client.patch(f"/api/v1/members/{own.member_id}/", {"role": "admin"}, content_type="application/json"),
    )
    check("member remove", 204, lambda: client.delete(f"/api/v1/members/{own.member_id}/"))

    invitation = check(
        "invitation create",
        201,
        lambda: client.post(
            "/api/v1/invitations/", {"email": "new@example.test", "role": "member"}, content_type="application/json"
        ),
    )
    check("invitation list", 200, lambda: client.get("/api/v1/invitations/"))
    check("invitation resend", 202, lambda: client.post(f"/api/v1/invitations/{invitation['id']}/resend/"))
    check("invitation revoke", 204, lambda: client.delete(f"/api/v1/invitations/{invitation['id']}/"))

    # A Stripe key turns billing on for this request only: the overview reads our own rows (no call reaches
    # Stripe), while with billing on for the whole tour the free plan would refuse exports.
    with override_settings(STRIPE_SECRET_KEY="sk_test_confinement_" + "x" * 16):
        check("billing overview", 200, lambda: client.get("/api/v1/billing/"))
    check("audit", 200, lambda: client.get("/api/v1/audit/"))

    export = check("export create", 202, lambda: client.post("/api/v1/exports/"))
    check("export detail", 200, lambda: client.get(f"/api/v1/exports/{export['id']}/"))

    check(
        "logout",
        204,
        lambda: api(host).post(
            "/api/v1/auth/logout/", {"refresh": refreshed["refresh"]}, content_type="application/json"
        ),
    )


@pytest.mark.parametrize("who", ["acme", "globex"])
def test_tenant_requests_stay_in_their_schema(acme: Signup, globex: Signup, who: str) -> None:
    orgs = {"acme": _org(acme), "globex": _org(globex)}
    own, other = orgs[who], orgs["globex" if who == "acme" else "acme"]
    _owner_session(own, other)


def test_the_check_catches_a_statement_naming_another_schema(acme: Signup, globex: Signup) -> None:
    """The checks above are not vacuous: a cross-schema read and a foreign search_path are both caught."""
    connection.set_tenant(acme.tenant)
    with captured() as statements, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.execute(f'SELECT count(*) FROM "{globex.tenant.schema_name}".projects_project')
    with pytest.raises(AssertionError, match="names"):
        assert_confined(statements, own=acme.tenant.schema_name, other=globex.tenant.schema_name, what="probe")

    connection.set_schema_to_public()
    connection.set_tenant(globex.tenant)
    with captured() as statements, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    with pytest.raises(AssertionError, match="never switched|beyond"):
        assert_confined(statements, own=acme.tenant.schema_name, other="t_none", what="probe")


def test_helpers_read_sql_as_django_writes_it() -> None:
    assert _search_path('SET search_path = "t_0a1b","public"') == ["t_0a1b", "public"]
    assert _search_path("SELECT 1") is None
    assert _TENANT_SCHEMA_QUALIFIED.search('SELECT * FROM "t_0a1b"."projects_project"')
    assert not _TENANT_SCHEMA_QUALIFIED.search('SELECT "projects_project"."id" FROM "projects_project"')
    sql = 'SELECT 1 FROM "projects_project" LEFT OUTER JOIN "accounts_user" ON (1=1)'
    assert set(_TABLE.findall(sql)) == {"projects_project", "accounts_user"}
    # (c): a tenant table joined to a shared table that is not in REFERENCE_TABLES is refused.
    joined = [Statement("default", 'SET search_path = "t_0a1b","public"', "()"), Statement("default", sql, "()")]
    with pytest.raises(AssertionError, match="combined with"):
        assert_confined(joined, own="t_0a1b", other="t_ffff", what="probe")
