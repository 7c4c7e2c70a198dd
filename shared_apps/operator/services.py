"""Operator actions on organisations. Each writes its audit entry in the same transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenants.hosts import SUBDOMAIN_MESSAGES, tenant_host
from tenants.models import Domain, DomainRedirect, Tenant
from tenants.routing import invalidate_routing
from tenants.selectors import subdomain_availability, tenant_primary_domain

MANAGEABLE = (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED)


class TenantStateError(ValidationError):
    """The action does not apply to the organisation in its current state."""


def _locked(tenant: Tenant) -> Tenant:
    return Tenant.objects.select_for_update().get(pk=tenant.pk)


def tenant_suspend(*, tenant: Tenant, actor: User | None, ip: str | None = None, reason: str = "") -> Tenant:
    """Its host answers 403 `tenant_suspended` at once (routing is invalidated on commit). Tokens are kept:
    they are refused while the host is closed, and work again after a reactivation."""
    with transaction.atomic():
        locked = _locked(tenant)
        if locked.status not in MANAGEABLE:
            raise TenantStateError(
                _("A %(status)s organisation cannot be suspended.") % {"status": locked.status}, code="invalid_state"
            )
        if locked.status != Tenant.Status.SUSPENDED:
            locked.status = Tenant.Status.SUSPENDED
            locked.save(update_fields=["status"])  # post_save invalidates routing after commit
            audit_record(action="tenant.suspended", actor=actor, tenant=locked, target=locked, ip=ip,
                         extra={"reason": reason} if reason else None)  # fmt: skip
    return locked


def tenant_reactivate(*, tenant: Tenant, actor: User | None, ip: str | None = None) -> Tenant:
    from .models import TenantDeletion

    with transaction.atomic():
        locked = _locked(tenant)
        if locked.status not in MANAGEABLE:
            raise TenantStateError(
                _("A %(status)s organisation cannot be reactivated.") % {"status": locked.status}, code="invalid_state"
            )
        # Reactivating an organisation scheduled for deletion cancels the deletion.
        cancelled = TenantDeletion.objects.filter(tenant=locked, status=TenantDeletion.Status.SCHEDULED).update(
            status=TenantDeletion.Status.CANCELLED, finished_at=timezone.now()
        )
        if locked.status != Tenant.Status.ACTIVE:
            locked.status = Tenant.Status.ACTIVE
            locked.save(update_fields=["status"])
            audit_record(action="tenant.reactivated", actor=actor, tenant=locked, target=locked, ip=ip,
                         extra={"deletion_cancelled": bool(cancelled)})  # fmt: skip
    return locked


def tenant_subdomain_change(
    *, tenant: Tenant, subdomain: str, actor: User | None, ip: str | None = None, redirect_days: int | None = None
) -> Domain:
    """Move the organisation to `<subdomain>.<base domain>`; the schema and every id stay the same.

    The old host stays as a non-primary Domain that answers 301 to the new one for `redirect_days`
    (SUBDOMAIN_REDIRECT_DAYS), after which the periodic clean-up releases it.
    """
    subdomain = subdomain.strip().lower()
    availability = subdomain_availability(subdomain=subdomain)
    if availability.problem is not None:
        raise ValidationError(
            {"subdomain": [ValidationError(SUBDOMAIN_MESSAGES[availability.problem], code=availability.problem)]}
        )
    days = settings.SUBDOMAIN_REDIRECT_DAYS if redirect_days is None else redirect_days
    with transaction.atomic():
        locked = _locked(tenant)
        if locked.status not in MANAGEABLE:
            raise TenantStateError(
                _("A %(status)s organisation cannot be moved.") % {"status": locked.status}, code="invalid_state"
            )
        old_host = tenant_primary_domain(tenant=locked)
        new_host = tenant_host(subdomain, settings.SAAS_BASE_DOMAIN)
        # DomainMixin.save() demotes the previous primary domain of the tenant.
        domain = Domain.objects.create(domain=new_host, tenant=locked, is_primary=True)
        # Earlier redirects follow the organisation to its newest host (no redirect chains).
        DomainRedirect.objects.filter(domain__tenant=locked).update(target_host=new_host)
        if old_host and days > 0:
            DomainRedirect.objects.update_or_create(
                domain=Domain.objects.get(domain=old_host),
                defaults={"target_host": new_host, "expires_at": timezone.now() + timedelta(days=days)},
            )
        elif old_host:
            Domain.objects.filter(domain=old_host).delete()
        invalidate_routing()
        audit_record(action="tenant.subdomain_changed", actor=actor, tenant=locked, target=locked, ip=ip,
                     extra={"from": old_host, "to": new_host, "redirect_days": days})  # fmt: skip
    return domain


def tenant_data_look(*, tenant: Tenant, actor: User | None, ip: str | None = None) -> dict[str, Any]:
    """The read-only look into an organisation's data, recorded in its audit log (its owners see it)."""
    from .selectors import tenant_data_snapshot

    audit_record(action="tenant.data_viewed", actor=actor, tenant=tenant, target=tenant, ip=ip)
    return tenant_data_snapshot(tenant=tenant)


def domain_redirects_expire() -> int:
    """Release old hosts whose redirect period is over (their Domain rows go, so the subdomain is free)."""
    with transaction.atomic():
        expired = list(
            DomainRedirect.objects.filter(expires_at__lte=timezone.now()).values_list("domain_id", flat=True)
        )
        deleted, _ = Domain.objects.filter(pk__in=expired, is_primary=False).delete()
        if deleted:
            invalidate_routing()
    return len(expired)


def subscription_cancel(*, tenant: Tenant, actor: User | None, ip: str | None = None) -> str:
    """Cancel the organisation's Stripe subscription now. Returns what happened, for the report/admin."""
    from .selectors import billing_installed

    if not billing_installed():
        return "billing not installed"
    from shared_apps.billing.models import Subscription
    from shared_apps.billing.stripe_client import BillingNotConfiguredError, stripe_client

    subscription = Subscription.objects.filter(tenant=tenant).first()
    if subscription is None or not subscription.stripe_subscription_id:
        return "no subscription"
    if subscription.status in (Subscription.Status.CANCELED, Subscription.Status.INCOMPLETE_EXPIRED):
        return "already cancelled"
    try:
        stripe_client().v1.subscriptions.cancel(subscription.stripe_subscription_id)
    except BillingNotConfiguredError:
        return "billing not configured"
    # The webhook (customer.subscription.deleted) updates the row; record the request now.
    audit_record(action="billing.subscription_cancelled", actor=actor, tenant=tenant, target=subscription, ip=ip)
    return "cancelled"
