"""Billing (shared_apps.billing): Stripe keys, the grace period, and the entitlements other apps ask."""

from .env import env

# Unset: billing is off (the billing endpoints answer 503 `billing_not_configured`), every organisation is
# on the free plan and no plan limit is enforced, so the kit runs without a Stripe account.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Optional: the Stripe API's base URL, to point the client at a local fake (tests).
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Bounded waits on Stripe (issue 12, item 6). The library's defaults (80 s per attempt, retried) held a
# checkout 241 s against a black-holed API. Worst case per call now: 2 attempts x (2 s + 6 s) plus the
# library's backoff between them (0.5 s) = 16.5 s: inside the 20 s a request may be held, and a checkout
# (one Stripe call when Stripe is down: the first one fails) answers well within 30 s.
STRIPE_CONNECT_TIMEOUT_SECONDS = 2
STRIPE_READ_TIMEOUT_SECONDS = 6
# Retries reuse the idempotency key we pass, so a retried create never creates twice.
STRIPE_MAX_NETWORK_RETRIES = 1
# Stripe's own default; a signed event older than this is refused (replay protection).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300

# Days an organisation keeps working after a payment fails before it becomes read-only.
BILLING_GRACE_PERIOD_DAYS = env.int("BILLING_GRACE_PERIOD_DAYS", default=7)

# What organisations may use (seats, storage, features): a dotted path to an implementation of the
# tenants.entitlements protocol. Without this setting (billing not installed) nothing is limited.
ENTITLEMENTS = env.str("ENTITLEMENTS", default="shared_apps.billing.entitlements.PlanEntitlements")
