"""Django's PostgreSQL backend with a connection pool that does not make requests wait for a database
that is down (django-tenants' backend wraps it: ORIGINAL_BACKEND in saas/settings/database.py)."""
