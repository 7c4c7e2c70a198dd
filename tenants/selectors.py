from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from .hosts import SubdomainProblem, subdomain_format_problem, tenant_host
from .models import Domain, Tenant


@dataclass(frozen=True)
class SubdomainAvailability:
    subdomain: str
    problem: SubdomainProblem | None

    @property
    def available(self) -> bool:
        return self.problem is None


def subdomain_availability(*, subdomain: str) -> SubdomainAvailability:
    problem = subdomain_format_problem(subdomain)
    if problem is None and Domain.objects.filter(domain=tenant_host(subdomain, settings.SAAS_BASE_DOMAIN)).exists():
        problem = SubdomainProblem.TAKEN
    return SubdomainAvailability(subdomain=subdomain, problem=problem)


def tenant_primary_domain(*, tenant: Tenant) -> str:
    domain = Domain.objects.filter(tenant=tenant, is_primary=True).values_list("domain", flat=True).first()
    return domain or ""


def tenant_primary_domains(*, tenant_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """`tenant_primary_domain` of many organisations in one query (a tenant without one is left out)."""
    rows = Domain.objects.filter(tenant_id__in=list(tenant_ids), is_primary=True).values_list("tenant_id", "domain")
    return dict(rows)


def tenant_url(*, host: str) -> str:
    port = f":{settings.SAAS_URL_PORT}" if settings.SAAS_URL_PORT else ""
    return f"{settings.SAAS_URL_SCHEME}://{host}{port}/"
