"""Periodic operator work (public schema, no tenant argument): thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .deletion import tenant_deletions_run
from .impersonation import impersonations_expire
from .services import domain_redirects_expire
from .usage import usage_flush


@shared_task(name="operator.tasks.tenant_deletions_run", ignore_result=True)
def tenant_deletions_run_task() -> int:
    return tenant_deletions_run()


@shared_task(name="operator.tasks.usage_flush", ignore_result=True)
def usage_flush_task() -> int:
    return usage_flush()


@shared_task(name="operator.tasks.housekeeping", ignore_result=True)
def housekeeping_task() -> int:
    """Release expired subdomain redirects and revoke the tokens of ended impersonations."""
    return domain_redirects_expire() + impersonations_expire()
