"""Per-organisation single sign-on (OpenID Connect): its configuration, and what sign-in asks of it.

Here, in memberships, because SSO is an organisation's access policy: owners manage it (the role table in
actions.py, `organisation.security`), `enforced` is decided by the member's role, and `autoJoin` makes
memberships (seat limits: seats.py). accounts sits on the same floor ([tool.importlinter]) and uses it:
the password login (accounts/api/views.py) and the social login (accounts/social*.py).

For the social-login code:
- `sso_config_for_tenant(tenant) -> SsoConfiguration | None`: the organisation's configuration.
- `sso_provider_for_tenant(tenant) -> SsoProvider | None`: the allauth OpenID Connect app to build
  (`SocialApp(provider="openid_connect", **sso_provider_for_tenant(t))`, or an entry of
  SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]):
  `{"provider_id": "sso-<tenant id>", "name": "<organisation> SSO", "client_id": ..., "secret": ...,
    "settings": {"server_url": <issuer>, "oauth_pkce_enabled": bool, "openid_configuration_overrides": {...}}}`.
  The overrides pin the endpoints validated when the configuration was saved.
- `sso_provider_by_id(provider_id) -> tuple[Tenant, SsoProvider] | None`: the same from the callback's
  provider id (the public host's callback does not know the organisation otherwise).
- `sso_enforced(tenant) -> bool`; `sso_login_check(tenant=, membership=, method=, ip=)`: raises
  `SsoRequiredError` (403 `sso_required`) for a member's password or other-provider login where SSO is
  enforced; owners pass (break-glass) and that is audited `sso.break_glass_login`.
- `sso_email_domain_allowed(config, email) -> bool`: for autoJoin (a verified email in one of its domains).

Rules: the issuer's discovery document is fetched and validated on every save (sso_discovery.py: https and
public addresses only, except `SSO_INSECURE_ISSUER_HOSTS`); the client secret is required the first time
and kept when a later PUT leaves it out; it is stored encrypted (Fernet, key from `SSO_ENCRYPTION_KEY`),
never returned, never logged or audited. Every change is audited (`sso.configured`, `sso.removed`).
"""

from __future__ import annotations

import base64
import logging
import re
from hashlib import sha256
from typing import TypedDict

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status

from saas.api.exceptions import ServiceUnavailable
from shared_apps.audit.services import audit_record
from tenants.models import Tenant
from tenants.selectors import tenant_url

from .actions import Action, role_may
from .models import Membership
from .sso_discovery import IssuerRefusedError, discovery_fetch
from .sso_models import SsoConfiguration

logger = logging.getLogger(__name__)

EMAIL_DOMAINS_MAX = 50
_DOMAIN = re.compile(r"^(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\Z")


class SsoRequiredError(exceptions.APIException):
    """A member's password (or other provider) login where the organisation enforces its SSO."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = gettext_lazy("This organisation requires signing in with its single sign-on.")
    default_code = "sso_required"


class SsoParams(TypedDict):
    server_url: str
    oauth_pkce_enabled: bool
    openid_configuration_overrides: dict[str, str]


class SsoProvider(TypedDict):
    provider_id: str
    name: str
    client_id: str
    secret: str
    settings: SsoParams


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _fernet() -> MultiFernet:
    keys = [key.strip() for key in settings.SSO_ENCRYPTION_KEY.split(",") if key.strip()]
    if not keys:
        raise ServiceUnavailable(
            "sso_unavailable", _("Single sign-on is not available: SSO_ENCRYPTION_KEY is not set.")
        )
    # Any string of enough entropy is a key: Fernet wants 32 url-safe base64 bytes, so derive them.
    return MultiFernet([Fernet(base64.urlsafe_b64encode(sha256(key.encode()).digest())) for key in keys])


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def provider_id_for(tenant: Tenant) -> str:
    return f"sso-{tenant.pk}"


def sso_callback_url(provider_id: str) -> str:
    """The one redirect URI to register at the IdP: allauth's callback on the public host (API.md)."""
    return f"{tenant_url(host=settings.SAAS_BASE_DOMAIN)}accounts/{provider_id}/login/callback/"


def email_domains_normalise(domains: list[str]) -> list[str]:
    """Lower-case DNS names, each once, in the order given; 400 naming `email_domains` otherwise."""
    if len(domains) > EMAIL_DOMAINS_MAX:
        raise _field_error(
            "email_domains", _("At most %(max)s email domains.") % {"max": EMAIL_DOMAINS_MAX}, "too_many"
        )
    result: list[str] = []
    for raw in domains:
        domain = raw.strip().lower().rstrip(".").removeprefix("@")
        try:
            domain = domain.encode("idna").decode("ascii")  # an internationalised name, as mail servers see it
        except UnicodeError:
            domain = ""
        if not _DOMAIN.match(domain):
            raise _field_error(
                "email_domains",
                _("%(domain)r is not a domain name (like example.com).") % {"domain": raw[:100]},
                "invalid",
            )
        if domain not in result:
            result.append(domain)
    return result


def sso_config_for_tenant(tenant: Tenant) -> SsoConfiguration | None:
    return SsoConfiguration.objects.filter(tenant=tenant).first()


def sso_enforced(tenant: Tenant) -> bool:
    return SsoConfiguration.objects.filter(tenant=tenant, enforced=True).exists()


def _provider(config: SsoConfiguration, tenant: Tenant) -> SsoProvider | None:
    try:
        secret = secret_decrypt(config.client_secret_encrypted)
    except (InvalidToken, ServiceUnavailable):
        # A rotated-away or missing key: this organisation's SSO is off until an owner saves the secret again.
        logger.error("SSO of organisation %s: the client secret cannot be decrypted with SSO_ENCRYPTION_KEY", tenant.pk)
        return None
    return {
        "provider_id": config.provider_id,
        "name": f"{tenant.name} SSO" if tenant.name else "SSO",
        "client_id": config.client_id,
        "secret": secret,
        "settings": {
            "server_url": config.issuer,
            "oauth_pkce_enabled": config.pkce,
            "openid_configuration_overrides": dict(config.endpoints),
        },
    }


def sso_provider_for_tenant(tenant: Tenant) -> SsoProvider | None:
    config = sso_config_for_tenant(tenant)
    return _provider(config, tenant) if config is not None else None


def sso_provider_by_id(provider_id: str) -> tuple[Tenant, SsoProvider] | None:
    config = SsoConfiguration.objects.select_related("tenant").filter(provider_id=provider_id).first()
    if config is None:
        return None
    provider = _provider(config, config.tenant)
    return (config.tenant, provider) if provider is not None else None


def sso_email_domain_allowed(config: SsoConfiguration, email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""
    return bool(domain) and domain in config.email_domains


def sso_config_put(
    *,
    tenant: Tenant,
    actor: Membership,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    email_domains: list[str],
    enforced: bool,
    auto_join: bool,
    ip: str | None = None,
) -> SsoConfiguration:
    """Create or replace the configuration (owners). The issuer's discovery document is checked first; a
    missing `client_secret` keeps the stored one (and is required the first time)."""
    if not role_may(actor.role, Action.ORGANISATION_SECURITY):
        raise PermissionDenied(_("Only owners can configure single sign-on."))
    domains = email_domains_normalise(email_domains)
    if auto_join and not domains:
        raise _field_error("email_domains", _("Auto-join needs at least one email domain."), "required")
    if not client_secret and sso_config_for_tenant(tenant) is None:
        raise _field_error("client_secret", _("The client secret is required."), "required")
    encrypted = secret_encrypt(client_secret) if client_secret else None  # 503 before any request without a key
    try:
        discovery = discovery_fetch(issuer)
    except IssuerRefusedError as exc:
        raise _field_error("issuer", exc.message, exc.code) from exc

    with transaction.atomic():
        # The organisation's row serialises concurrent saves (the first PUT creates the configuration).
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        config = SsoConfiguration.objects.filter(tenant=locked).first()
        created = config is None
        if config is None:
            if encrypted is None:  # removed meanwhile by another request
                raise _field_error("client_secret", _("The client secret is required."), "required")
            config = SsoConfiguration(tenant=locked, provider_id=provider_id_for(locked))
        before = {
            "issuer": config.issuer,
            "client_id": config.client_id,
            "email_domains": list(config.email_domains or []),
            "enforced": config.enforced,
            "auto_join": config.auto_join,
        }
        config.issuer = discovery.issuer
        config.client_id = client_id
        config.email_domains = domains
        config.enforced = enforced
        config.auto_join = auto_join
        config.endpoints = discovery.endpoints
        config.pkce = "S256" in discovery.code_challenge_methods
        if encrypted is not None:
            config.client_secret_encrypted = encrypted
        config.save()
        after = {key: getattr(config, key) for key in before}
        changed = sorted(key for key in before if created or before[key] != after[key])
        audit_record(
            action="sso.configured",
            actor=actor.user,
            tenant=locked,
            target=config,
            ip=ip,
            # The secret never goes in the log, only whether it was replaced.
            extra={"created": created, "changed": changed, "secret_changed": encrypted is not None, **after},
        )
    return config


def sso_config_delete(*, tenant: Tenant, actor: Membership, ip: str | None = None) -> bool:
    """Remove the configuration (owners); False when there was none."""
    if not role_may(actor.role, Action.ORGANISATION_SECURITY):
        raise PermissionDenied(_("Only owners can configure single sign-on."))
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        config = SsoConfiguration.objects.filter(tenant=locked).first()
        if config is None:
            return False
        audit_record(
            action="sso.removed",
            actor=actor.user,
            tenant=locked,
            target=config,
            ip=ip,
            extra={"issuer": config.issuer, "provider_id": config.provider_id},
        )
        config.delete()
    return True


def sso_login_check(*, tenant: Tenant, membership: Membership, method: str = "password", ip: str | None = None) -> None:
    """Before a login that is not the organisation's SSO (`method`: "password", or a provider id): refuse
    members where SSO is enforced; let owners through (break-glass: an IdP outage must not lock the
    organisation out of its own settings), audited."""
    if not sso_enforced(tenant):
        return
    if membership.role != Membership.Role.OWNER:
        raise SsoRequiredError
    audit_record(
        action="sso.break_glass_login",
        actor=membership.user,
        tenant=tenant,
        target=membership,
        ip=ip,
        extra={"method": method},
    )
