"""Signup: a new account owning a new organisation, and an existing account adding another organisation.

Reads downward: the account (accounts.services), the provisioned tenant (tenants.provisioning) and the
owner's membership (memberships.services), in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from tenants.hosts import SUBDOMAIN_MESSAGES, SubdomainProblem, tenant_host
from tenants.models import Tenant
from tenants.outbox import outbox_enqueue
from tenants.provisioning import tenant_provision

from .models import User
from .services import user_create

EMAIL_TAKEN_MESSAGE = gettext_lazy(
    "An account with this email already exists. Sign in, then create the organisation from your account."
)


@dataclass(frozen=True)
class Signup:
    tenant: Tenant
    user: User
    host: str


@contextmanager
def unique_conflicts_as_field_errors() -> Iterator[None]:
    """Turn a lost race on a unique subdomain or email into the field error a sequential request gets.

    Wrap the whole transaction: after an IntegrityError the transaction is unusable.
    """
    try:
        yield
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
        if "domain" in constraint:
            raise ValidationError(
                {"subdomain": [ValidationError(SUBDOMAIN_MESSAGES[SubdomainProblem.TAKEN], code="taken")]}
            ) from exc
        if "email" in constraint:
            raise ValidationError({"email": [ValidationError(EMAIL_TAKEN_MESSAGE, code="taken")]}) from exc
        raise


def _tenant_create(*, name: str, subdomain: str, owner: User) -> tuple[Tenant, str]:
    host = tenant_host(subdomain, settings.SAAS_BASE_DOMAIN)
    tenant = tenant_provision(name=name, domain=host)
    membership_create(user=owner, tenant=tenant, role=Membership.Role.OWNER)
    outbox_enqueue("tenants.tasks.pool_top_up", kwargs={})  # a schema was claimed; the periodic top-up too
    return tenant, host


def tenant_create(*, name: str, subdomain: str, owner: User) -> tuple[Tenant, str]:
    """An active organisation at `<subdomain>.<base domain>`, owned by an existing account."""
    with unique_conflicts_as_field_errors(), transaction.atomic():
        tenant, host = _tenant_create(name=name, subdomain=subdomain, owner=owner)
    return tenant, host


def signup_create(*, organisation_name: str, subdomain: str, email: str, password: str, full_name: str = "") -> Signup:
    """A new account owning a new organisation, created in one transaction: all of it or none of it.

    Availability was checked before calling; the unique constraints settle races between concurrent
    signups, and the loser gets the same field error a sequential request would.
    """
    password_hash = make_password(password)  # slow on purpose (Argon2id): never inside the transaction
    with unique_conflicts_as_field_errors(), transaction.atomic():
        user = user_create(email=email, password_hash=password_hash, full_name=full_name)
        tenant, host = _tenant_create(name=organisation_name, subdomain=subdomain, owner=user)
    return Signup(tenant=tenant, user=user, host=host)
