"""An organisation's single sign-on (OpenID Connect) configuration. Public schema, one per organisation;
read and written only through shared_apps/memberships/sso.py (which also explains the rules).

Imported by models.py (Django discovers an app's models there)."""

from __future__ import annotations

from django.db import models


class SsoConfiguration(models.Model):
    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE, related_name="sso_configuration")
    # allauth's provider id for this organisation's OpenID Connect app, and the path of its one callback on
    # the public host: `sso-<tenant id>`, stable (a subdomain change must not break the IdP's registration).
    provider_id = models.CharField(max_length=64, unique=True)
    issuer = models.CharField(max_length=500, help_text="As the discovery document spells it (ID tokens' `iss`).")
    client_id = models.CharField(max_length=255)
    # A Fernet token (sso.py), never the secret itself: a database dump does not leak it.
    client_secret_encrypted = models.TextField()
    email_domains = models.JSONField(default=list, blank=True)  # lower-case domain names, validated by sso.py
    enforced = models.BooleanField(default=False)
    auto_join = models.BooleanField(default=False)
    # What discovery said when the configuration was saved: the endpoints allauth is pinned to (so a document
    # changed later cannot point the server at another host) and whether the IdP does PKCE.
    endpoints = models.JSONField(default=dict)
    pkce = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"SSO of {self.tenant_id} ({self.issuer})"
