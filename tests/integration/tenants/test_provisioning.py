"""The pool and the fast path produce the same schema the migrations do, and stale pool schemas are skipped."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connections, transaction

from tenants.checks import pool_schemas_migrated
from tenants.db import connection
from tenants.models import Tenant
from tenants.provisioning import (
    generate_schema_name,
    pool_claim,
    pool_fill,
    pool_size,
    schema_create,
    stale_pool_schemas,
)
from tenants.schema_levels import applied_migrations, code_level, level_record
from tenants.tasks import pool_top_up


def _shape(schema: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, replace(indexdef, %s, 'S') FROM pg_indexes WHERE schemaname = %s ORDER BY 1",
            [schema, schema],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, replace(pg_get_constraintdef(oid), %s, 'S') FROM pg_constraint "
            "WHERE connamespace = %s::regnamespace ORDER BY 1",
            [schema, schema],
        )
        return columns, indexes, cursor.fetchall()


@pytest.mark.django_db
def test_script_schema_is_identical_to_a_migrated_one() -> None:
    scripted, migrated = generate_schema_name(), generate_schema_name()
    assert schema_create(scripted) == "script"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{migrated}"')
    call_command("migrate_schemas", schema_name=migrated, tenant=True, interactive=False, verbosity=0)

    assert _shape(scripted) == _shape(migrated)
    assert _shape(scripted)[0], "the comparison must see tables"
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT app, name FROM "{scripted}".django_migrations '
            f'EXCEPT SELECT app, name FROM "{migrated}".django_migrations'
        )
        assert cursor.fetchall() == []


def test_schema_names_are_random_and_valid() -> None:
    names = {generate_schema_name() for _ in range(1000)}
    assert len(names) == 1000
    assert all(name.startswith("t_") and len(name) == 18 and name[2:].isalnum() for name in names)


@pytest.mark.usefixtures("live_db")
def test_pool_claim_skips_rows_locked_by_another_signup() -> None:
    pool_fill(size=2)
    with transaction.atomic():
        first = pool_claim()
        assert first is not None
        # A second connection (another signup in flight) must get a different row, not wait for ours.
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(
                    "SELECT schema_name FROM tenants_tenant WHERE status = 'provisioning' "
                    "ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1"
                )
                row = cursor.fetchone()
            assert row is not None and row[0] != first.schema_name
        finally:
            other.close()


@pytest.mark.django_db
def test_top_up_task_refills_the_pool_after_claims() -> None:
    pool_fill(size=2)
    Tenant.objects.filter(pk=pool_claim().pk).update(status=Tenant.Status.ACTIVE)  # type: ignore[union-attr]
    assert pool_size() == 1
    assert pool_top_up.run() == 1  # the task body, run here; a worker runs the same function
    assert pool_size() == 2
    assert pool_top_up.run() == 0


@pytest.mark.django_db
def test_a_stale_pool_schema_is_never_claimed_and_bootstrap_migrates_it() -> None:
    pool_fill(size=2)
    assert stale_pool_schemas() == []
    victim, other = Tenant.objects.filter(status=Tenant.Status.PROVISIONING).order_by("created_at")[:2]
    # As if the exports app had been added after this schema was made (and recorded so, as a release does).
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{victim.schema_name}".exports_export')
        cursor.execute(f"DELETE FROM \"{victim.schema_name}\".django_migrations WHERE app = 'exports'")
    Tenant.objects.filter(pk=victim.pk).update(schema_level=level_record(applied_migrations(victim.schema_name)))
    assert stale_pool_schemas() == [victim.schema_name]
    # A warning, not an error: `migrate_schemas` (which runs the checks) must still be able to fix it.
    messages = pool_schemas_migrated(databases=["default"])
    assert [m.id for m in messages] == ["tenants.W001"]
    assert victim.schema_name in messages[0].msg
    with transaction.atomic():
        claimed = pool_claim()
        assert claimed is not None
        assert claimed.pk == other.pk  # the older, stale schema is skipped

    call_command("bootstrap", verbosity=0, pool_size=2, jobs=1)

    assert stale_pool_schemas() == []
    victim.refresh_from_db()
    assert (victim.schema_level, victim.schema_status) == (code_level(), "ready")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{victim.schema_name}".exports_export'])
        assert cursor.fetchone()[0] is not None
