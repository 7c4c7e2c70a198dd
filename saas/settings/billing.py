"""Billing (shared_apps.billing): Stripe keys, the grace period, and the entitlement hooks other apps read."""

from .env import env

# Unset: billing is off (the billing endpoints answer 503 `billing_not_configured`), every organisation is
# on the free plan and no plan limit is enforced, so the kit runs without a Stripe account.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Optional: the Stripe API's base URL, to point the client at a local fake (tests).
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Stripe's own default; a signed event older than this is refused (replay protection).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300

# Days an organisation keeps working after a payment fails before it becomes read-only.
BILLING_GRACE_PERIOD_DAYS = env.int("BILLING_GRACE_PERIOD_DAYS", default=7)

# Hooks read by other apps (dotted paths to `f(tenant) -> int | None`, None = unlimited).
SEAT_LIMIT_FUNCTION = env.str("SEAT_LIMIT_FUNCTION", default="shared_apps.billing.entitlements.seat_limit")
STORAGE_LIMIT_FUNCTION = env.str(
    "STORAGE_LIMIT_FUNCTION", default="shared_apps.billing.entitlements.storage_limit_bytes"
)
