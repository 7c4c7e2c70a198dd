"""Audit entries for MFA changes made through allauth's authenticator endpoints (and the operator reset,
which sends the same signal): who added, removed or regenerated which kind of authenticator."""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from saas.api.ratelimit import client_ip
from shared_apps.audit.services import audit_record
from tenants.routed import routed_tenant


def _record(action: str, request: HttpRequest | None, user: Any, authenticator: Authenticator) -> None:
    actor = getattr(request, "user", None) if request is not None else None
    audit_record(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else user,
        tenant=routed_tenant(request) if request is not None else None,
        target=user,
        ip=client_ip(request) if request is not None else None,
        extra={"type": authenticator.type},
    )


def _added(sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kwargs: Any) -> None:
    _record("mfa.authenticator_added", request, user, authenticator)


def _removed(sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kwargs: Any) -> None:
    _record("mfa.authenticator_removed", request, user, authenticator)


def _reset(sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kwargs: Any) -> None:
    _record("mfa.recovery_codes_regenerated", request, user, authenticator)


def connect() -> None:
    signals.authenticator_added.connect(_added, dispatch_uid="accounts.mfa_audit.added")
    signals.authenticator_removed.connect(_removed, dispatch_uid="accounts.mfa_audit.removed")
    signals.authenticator_reset.connect(_reset, dispatch_uid="accounts.mfa_audit.reset")
