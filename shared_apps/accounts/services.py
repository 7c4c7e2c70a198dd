from __future__ import annotations

from .models import User, normalise_email


def user_create(*, email: str, password_hash: str, full_name: str = "") -> User:
    """Create an account from an already hashed password (hashing is slow: callers do it outside transactions)."""
    return User.objects.create(email=normalise_email(email), password=password_hash, full_name=full_name)
