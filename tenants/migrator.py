"""The migration controller: brings every tenant schema up to the code's migrations, fast and isolated.

`migrate_schemas` runs a whole `migrate` in every schema, up to date or not (each one rebuilds the
migration graph, renders the project state and scans `pg_class`), one after another, and stops at the
first schema that fails. Here:

- **Skip without touching.** One query over the tenant table finds the schemas whose recorded level
  (tenants/schema_levels.py) is not the code's; only those are read (one `UNION ALL` query per batch).
  A no-op over thousands of organisations is that one query.
- **Parallel, bounded.** `jobs` threads, each with its own connection, its own migration graph (built
  once) and the project state per starting level (rendered once, cloned per schema); Django's executor
  applies each migration in its own transaction, exactly as `migrate` would.
- **Isolated.** A schema that fails is marked `failed` (served 503 `tenant_maintenance`), its failure
  recorded (schema, organisation, migration, error) and the run goes on; the report names every failure
  and a re-run retries only what is not done.
- **Pool first.** Unclaimed pool schemas go first, so signup stops needing fresh schemas soonest; until
  then a claim skips any schema that is behind (tenants.provisioning.pool_claim).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState
from django.db.models import Case, IntegerField, Value, When
from django_tenants.utils import get_public_schema_name, quote_schema_name

from .db import connection
from .models import SchemaMigrationFailure, SchemaStatus, Tenant
from .routing import CATCH_UP_MAX, invalidate_routing
from .schema_levels import Key, code_level, code_migrations, level_record

logger = logging.getLogger(__name__)

# Schemas read per `UNION ALL` query when looking inside them: one round trip, a bounded statement.
_READ_BATCH = 200


@dataclass(frozen=True)
class Target:
    tenant_id: str
    schema_name: str
    organisation: str
    status: str


@dataclass(frozen=True)
class Failure:
    schema_name: str
    organisation: str
    migration: str
    error: str


@dataclass
class Report:
    schemas: int = 0  # tenant schemas considered (every organisation and pool schema)
    up_to_date: int = 0  # skipped: already at the code's level, or found to hold every migration
    migrated: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0


Progress = Callable[[int, int, int], None]  # (done, total, failed so far)


def tenant_targets(*, verify: bool = False) -> tuple[int, list[Target]]:
    """How many tenant schemas there are, and those whose recorded level is not the code's (pool first).

    With `verify`, every schema: the levels are not trusted and each schema's own table is read.
    """
    tenants = Tenant.objects.exclude(schema_name=get_public_schema_name()).exclude(status=Tenant.Status.DELETED)
    total = tenants.count()
    candidates = tenants if verify else tenants.exclude(schema_level=code_level(), schema_status=SchemaStatus.READY)
    behind = (
        candidates.annotate(
            pool_first=Case(
                When(status=Tenant.Status.PROVISIONING, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("pool_first", "created_at")
        .values_list("id", "schema_name", "name", "status")
    )
    return total, [Target(str(pk), schema, name, status) for pk, schema, name, status in behind]


def applied_by_schema(schema_names: list[str]) -> dict[str, set[Key] | None]:
    """What each schema's `django_migrations` holds; None for a schema without that table (or missing).

    Such a schema is never migrated here: with its name first in the search_path and no schema of that
    name, PostgreSQL would create the tables in `public`.
    """
    found: dict[str, set[Key] | None] = dict.fromkeys(schema_names)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND n.nspname = ANY(%s)",
            [schema_names],
        )
        readable = [row[0] for row in cursor.fetchall()]
        rows: dict[str, set[Key]] = {schema: set() for schema in readable}
        for start in range(0, len(readable), _READ_BATCH):
            batch = readable[start : start + _READ_BATCH]
            # Names come from our own tenant rows and are quoted; the literal is bound as a parameter.
            sql = " UNION ALL ".join(
                f"SELECT %s, app, name FROM {quote_schema_name(schema)}.django_migrations"  # noqa: S608
                for schema in batch
            )
            cursor.execute(sql, batch)
            for schema, app, name in cursor.fetchall():
                rows[schema].add((app, name))
    found.update(rows)
    return found


class SchemaMigrator:
    """One per thread: Django's executor, with the graph built once and the starting states cached."""

    def __init__(self) -> None:
        self.loader = MigrationLoader(None, ignore_no_migrations=True)
        # The executor's own constructor would read this connection's schema; we tell it what it holds.
        self.executor = MigrationExecutor.__new__(MigrationExecutor)
        self.executor.connection = connection
        self.executor.loader = self.loader
        self.executor.progress_callback = None
        self.full_plan = [m for m, _ in self.executor.migration_plan(self.loader.graph.leaf_nodes(), clean_start=True)]
        self._states: dict[frozenset[Key], ProjectState] = {}

    def pending(self, applied: set[Key]) -> list[Migration]:
        """The migrations `applied` lacks, in the order `migrate` would apply them."""
        return [m for m in self.full_plan if (m.app_label, m.name) not in applied]

    def run(self, applied: set[Key], on_start: Callable[[Migration], None]) -> None:
        """Apply what is pending in the connection's current schema; each migration commits on its own."""
        pending = self.pending(applied)
        if not pending:
            return
        recorder = MigrationRecorder(connection)
        recorder._has_table = True  # type: ignore[attr-defined]  # seen in applied_by_schema; spares a scan of pg_class per schema
        self.executor.recorder = recorder
        self.loader.applied_migrations = {
            key: self.loader.graph.nodes[key] for key in applied if key in self.loader.graph.nodes
        }
        state = self._state_before(frozenset(applied))
        for migration in pending:
            on_start(migration)
            state = self.executor.apply_migration(state, migration)

    def _state_before(self, applied: frozenset[Key]) -> ProjectState:
        cached = self._states.get(applied)
        if cached is None:
            cached = ProjectState(real_apps=self.loader.unmigrated_apps)
            for migration in self.full_plan:
                if (migration.app_label, migration.name) in applied:
                    migration.mutate_state(cached, preserve=False)
            cached.apps  # noqa: B018  (render once: the costly step `migrate` repeats in every schema)
            self._states[applied] = cached
        return cached.clone()


def _status_set(target: Target, status: str) -> None:
    Tenant.objects.filter(pk=target.tenant_id).update(schema_status=status)
    invalidate_routing(target.tenant_id)


def _migrate_one(migrator: SchemaMigrator, target: Target, applied: set[Key]) -> Failure | None:
    _status_set(target, SchemaStatus.MIGRATING)
    done = set(applied)
    current: list[Migration] = []

    def started(migration: Migration) -> None:
        if current:
            done.add((current[0].app_label, current[0].name))
        current[:] = [migration]

    connection.set_schema(target.schema_name)
    try:
        migrator.run(applied, started)
    except Exception as exc:  # noqa: BLE001 - any failure is this schema's: recorded, and the run goes on
        connection.set_schema_to_public()
        migration = f"{current[0].app_label}.{current[0].name}" if current else "?"
        cause = exc.__cause__ or exc  # the driver's own error (DuplicateColumn...) under Django's wrapper
        error = f"{type(cause).__name__}: {str(cause).strip()}"
        # One line: the traceback is kept with the failure (`tenants migrations`), not repeated per schema.
        logger.error(
            "migrating schema %s (%s) failed at %s: %s", target.schema_name, target.organisation, migration, error
        )
        Tenant.objects.filter(pk=target.tenant_id).update(
            schema_level=level_record(done), schema_status=SchemaStatus.FAILED
        )
        SchemaMigrationFailure.objects.update_or_create(
            tenant_id=target.tenant_id,
            defaults={"migration": migration, "error": error, "traceback": traceback.format_exc()[-4000:]},
        )
        invalidate_routing(target.tenant_id)
        return Failure(target.schema_name, target.organisation, migration, error)
    connection.set_schema_to_public()
    if current:
        done.add((current[0].app_label, current[0].name))
    _mark_ready([target.tenant_id], level_record(done))
    return None


def _unreadable(target: Target) -> Failure:
    error = "no django_migrations table: the schema is missing or was never migrated"
    Tenant.objects.filter(pk=target.tenant_id).update(schema_status=SchemaStatus.FAILED)
    SchemaMigrationFailure.objects.update_or_create(
        tenant_id=target.tenant_id, defaults={"migration": "-", "error": error}
    )
    invalidate_routing(target.tenant_id)
    return Failure(target.schema_name, target.organisation, "-", error)


def _mark_ready(tenant_ids: list[str], level: str) -> None:
    Tenant.objects.filter(pk__in=tenant_ids).update(schema_level=level, schema_status=SchemaStatus.READY)
    SchemaMigrationFailure.objects.filter(tenant_id__in=tenant_ids).delete()
    if len(tenant_ids) > CATCH_UP_MAX:
        invalidate_routing()  # one wholesale change rather than more than a process would read
    else:
        for tenant_id in tenant_ids:
            invalidate_routing(tenant_id)


def migrate_tenants(*, jobs: int = 2, verify: bool = False, on_progress: Progress | None = None) -> Report:
    """Bring every tenant schema up to the code's migrations. Never raises for one schema's failure.

    `jobs` bounds the connections used (one per thread); with 1 it runs in the calling thread and its
    connection, so it also works inside a transaction (tests, a caller's atomic block).
    """
    started_at = time.monotonic()
    report = Report()
    connection.set_schema_to_public()
    report.schemas, targets = tenant_targets(verify=verify)
    found = applied_by_schema([t.schema_name for t in targets]) if targets else {}
    applied = {schema: keys for schema, keys in found.items() if keys is not None}
    for target in targets:
        if found[target.schema_name] is None:
            report.failures.append(_unreadable(target))
    expected = code_migrations()
    # Found complete (migrated by `migrate_schemas`, or recorded before levels existed): record, don't touch.
    complete = [t for t in targets if t.schema_name in applied and expected <= applied[t.schema_name]]
    by_level: dict[str, list[str]] = {}
    for target in complete:
        by_level.setdefault(level_record(applied[target.schema_name]), []).append(target.tenant_id)
    for level, ids in by_level.items():
        _mark_ready(ids, level)
    report.up_to_date = report.schemas - len(targets) + len(complete)
    work = [t for t in targets if t.schema_name in applied and not expected <= applied[t.schema_name]]
    if work:
        _run_parallel(work, applied, jobs, report, on_progress)
    report.seconds = time.monotonic() - started_at
    return report


def _run_parallel(
    work: list[Target], applied: dict[str, set[Key]], jobs: int, report: Report, on_progress: Progress | None
) -> None:
    lock = threading.Lock()

    def settle(failure: Failure | None) -> None:
        with lock:
            if failure is None:
                report.migrated += 1
            else:
                report.failures.append(failure)
            if on_progress:
                on_progress(report.migrated + len(report.failures), len(work), len(report.failures))

    if jobs <= 1:
        migrator = SchemaMigrator()
        for target in work:
            settle(_migrate_one(migrator, target, applied[target.schema_name]))
        return

    todo: queue.SimpleQueue[Target] = queue.SimpleQueue()
    for target in work:
        todo.put(target)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            migrator = SchemaMigrator()
            while True:
                try:
                    target = todo.get_nowait()
                except queue.Empty:
                    return
                settle(_migrate_one(migrator, target, applied[target.schema_name]))
        except BaseException as exc:  # noqa: BLE001 - the database went away: this thread stops, the run re-raises
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=worker, name=f"migrate-{n}") for n in range(min(jobs, len(work)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def failures_pending() -> Iterable[SchemaMigrationFailure]:
    """The failures a previous run left, with their organisations (for `tenants migrate --failed`)."""
    return SchemaMigrationFailure.objects.select_related("tenant").order_by("failed_at")
