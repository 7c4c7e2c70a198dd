"""`manage.py tenants list|show|suspend|reactivate|delete|migrate|migrations`: the operator console (CLI)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.memberships.selectors import member_list
from shared_apps.operator.deletion import tenant_deletion_execute, tenant_deletion_schedule
from shared_apps.operator.models import TenantDeletion
from shared_apps.operator.selectors import tenant_list, usage_history
from shared_apps.operator.services import tenant_reactivate, tenant_suspend
from tenants.hosts import subdomain_of, tenant_host
from tenants.management.migrate_cli import add_migrate_arguments, raise_for_failures, write_report
from tenants.migrator import failures_pending, migrate_tenants
from tenants.models import Tenant
from tenants.progress import ProgressBar


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Plain aligned columns (numbers right-aligned), readable in a terminal and in logs."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [
        all(r[i].replace(",", "").isdigit() for r in cells[1:] if r[i]) and len(cells) > 1 for i in range(len(headers))
    ]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(row, widths, numeric, strict=True)).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells[1:]]
    return "\n".join(out)


class Command(BaseCommand):
    help = "List, inspect, suspend, reactivate or delete organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="organisations, newest first")
        listing.add_argument("--search", default="", help="name, subdomain, member email or Stripe customer id")
        listing.add_argument("--status", choices=[s.value for s in Tenant.Status if s != Tenant.Status.PROVISIONING])
        show = sub.add_parser("show", help="one organisation: details, members, usage")
        show.add_argument("tenant", help="id, subdomain or host")
        for name in ("suspend", "reactivate"):
            action = sub.add_parser(name, help=f"{name} an organisation")
            action.add_argument("tenant", help="id, subdomain or host")
            if name == "suspend":
                action.add_argument("--reason", default="")
        delete = sub.add_parser("delete", help="schedule the deletion (suspended now, erased after the grace period)")
        delete.add_argument("tenant", help="id, subdomain or host")
        delete.add_argument("--reason", default="")
        delete.add_argument("--now", action="store_true", help="erase immediately instead of after the grace period")
        delete.add_argument("--yes", action="store_true", help="confirm --now")
        migrate = sub.add_parser("migrate", help="bring every tenant schema up to the code's migrations")
        add_migrate_arguments(migrate)
        sub.add_parser("migrations", help="schemas whose last migration run failed, and why")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"do_{options['action']}")
        try:
            handler(**options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _find(self, ref: str) -> Tenant:
        tenants = tenant_list()
        try:
            return tenants.get(pk=uuid.UUID(ref))
        except (ValueError, Tenant.DoesNotExist):
            pass
        host = ref if "." in ref else tenant_host(ref.lower(), settings.SAAS_BASE_DOMAIN)
        found = tenants.filter(domains__domain=host.lower()).first()
        if found is None:
            raise CommandError(f"No organisation matches {ref!r}.")
        return found

    def do_migrate(self, *, jobs: int, verify: bool, **_: Any) -> None:
        report = migrate_tenants(jobs=jobs, verify=verify, on_progress=ProgressBar(self.stdout, "schemas"))
        write_report(self, report)
        if report.failures:
            raise_for_failures(report)

    def do_migrations(self, **_: Any) -> None:
        failures = list(failures_pending())
        if not failures:
            self.stdout.write("Every schema is up to date with the last migration run.")
            return
        rows = [(f.tenant.schema_name, f.tenant.name or "pool", f.migration, f.failed_at, f.error) for f in failures]
        self.stdout.write(table(["SCHEMA", "ORGANISATION", "MIGRATION", "FAILED AT", "ERROR"], rows))

    def do_list(self, *, search: str, status: str | None, **_: Any) -> None:
        tenants = tenant_list(search=search)
        if status:
            tenants = tenants.filter(status=status)
        base = settings.SAAS_BASE_DOMAIN
        rows = [
            (t.id, t.name, subdomain_of(t.primary_domain, base), t.status, t.plan_code, t.member_count,
             human_bytes(t.storage_bytes), f"{t.created_at:%Y-%m-%d}", t.last_activity or "-")
            for t in tenants
        ]  # fmt: skip
        headers = ("ID", "NAME", "SUBDOMAIN", "STATUS", "PLAN", "MEMBERS", "STORAGE", "CREATED", "LAST ACTIVITY")
        self.stdout.write(table(headers, rows))
        self.stdout.write(f"\n{len(rows)} organisation(s)")

    def do_show(self, *, tenant: str, **_: Any) -> None:
        t: Any = self._find(tenant)
        details = [
            ("id", t.id), ("name", t.name), ("subdomain", subdomain_of(t.primary_domain, settings.SAAS_BASE_DOMAIN)),
            ("host", t.primary_domain),
            ("status", t.status), ("plan", t.plan_code), ("members", t.member_count),
            ("storage", f"{human_bytes(t.storage_bytes)} ({t.storage_bytes} bytes)"), ("schema", t.schema_name),
            ("created", f"{t.created_at:%Y-%m-%d %H:%M} UTC"), ("last activity", t.last_activity or "-"),
        ]  # fmt: skip
        deletion = TenantDeletion.objects.filter(tenant=t, status=TenantDeletion.Status.SCHEDULED).first()
        if deletion is not None:
            details.append(("deletion due", f"{deletion.due_at:%Y-%m-%d %H:%M} UTC"))
        width = max(len(k) for k, _ in details)
        self.stdout.write("\n".join(f"{k.ljust(width)}  {v}" for k, v in details))
        members = [(m.user.email, m.role, f"{m.created_at:%Y-%m-%d}") for m in member_list(tenant=t)]
        self.stdout.write("\nMembers\n" + table(("EMAIL", "ROLE", "JOINED"), members))
        usage = [(u.date, u.api_requests, u.members, human_bytes(u.storage_bytes)) for u in usage_history(tenant=t)[:7]]
        self.stdout.write("\nUsage (last 7 days)\n" + table(("DATE", "API REQUESTS", "MEMBERS", "STORAGE"), usage))

    def do_suspend(self, *, tenant: str, reason: str, **_: Any) -> None:
        t = tenant_suspend(tenant=self._find(tenant), actor=None, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"{t.name} is suspended."))

    def do_reactivate(self, *, tenant: str, **_: Any) -> None:
        t = tenant_reactivate(tenant=self._find(tenant), actor=None)
        self.stdout.write(self.style.SUCCESS(f"{t.name} is active."))

    def do_delete(self, *, tenant: str, reason: str, now: bool, yes: bool, **_: Any) -> None:
        t = self._find(tenant)
        if now and not yes:
            raise CommandError("--now erases the organisation at once: add --yes to confirm.")
        deletion = tenant_deletion_schedule(tenant=t, actor=None, reason=reason or "manage.py tenants delete")
        if not now:
            self.stdout.write(self.style.SUCCESS(
                f"{t.name} is suspended; its data will be erased after {deletion.due_at:%Y-%m-%d %H:%M} UTC. "
                "Reactivate it to cancel."
            ))  # fmt: skip
            return
        done = tenant_deletion_execute(deletion=deletion)
        report = done.report
        self.stdout.write(self.style.SUCCESS(f"{t.name} is deleted."))
        self.stdout.write(table(("WHAT", "COUNT"), [
            ("table rows", report.get("rows", 0)),
            ("storage objects", report.get("storage", {}).get("objects", 0)),
            ("storage bytes", report.get("storage", {}).get("bytes", 0)),
            ("tokens revoked", report.get("tokens_revoked", 0)),
            ("memberships ended", report.get("memberships_ended", 0)),
        ]))  # fmt: skip
