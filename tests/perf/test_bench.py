"""Benchmarks for issue 2 (run with `make bench`; excluded from `make test`).

Every figure is a median measured in this run next to its baseline, and the tables print ratios.
A floor that is missed fails the benchmark run, never the test suite.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup, tenant_create
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from tenant_apps.projects.models import Project
from tenants.db import connection
from tenants.models import Domain, Tenant
from tenants.provisioning import generate_schema_name, pool_fill, schema_create
from tenants.routing import resolver
from tests.perf.load import gunicorn, random_hosts_script, wrk
from tests.perf.report import median_seconds, table
from tests.sql import statements

pytestmark = [pytest.mark.bench, pytest.mark.usefixtures("live_db")]

PRODUCTION_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
RESULTS: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _print_tables() -> Iterator[None]:
    yield
    print("\n".join(RESULTS))


class _RollbackError(Exception):
    pass


def _rolled_back(fn: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            with transaction.atomic():
                fn()
                raise _RollbackError
        except _RollbackError:
            pass
        connection.set_schema_to_public()

    return run


def _owner() -> User:
    return User.objects.create_user(f"bench-{time.monotonic_ns()}@bench.test", "unused-password-123")


def _stock_provision(owner: User) -> None:
    """What stock django-tenants does for a new tenant: save, then create_schema (auto_create_schema=True)."""
    tenant = Tenant(schema_name=generate_schema_name(), name="Stock", status=Tenant.Status.ACTIVE)
    tenant.save()
    tenant.create_schema(check_if_exists=True, verbosity=0)
    Domain.objects.create(domain=f"stock-{tenant.schema_name}.localhost".replace("_", "-"), tenant=tenant)
    membership_create(user=owner, tenant=tenant, role=Membership.Role.OWNER)


def test_a_provisioning_time() -> None:
    owner = _owner()
    pool_fill(size=3)
    warm = median_seconds(
        _rolled_back(lambda: tenant_create(name="Warm", subdomain="warm-bench", owner=owner)), repeat=30
    )

    parked = list(Tenant.objects.filter(status=Tenant.Status.PROVISIONING).values_list("id", flat=True))
    Tenant.objects.filter(id__in=parked).update(status=Tenant.Status.DELETED)  # an empty pool
    try:
        empty = median_seconds(
            _rolled_back(lambda: tenant_create(name="Empty", subdomain="empty-bench", owner=owner)), repeat=30
        )
    finally:
        Tenant.objects.filter(id__in=parked).update(status=Tenant.Status.PROVISIONING)
    stock = median_seconds(_rolled_back(lambda: _stock_provision(owner)), repeat=7)

    client = Client(HTTP_HOST="localhost")
    counter = iter(range(10_000))

    def signup() -> None:
        n = next(counter)
        body = {
            "organisationName": "Bench",
            "subdomain": f"signup-bench-{n}",
            "email": f"signup{n}@bench.test",
            "password": "bench-password-2026!",
        }
        assert client.post("/api/v1/signup/", body, content_type="application/json").status_code == 201

    def signup_with_fresh_pool() -> None:
        pool_fill(size=3)

    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        samples = []
        for _ in range(7):
            signup_with_fresh_pool()
            samples.append(median_seconds(signup, repeat=1, warmup=0))
        samples.sort()
        whole = samples[len(samples) // 2]

    RESULTS.append(
        table(
            "(a) provisioning: tenant + schema + domain + membership (median)",
            [
                ("warm pool (claim)", f"{warm * 1000:.1f} ms", f"{stock / warm:.0f}x faster than stock"),
                ("empty pool (DDL script)", f"{empty * 1000:.1f} ms", f"{stock / empty:.1f}x faster than stock"),
                ("stock django-tenants (migrations)", f"{stock * 1000:.1f} ms", "1.0x (baseline)"),
                ("whole signup request, Argon2id", f"{whole * 1000:.1f} ms", "hashing dominates"),
            ],
            ("path", "median", "ratio"),
        )
    )
    assert stock / warm >= 20, "floor: warm pool >= 20x faster than stock"
    assert empty < stock, "floor: empty pool faster than stock"


def _requests_per_second(
    settings_module: str,
    host: str,
    schema: str,
    extra_env: dict[str, str] | None = None,
    script: Path | None = None,
    seconds: int = 6,
    warmup: int = 2,
) -> float:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "TEST_DATABASE_NAME": settings.DATABASES["default"]["NAME"],
        "BENCH_SCHEMA": schema,
        **(extra_env or {}),
    }
    with gunicorn(env, host) as server:
        # A script picks the Host per request (random organisations); without one, every request is `host`.
        wrk(server.port, host=host, script=script, seconds=warmup)
        return wrk(server.port, host=host, script=script, seconds=seconds).requests_per_second


def test_b_requests_per_second(acme: Signup) -> None:
    schema = acme.tenant.schema_name
    connection.set_tenant(acme.tenant)
    Project.objects.create(name="Bench project")
    connection.set_schema_to_public()
    # Two rounds in mirrored order (ours, stock, plain, plain, stock, ours); each keeps its better run, so
    # a burst of load from elsewhere on the machine does not decide the comparison.
    # "pooled": this kit's routing with psycopg's pool (DATABASE_POOL_MAX_SIZE) instead of persistent
    # connections; informational, it pays one SET search_path per request.
    variants = {
        "ours": ("ours", None),
        "pooled": ("ours", {"DATABASE_POOL_MAX_SIZE": "1"}),
        "stock": ("stock", None),
        "plain": ("plain", None),
    }
    rps: dict[str, float] = {}
    for name in ("ours", "pooled", "stock", "plain", "plain", "stock", "pooled", "ours"):
        module, extra_env = variants[name]
        measured = _requests_per_second(f"tests.perf.settings_{module}", acme.host, schema, extra_env)
        rps[name] = max(rps.get(name, 0.0), measured)
    RESULTS.append(
        table(
            "(b) requests/s, one tenant-table read, gunicorn 2 sync workers, wrk -t2 -c8 -d6s, best of 2 rounds",
            [
                (
                    "this kit's routing",
                    f"{rps['ours']:.0f}",
                    f"{rps['ours'] / rps['stock']:.2f}x stock, {rps['ours'] / rps['plain']:.2f}x no-tenancy",
                ),
                (
                    "the same with psycopg's pool",
                    f"{rps['pooled']:.0f}",
                    f"{rps['pooled'] / rps['stock']:.2f}x stock, {rps['pooled'] / rps['plain']:.2f}x no-tenancy",
                ),
                ("stock django-tenants", f"{rps['stock']:.0f}", f"{rps['stock'] / rps['plain']:.2f}x no-tenancy"),
                ("no tenancy (search_path fixed)", f"{rps['plain']:.0f}", "1.00x"),
            ],
            ("routing", "req/s", "ratio"),
        )
    )
    assert rps["ours"] >= 1.5 * rps["stock"], "floor: >= 1.5x stock"
    assert rps["ours"] >= 0.85 * rps["plain"], "floor: >= 0.85x no-tenancy"


def _statements_per_request(client: Client) -> tuple[float, float]:
    client.get("/bench/")  # warm
    with statements() as sql:
        for _ in range(10):
            assert client.get("/bench/").status_code == 200
    lookups = sum(1 for s in sql if "tenants_domain" in s)
    return len(sql) / 10, lookups / 10


def test_c_sql_statements_per_request(acme: Signup) -> None:
    resolver.clear()
    with override_settings(ROOT_URLCONF="tests.perf.urls"):
        ours_total, ours_lookup = _statements_per_request(Client(HTTP_HOST=acme.host))
        stock_middleware = [
            "django_tenants.middleware.main.TenantMainMiddleware"
            if m == "tenants.middleware.TenantRoutingMiddleware"
            else m
            for m in settings.MIDDLEWARE
        ]
        with override_settings(MIDDLEWARE=stock_middleware, TENANT_LIMIT_SET_CALLS=False):
            stock_total, stock_lookup = _statements_per_request(Client(HTTP_HOST=acme.host))
    RESULTS.append(
        table(
            "(c) SQL statements per warm tenant request (counted at the driver, SET search_path included)",
            [
                ("this kit's routing", f"{ours_total:.1f}", f"{ours_lookup:.1f}"),
                ("stock django-tenants", f"{stock_total:.1f}", f"{stock_lookup:.1f}"),
            ],
            ("routing", "statements", "of which: finding the tenant"),
        )
    )
    assert ours_lookup == 0, "floor: 0 statements to find the tenant"


def _bulk_tenants(count: int) -> None:
    """Real tenants with real schemas, fast: the DDL script path, many per transaction."""
    connection.set_schema_to_public()  # a request to a tenant host may have left the connection there
    existing = Tenant.objects.exclude(status=Tenant.Status.PROVISIONING).count()
    for start in range(existing, count, 100):
        with transaction.atomic():
            for n in range(start, min(start + 100, count)):
                tenant = Tenant(schema_name=generate_schema_name(), name=f"Filler {n}", status=Tenant.Status.ACTIVE)
                schema_create(tenant.schema_name)
                tenant.save()
                Domain.objects.create(domain=f"filler-{n}.localhost", tenant=tenant, is_primary=True)
        print(f"\r  existing tenants: {min(start + 100, count)}/{count}", end="", flush=True)
    print()


def _signup_to_ready(label: str) -> float:
    client = Client(HTTP_HOST="localhost")
    samples = []
    for n in range(7):
        pool_fill(size=3)  # the worker would have refilled it by the next signup
        subdomain = f"ready-{label}-{n}"
        body = {
            "organisationName": "Ready",
            "subdomain": subdomain,
            "email": f"{subdomain}@bench.test",
            "password": "bench-password-2026!",
        }
        start = time.perf_counter()
        assert client.post("/api/v1/signup/", body, content_type="application/json").status_code == 201
        assert Client(HTTP_HOST=f"{subdomain}.localhost").get("/healthz").status_code == 200
        samples.append(time.perf_counter() - start)
    samples.sort()
    return samples[len(samples) // 2]


def test_d_signup_to_ready_does_not_grow_with_tenant_count(request: Any) -> None:
    _bulk_tenants(10)
    small = _signup_to_ready("small")
    _bulk_tenants(2000)
    large = _signup_to_ready("large")
    RESULTS.append(
        table(
            "(d) signup-to-ready (POST signup, then the new host answers), median of 7",
            [
                ("10 tenants", f"{small * 1000:.1f} ms", "1.00x"),
                ("2,000 tenants", f"{large * 1000:.1f} ms", f"{large / small:.2f}x"),
            ],
            ("existing tenants", "median", "ratio"),
        )
    )
    assert large <= 1.5 * small, "floor: within 1.5x"


RANDOM_TENANTS = int(os.environ.get("BENCH_RANDOM_TENANTS", "10000"))


def test_g_random_tenant_requests_per_second_stay_flat_with_the_organisation_count(tmp_path: Path) -> None:
    """Issue 14, item 4: every request to a random organisation, 10 of them vs 10,000 (real schemas).

    Steady state: the warm-up is long enough for each worker to have seen most hosts (a new worker serving
    10,000 organisations starts cold whatever the code does). Two rows for the many-organisation case: the
    default bound on schemas per connection (TENANT_CONNECTION_MAX_SCHEMAS, which keeps backend memory
    bounded and so reloads the catalog of most schemas it serves), and no bound (the catalog stays warm).
    """
    _bulk_tenants(RANDOM_TENANTS)
    hosts = list(
        Domain.objects.filter(domain__startswith="filler-").order_by("domain").values_list("domain", flat=True)
    )
    assert len(hosts) >= RANDOM_TENANTS - 10, len(hosts)
    few, many = (
        random_hosts_script(tmp_path / "few.lua", hosts[:10]),
        random_hosts_script(tmp_path / "all.lua", hosts),
    )
    schema = Tenant.objects.get(domains__domain=hosts[0]).schema_name
    warm = max(2, len(hosts) // 250)  # ~4 requests per host and worker at ~1,000 req/s
    unbounded = {"TENANT_CONNECTION_MAX_SCHEMAS": str(10 * len(hosts))}
    variants: dict[str, tuple[Path, dict[str, str] | None]] = {
        "few": (few, None), "many": (many, None), "many_unbounded": (many, unbounded)
    }  # fmt: skip
    rps: dict[str, float] = {}
    for name in ("few", "many", "many_unbounded", "many_unbounded", "many", "few"):  # mirrored
        script, extra = variants[name]
        measured = _requests_per_second("tests.perf.settings_ours", hosts[0], schema, extra, script, 10, warm)
        rps[name] = max(rps.get(name, 0.0), measured)
    ratio, unbounded_ratio = rps["many"] / rps["few"], rps["many_unbounded"] / rps["few"]
    RESULTS.append(
        table(
            "(g) requests/s, a random organisation per request, one tenant-table read, gunicorn 2 sync workers, "
            f"wrk -t2 -c8 -d10s after {warm}s of warm-up, best of 2",
            [
                ("10 organisations", f"{rps['few']:.0f}", "1.00x"),
                (f"{len(hosts):,} organisations", f"{rps['many']:.0f}", f"{ratio:.2f}x"),
                (
                    f"{len(hosts):,}, no bound on schemas per connection",
                    f"{rps['many_unbounded']:.0f}",
                    f"{unbounded_ratio:.2f}x",
                ),
            ],
            ("organisations", "req/s", "ratio"),
        )
    )
    print(RESULTS[-1])  # now, so a missed floor shows its table
    assert ratio >= 0.85, "floor: random-tenant req/s at 10,000 organisations >= 0.85x at 10"
