from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


def normalise_email(email: str) -> str:
    """One spelling per address: trimmed and lower-cased, so `Ann@X.com` and `ann@x.com` are one account."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Global: one account across organisations; being allowed into one is a Membership."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Operators: may use the admin and operator API.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Storage keys under the accounts prefix (shared_apps/accounts/avatars.py): the avatar served (the
    # resized copy, "" = none) and an upload waiting for the resize task (the newest upload wins).
    avatar_key = models.CharField(max_length=300, blank=True, default="", db_default="")
    avatar_source_key = models.CharField(max_length=300, blank=True, default="", db_default="")

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email


class RefreshTokenRecord(models.Model):
    """One issued refresh token. Tokens rotated from one login share a `family`.

    simplejwt has no families: presenting a token that was already rotated, later than
    JWT_REFRESH_REUSE_GRACE_SECONDS after its rotation, means it was copied, so the whole family (every
    token descended from that login) is revoked. Within that window it is a parallel tab or a retry.
    """

    jti = models.CharField(max_length=64, unique=True)
    family = models.UUIDField(db_index=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # Null for account tokens on the public host.
    tenant = models.ForeignKey("tenants.Tenant", null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "tenant"])]

    def __str__(self) -> str:
        return f"refresh {self.jti} of {self.user_id}"


class LoginCode(models.Model):
    """A one-time, short-lived link into one organisation for one user (handoff or impersonation), or the
    binding of a provider connect to the account that started it.

    Only a SHA-256 of the code is stored: a database leak does not leak working links.
    """

    class Purpose(models.TextChoices):
        HANDOFF = "handoff"
        IMPERSONATION = "impersonation"
        # Not a sign-in: binds a provider connect (started on the profile) to the signed-in account.
        CONNECT = "connect"

    code_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.HANDOFF)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    # Set for impersonation: the operator acting as `user`.
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.user_id} in {self.tenant_id}"
