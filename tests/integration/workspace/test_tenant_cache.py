from __future__ import annotations

import pytest
from django.core.cache import caches
from django_tenants.utils import tenant_context

from shared_apps.accounts.signup import Signup

pytestmark = pytest.mark.django_db


def test_the_same_key_in_two_organisations_holds_two_values(acme: Signup, globex: Signup) -> None:
    cache = caches["tenant"]
    with tenant_context(acme.tenant):
        cache.set("dashboard:stats", "acme's")
    with tenant_context(globex.tenant):
        assert cache.get("dashboard:stats") is None
        cache.set("dashboard:stats", "globex's")
    with tenant_context(acme.tenant):
        assert cache.get("dashboard:stats") == "acme's"
    with tenant_context(globex.tenant):
        assert cache.get("dashboard:stats") == "globex's"


def test_the_global_cache_is_not_per_tenant(acme: Signup, globex: Signup) -> None:
    cache = caches["default"]
    with tenant_context(acme.tenant):
        cache.set("global:flag", "on")
    with tenant_context(globex.tenant):
        assert cache.get("global:flag") == "on"
