"""Empty database -> ready. Safe to run on every deploy: each step only does what is missing."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tenants.management.migrate_cli import add_migrate_arguments, raise_for_failures, write_report
from tenants.migrator import migrate_tenants
from tenants.progress import ProgressBar
from tenants.provisioning import pool_fill, pool_size, public_tenant_ensure


class Command(BaseCommand):
    help = "Migrate shared and tenant schemas, create the public tenant and its domains, fill the tenant pool."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pool-size", type=int, default=None, help="Override TENANT_POOL_SIZE for this run.")
        add_migrate_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        self._step("1/4 Migrating the public schema")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=max(verbosity - 1, 0))
        self._step("2/4 Migrating tenant schemas (the pool first, then organisations)")
        report = migrate_tenants(
            jobs=options["jobs"], verify=options["verify"], on_progress=ProgressBar(self.stdout, "schemas")
        )
        write_report(self, report)
        self._step("3/4 Public tenant and domains")
        public_tenant_ensure()
        self._step("4/4 Filling the tenant pool")
        added = pool_fill(size=options["pool_size"], on_progress=ProgressBar(self.stdout, "pool"))
        self.stdout.write(f"  pool: {pool_size()} ready ({added} added)")
        if report.failures:
            raise_for_failures(report)
        self.stdout.write(self.style.SUCCESS("Ready."))

    def _step(self, title: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(title))
