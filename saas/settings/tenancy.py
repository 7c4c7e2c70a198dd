from .env import env

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# Send `SET search_path` once per schema switch instead of before every cursor.
TENANT_LIMIT_SET_CALLS = True

# Organisations live on <subdomain>.<SAAS_BASE_DOMAIN>; the public site on the bare domain and www.
SAAS_BASE_DOMAIN = env.str("SAAS_BASE_DOMAIN", default="localhost").lower().rstrip(".")
# Scheme used in the URLs we hand out (signup response, emails).
SAAS_URL_SCHEME = env.str("SAAS_URL_SCHEME", default="http" if SAAS_BASE_DOMAIN == "localhost" else "https")
# Port shown in the URLs we hand out, e.g. 3000 when the frontend dev server fronts Django.
SAAS_URL_PORT = env.int("SAAS_URL_PORT", default=None)

# How many migrated, unclaimed schemas to keep ready so signup runs no DDL.
TENANT_POOL_SIZE = env.int("TENANT_POOL_SIZE", default=5)
# In-process host -> tenant cache size (least recently used hosts are dropped first).
# Sized for a worker that serves every organisation: ~1 KB per entry, and a change drops only the hosts
# of the organisation that changed (tenants/routing.py).
TENANT_ROUTING_CACHE_SIZE = env.int("TENANT_ROUTING_CACHE_SIZE", default=20_000)
# Each schema a database connection has served leaves its tables in that PostgreSQL backend's catalog
# cache, which is never shrunk: measured 131-319 MB per backend at 10,000 organisations. A persistent
# connection that has served this many schemas is closed when its request ends, and the next request
# opens a fresh one; pooled connections are replaced after DATABASE_POOL_MAX_LIFETIME seconds.
TENANT_CONNECTION_MAX_SCHEMAS = env.int("TENANT_CONNECTION_MAX_SCHEMAS", default=500)

ALLOWED_HOSTS = [SAAS_BASE_DOMAIN, f".{SAAS_BASE_DOMAIN}"]
