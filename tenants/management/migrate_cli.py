"""What `bootstrap` and `tenants migrate` share: the migration options, the summary, the failure exit."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.migrator import Report


def add_migrate_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--jobs", type=int, default=4, help="Schemas migrated at once, one database connection each (default 4)."
    )
    parser.add_argument(
        "--verify", action="store_true", help="Read every schema's migrations instead of trusting recorded levels."
    )


def write_report(command: BaseCommand, report: Report) -> None:
    command.stdout.write(
        f"  {report.schemas} schemas: {report.up_to_date} up to date, {report.migrated} migrated, "
        f"{len(report.failures)} failed ({report.seconds:.1f}s)"
    )


def raise_for_failures(report: Report) -> None:
    lines = [f"  {f.schema_name} ({f.organisation or 'pool'}): {f.migration}: {f.error}" for f in report.failures]
    raise CommandError(
        f"{len(report.failures)} schema(s) failed to migrate and answer 503 until fixed:\n"
        + "\n".join(lines)
        + "\nFix the cause, then run `python manage.py tenants migrate` again: it retries only these."
    )
