"""The migration controller against a database of its own, with migrations added as a release would add
them (tests/releases.py). Covered: a no-op touches no schema; a new migration makes behind schemas answer
503 `tenant_maintenance` and signup skip the stale pool; one schema failing (the column already there) is
recorded and named while the others are migrated and served; a re-run retries only that one; `check` and
stock `migrate_schemas` work after a new migration, and the levels `migrate_schemas` leaves are recorded.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.releases import Release, release_database

ORGS = ["acme", "beta", "gamma", "delta", "epsilon"]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Release]:
    with release_database(tmp_path_factory.mktemp("release"), "migrate") as made:
        made.setup = made.run(
            f"""
            from django.test.utils import CaptureQueriesContext
            from tenants.provisioning import pool_fill
            from shared_apps.accounts.signup import signup_create
            call_command("bootstrap", verbosity=0, pool_size=2)
            for sub in {ORGS!r}:
                signup_create(organisation_name=sub.title(), subdomain=sub, email=f"owner@{{sub}}.test",
                              password="pw-Correct-horse-9")
            pool_fill(size=2)  # signups claimed the first two; no worker runs the top-up here
            with CaptureQueriesContext(connection) as queries:
                report = migrate_tenants(jobs=2)
            out["noop"] = [report.schemas, report.up_to_date, report.migrated, len(report.failures)]
            out["queries"] = [q["sql"] for q in queries]
            """
        )
        yield made


def test_a_no_op_run_reads_the_tenant_table_and_no_schema(release: Release) -> None:
    # Five organisations and two pool schemas, all at the code's level: nothing is read inside a schema.
    assert release.setup["noop"] == [7, 7, 0, 0]
    queries = [sql for sql in release.setup["queries"] if not sql.startswith("SET search_path")]
    assert len(queries) == 2, queries  # how many schemas, and which are behind: both on tenants_tenant
    assert all('FROM "tenants_tenant"' in sql for sql in queries), queries
    assert not [sql for sql in queries if "django_migrations" in sql]


def test_a_release_migrates_every_schema_but_the_one_that_fails_and_a_rerun_retries_only_it(release: Release) -> None:
    migration = release.add("0090_release_note", "release_note")
    before = release.run(
        """
        from django.core.checks import run_checks
        out["check"] = [m.id for m in run_checks(tags=["database"], databases=["default"])]
        out["acme"] = get("acme")
        from shared_apps.accounts.signup import signup_create
        pool = set(Tenant.objects.filter(status="provisioning").values_list("pk", flat=True))
        made = signup_create(organisation_name="Zeta", subdomain="zeta", email="owner@zeta.test",
                             password="pw-Correct-horse-9")
        out["zeta_from_pool"] = made.tenant.pk in pool
        out["zeta"] = get("zeta")
        out["pool_behind"] = Tenant.objects.filter(status="provisioning").exclude(
            schema_level=made.tenant.schema_level).count()
        # The column the release adds, already there in beta (a hand-made fix, a half-run migration...).
        sql(f'ALTER TABLE "{schema("beta")}".projects_project ADD COLUMN release_note text')
        """
    )
    # Behind: 503 with Retry-After, not a 500; the check warns (W001) without stopping migrate_schemas.
    assert before["acme"] == [503, "tenant_maintenance", "30"]
    assert before["check"] == ["tenants.W001"]
    # Signup skipped the two stale pool schemas and built a fresh one at the new level: served at once.
    assert before["zeta_from_pool"] is False
    assert before["zeta"] == [200, None, None]
    assert before["pool_behind"] == 2

    run = release.manage("tenants", "migrate", "--jobs", "2")

    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 schema(s) failed to migrate" in run.stderr
    assert f"(Beta): {migration}: DuplicateColumn" in run.stderr
    # Five organisations and two pool schemas behind; zeta was already at the new level.
    assert "8 schemas: 1 up to date, 6 migrated, 1 failed" in run.stdout
    after = release.run(
        """
        out["served"] = {sub: get(sub) for sub in ["acme", "gamma", "beta"]}
        out["beta"] = list(Tenant.objects.filter(domains__domain="beta.localhost").values_list(
            "schema_status", "migration_failure__migration"))
        sql(f'ALTER TABLE "{schema("beta")}".projects_project DROP COLUMN release_note')
        report = migrate_tenants(jobs=2)
        out["rerun"] = [report.schemas, report.up_to_date, report.migrated, len(report.failures)]
        out["beta_after"] = get("beta")
        """
    )
    assert after["served"] == {
        "acme": [200, None, None],
        "gamma": [200, None, None],
        "beta": [503, "tenant_maintenance", "30"],
    }
    assert after["beta"] == [["failed", migration]]
    assert after["rerun"] == [8, 7, 1, 0]
    assert after["beta_after"] == [200, None, None]

    # A second release migrated with django-tenants' own command: it runs (no check stops it) and the
    # levels it leaves are recorded, so the controller then finds nothing to do.
    release.add("0091_release_tag", "release_tag")
    stock = release.manage("migrate_schemas", "--tenant", "--verbosity", "0")
    assert stock.returncode == 0, stock.stderr[-3000:]
    last = release.run(
        """
        report = migrate_tenants(jobs=2)
        out["noop"] = [report.schemas, report.up_to_date, report.migrated, len(report.failures)]
        out["acme"] = get("acme")
        """
    )
    assert last == {"noop": [8, 8, 0, 0], "acme": [200, None, None]}
