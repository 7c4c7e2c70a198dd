"""Empty database -> ready. Safe to run on every deploy: each step only does what is missing."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.provisioning import pool_fill, pool_size, public_tenant_ensure, stale_pool_schemas


class Command(BaseCommand):
    help = "Migrate shared and tenant schemas, create the public tenant and its domains, fill the tenant pool."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pool-size", type=int, default=None, help="Override TENANT_POOL_SIZE for this run.")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        self._step("1/4 Migrating the public schema")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=max(verbosity - 1, 0))
        self._step("2/4 Migrating tenant schemas (organisations and the pool)")
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=max(verbosity - 1, 0))
        self._step("3/4 Public tenant and domains")
        public_tenant_ensure()
        self._step("4/4 Filling the tenant pool")
        added = pool_fill(size=options["pool_size"], on_progress=self._progress)
        self.stdout.write(f"  pool: {pool_size()} ready ({added} added)")
        stale = stale_pool_schemas()
        if stale:
            raise CommandError(
                f"Pool schemas behind the latest migrations: {', '.join(stale)}. "
                "Run `python manage.py migrate_schemas --tenant` and then bootstrap again."
            )
        self.stdout.write(self.style.SUCCESS("Ready."))

    def _step(self, title: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(title))

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        self.stdout.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        if done == total:
            self.stdout.write("")
