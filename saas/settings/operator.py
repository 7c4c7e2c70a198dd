"""Operator console: deletion grace period, impersonation limits, subdomain redirects, usage metrics."""

from datetime import timedelta

from .env import env

# A deleted organisation is suspended at once and erased (schema, files, tokens) after this many days.
TENANT_DELETION_GRACE_DAYS = env.int("TENANT_DELETION_GRACE_DAYS", default=7)
TENANT_DELETION_GRACE_PERIOD = timedelta(days=TENANT_DELETION_GRACE_DAYS)
# Impersonation sessions end after this many minutes; never more than 30 whatever the variable says.
IMPERSONATION_MAX_MINUTES = max(1, min(30, env.int("IMPERSONATION_MAX_MINUTES", default=30)))
IMPERSONATION_MAX_DURATION = timedelta(minutes=IMPERSONATION_MAX_MINUTES)
# After a subdomain change the old host answers 301 to the new one for this many days, then is released.
SUBDOMAIN_REDIRECT_DAYS = env.int("SUBDOMAIN_REDIRECT_DAYS", default=30)
# API request counters live in Redis (one INCR per request) and are flushed to the database this often.
USAGE_FLUSH_SECONDS = env.int("USAGE_FLUSH_SECONDS", default=600)
