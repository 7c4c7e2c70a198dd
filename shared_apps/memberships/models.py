from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Membership(models.Model):
    """A user's place in one organisation. Public schema; always read through selectors taking `tenant=`."""

    class Role(models.TextChoices):
        OWNER = "owner"
        ADMIN = "admin"
        MEMBER = "member"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    # Bumped on every change of role or access: access tokens carry it, so a change takes effect at once.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tenant"], name="membership_unique_user_tenant")]
        indexes = [models.Index(fields=["tenant", "role"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.tenant_id} as {self.role}"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.Role(self.role)]


ROLE_RANK = {Membership.Role.MEMBER: 1, Membership.Role.ADMIN: 2, Membership.Role.OWNER: 3}


class Invitation(models.Model):
    """An invitation to join one organisation. Public schema; always read through selectors taking `tenant=`.

    Only a SHA-256 of the token is stored (the token itself is in the email alone), so a database leak
    does not leak working links. The status is derived, never stored: pending until accepted, revoked
    or past `expires_at`.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        REVOKED = "revoked"
        EXPIRED = "expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="Normalised (shared_apps.accounts.models.normalise_email).")
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # At most one open invitation per address and organisation: concurrent invites serialise here.
            models.UniqueConstraint(
                fields=["tenant", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_unique_open_email",
            )
        ]
        indexes = [models.Index(fields=["tenant", "created_at"])]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.tenant_id}"

    @property
    def status(self) -> Invitation.Status:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING


# In a module of its own (the SSO feature's files stay together); imported here so Django registers it.
from .sso_models import SsoConfiguration  # noqa: E402, F401
