"""Development data: a demo organisation with something in it, and an operator account. Refuses to run
outside DEBUG.

The organisation's content comes from each installed app's optional `demo.py`: a function
`demo_seed(*, tenant, owner)`, called in INSTALLED_APPS order inside the organisation's schema, that adds
what is missing (so running it again adds nothing). A new tenant app adds its own without touching this.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

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
        domain = Domain.objects.select_related("tenant").get(domain=host)
        owner = User.objects.get(email=DEMO_OWNER[0])
        for module in _demo_modules():
            with schema_context(domain.tenant.schema_name):
                module.demo_seed(tenant=domain.tenant, owner=owner)
        if not User.objects.filter(email=OPERATOR[0]).exists():
            User.objects.create_superuser(OPERATOR[0], OPERATOR[1], full_name="Operator")
        self.stdout.write(f"  Demo organisation  {tenant_url(host=host)}  login {DEMO_OWNER[0]} / {DEMO_OWNER[1]}")
        self.stdout.write(f"  Operator (admin)   login {OPERATOR[0]} / {OPERATOR[1]}")
        self.stdout.write("  Demo member        login member@demo.localhost / demo-member-password")


def _demo_modules() -> list[Any]:
    found = []
    for config in apps.get_app_configs():
        try:
            found.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise  # the module exists and imports something missing: a real error
    return found
