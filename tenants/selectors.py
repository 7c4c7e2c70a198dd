from __future__ import annotations

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


def tenant_url(*, host: str) -> str:
    port = f":{settings.SAAS_URL_PORT}" if settings.SAAS_URL_PORT else ""
    return f"{settings.SAAS_URL_SCHEME}://{host}{port}/"
