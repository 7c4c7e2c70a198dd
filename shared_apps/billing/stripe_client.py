"""The one way the kit talks to Stripe: the official library's StripeClient, configured from settings.

No module-level `stripe.api_key`: a client is built per call from settings, so tests can point it at a
local fake (STRIPE_API_BASE) with override_settings, and nothing leaks between them.
"""

from __future__ import annotations

import stripe
from django.conf import settings


class BillingNotConfiguredError(Exception):
    """STRIPE_SECRET_KEY is not set: billing is off."""


def billing_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def expected_livemode() -> bool:
    """Live keys (sk_live_/rk_live_) accept live events only; test keys test events only."""
    return "_live_" in settings.STRIPE_SECRET_KEY


def stripe_client() -> stripe.StripeClient:
    if not billing_enabled():
        raise BillingNotConfiguredError
    base = settings.STRIPE_API_BASE or None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        # Retries reuse the idempotency key we pass, so a retried create never creates twice.
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        # (connect, read) seconds per attempt; the library's default is 80 s (saas/settings/billing.py).
        http_client=stripe.RequestsClient(
            timeout=(settings.STRIPE_CONNECT_TIMEOUT_SECONDS, settings.STRIPE_READ_TIMEOUT_SECONDS)
        ),
    )
