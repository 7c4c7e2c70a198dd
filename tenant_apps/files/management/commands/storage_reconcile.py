"""List each organisation's storage prefix against its rows: orphan objects, missing objects."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from tenant_apps.files.storage_consistency import STORAGE_ERRORS, storage_reconcile
from tenants.hosts import subdomain_of, tenant_host
from tenants.models import Tenant
from tenants.storage import tenant_prefix

LISTED = 20  # keys printed per kind and organisation; the counts are always complete


class Command(BaseCommand):
    help = (
        "Compare organisations' storage prefixes with their file and export rows and logo: report orphan objects "
        "(no row names them) and missing objects (a row names a key that is not stored). With --delete, "
        "remove the orphans older than --min-age-hours, only under that organisation's own prefix."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", metavar="SUBDOMAIN", help="one organisation (default: every organisation)")
        parser.add_argument("--delete", action="store_true", help="delete the orphan objects found")
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=1.0,
            help="orphans newer than this are reported but never deleted: an upload or export may be in flight",
        )

    def handle(self, *args: Any, tenant: str | None = None, delete: bool = False, min_age_hours: float = 1.0,
               **options: Any) -> None:  # fmt: skip
        if min_age_hours < 0:
            raise CommandError("--min-age-hours cannot be negative.")
        tenants = list(self._tenants(tenant))
        if not tenants:
            self.stdout.write("No organisations to reconcile.")
            return
        min_age = timedelta(hours=min_age_hours)
        totals = {"orphans": 0, "missing": 0, "deleted": 0}
        failed: list[str] = []
        for index, org in enumerate(tenants, start=1):
            name = _subdomain(org)
            label = f"[{index}/{len(tenants)}] {name} ({tenant_prefix(org)}/)"
            try:
                report = storage_reconcile(tenant=org, delete=delete, min_age=min_age)
            except STORAGE_ERRORS as exc:
                failed.append(name)
                self.stderr.write(f"{label}: storage error: {exc}")
                continue
            self.stdout.write(
                f"{label}: {report.objects} objects, {report.rows} rows, {len(report.orphans)} orphans, "
                f"{len(report.missing)} missing, {len(report.recent)} recent unnamed (kept)"
                + (f", {len(report.deleted)} deleted" if delete else "")
            )
            for kind, keys in (("orphan", report.orphans), ("missing", report.missing), ("recent", report.recent)):
                for key in keys[:LISTED]:
                    self.stdout.write(f"  {kind} {key}")
                if len(keys) > LISTED:
                    self.stdout.write(f"  ... and {len(keys) - LISTED} more {kind}")
            totals["orphans"] += len(report.orphans)
            totals["missing"] += len(report.missing)
            totals["deleted"] += len(report.deleted)
        self.stdout.write(
            f"{len(tenants) - len(failed)} of {len(tenants)} organisation(s) reconciled: "
            + ", ".join(f"{value} {key}" for key, value in totals.items())
        )
        if totals["orphans"] > totals["deleted"]:
            self.stdout.write("Remove the orphans with --delete (only objects under each organisation's prefix).")
        if totals["missing"]:
            self.stdout.write(
                "Missing objects cannot be restored from here: restore them from the bucket's versions or "
                "backup (deploy/BACKUPS.md), or delete their rows through the API."
            )
        if failed:
            raise CommandError(
                f"Storage failed for {len(failed)} organisation(s) ({', '.join(failed[:10])}): check "
                "AWS_S3_ENDPOINT_URL, the bucket and the credentials, then run again with --tenant SUBDOMAIN."
            )

    def _tenants(self, subdomain: str | None) -> QuerySet[Tenant]:
        live = Tenant.objects.filter(status__in=(Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED)).exclude(
            schema_name="public"
        )
        if subdomain is None:
            return live.order_by("created_at")
        host = subdomain if "." in subdomain else tenant_host(subdomain.lower(), settings.SAAS_BASE_DOMAIN)
        found = live.filter(domains__domain=host.lower())
        if not found.exists():
            raise CommandError(
                f"No active or suspended organisation has the subdomain {subdomain!r}: "
                "list them with `manage.py tenants list`."
            )
        return found


def _subdomain(tenant: Tenant) -> str:
    domain = tenant.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    return subdomain_of(domain, settings.SAAS_BASE_DOMAIN) or str(tenant.id)
