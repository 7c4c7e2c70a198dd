"""Development data: a demo organisation and an operator account. Refuses to run outside DEBUG."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import signup_create
from tenants.hosts import tenant_host
from tenants.models import Domain
from tenants.selectors import tenant_url

DEMO_SUBDOMAIN = "demo"
DEMO_OWNER = ("owner@demo.localhost", "demo-owner-password")
OPERATOR = ("operator@localhost", "operator-password")


class Command(BaseCommand):
    help = "Create the demo organisation and an operator account if missing, and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with known passwords: it only runs with DJANGO_DEBUG=true.")
        host = tenant_host(DEMO_SUBDOMAIN, settings.SAAS_BASE_DOMAIN)
        if not Domain.objects.filter(domain=host).exists():
            signup_create(
                organisation_name="Demo Organisation",
                subdomain=DEMO_SUBDOMAIN,
                email=DEMO_OWNER[0],
                password=DEMO_OWNER[1],
                full_name="Demo Owner",
            )
        if not User.objects.filter(email=OPERATOR[0]).exists():
            User.objects.create_superuser(OPERATOR[0], OPERATOR[1], full_name="Operator")
        self.stdout.write(f"  Demo organisation  {tenant_url(host=host)}  login {DEMO_OWNER[0]} / {DEMO_OWNER[1]}")
        self.stdout.write(f"  Operator (admin)   login {OPERATOR[0]} / {OPERATOR[1]}")
