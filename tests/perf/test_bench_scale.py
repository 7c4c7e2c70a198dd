"""`make bench-scale` (issue 14): a database grown to 10,000 organisations through the kit's own provisioning.

Not part of `make test` or `make bench` (about half an hour at 10,000 on a 2-core machine). At each size
(BENCH_SCALE_SIZES, default 10,1000,10000) it prints one column of the growth table: creating a tenant and a
signup at that size, requests per second and p99 with a random organisation per request, a no-op deploy
migration (`bootstrap`), a release adding a nullable column to every organisation (the migration controller,
4 connections), the resident memory of the web workers and of their PostgreSQL backends, and the database's
size. Ratios are against the first size, measured in the same run.

    make bench-scale                           # 10, 1,000, 10,000
    BENCH_SCALE_SIZES=10,2000 make bench-scale
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psutil
import psycopg
import pytest

from tests.perf.load import gunicorn, random_hosts_script, wrk
from tests.releases import Release, release_database

pytestmark = [pytest.mark.scale]

SIZES = [int(size) for size in os.environ.get("BENCH_SCALE_SIZES", "10,1000,10000").split(",")]
GROW_CHUNK = 1000
SIGNUPS = 7  # timed at each size, and counted in it: the growth makes the rest

_GROW = """
import time
from django.db import transaction
from tenants.provisioning import pool_fill, tenant_provision

def grow(start, stop):
    # The deploy's own path: the pool is filled ahead, and each organisation claims one of its schemas.
    pool_fill(size=stop - start)
    for n in range(start, stop):
        with transaction.atomic():
            tenant_provision(name=f"Scale {n}", domain=f"scale-{n}.localhost")
"""

_MEASURE = """
import io, statistics, time
from django.db import transaction
from tenants.provisioning import pool_fill, pool_tenant_create

def median_of(fn, repeat):
    samples = []
    for n in range(repeat):
        start = time.perf_counter()
        fn(n)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)

def create(n):  # a tenant's schema, as the pool makes it (the DDL script path)
    pool_tenant_create()

def signup(subdomain):  # POST signup, then the new host answers; the pool holds a schema, as the worker keeps it
    body = {"organisationName": "Scale", "subdomain": subdomain, "email": f"{subdomain}@scale.test",
            "password": "scale-password-2026!"}
    start = time.perf_counter()
    response = Client(HTTP_HOST="localhost").post("/api/v1/signup/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Client(HTTP_HOST=f"{subdomain}.localhost").get("/healthz").status_code == 200
    return time.perf_counter() - start

median_of(create, 3)  # warm: the DDL script is read once per process
out["create"] = median_of(create, 9)
signups = []
for n in range(SIGNUPS):
    pool_fill(size=1)
    signups.append(signup(f"signup-{SIZE}-{n}"))
out["signup"] = statistics.median(signups)

def bootstrap(n):
    call_command("bootstrap", verbosity=0, pool_size=0, stdout=io.StringIO())

bootstrap(0)
out["noop"] = median_of(bootstrap, 3)
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM tenants_tenant WHERE status = 'active' AND schema_name <> 'public'")
    out["organisations"] = cursor.fetchone()[0]
    cursor.execute("SELECT domain FROM tenants_domain JOIN tenants_tenant t ON t.id = tenant_id"
                   " WHERE t.status = 'active' AND t.schema_name <> 'public'")
    out["hosts"] = [domain for (domain,) in cursor.fetchall()]
    cursor.execute("SELECT pg_database_size(current_database())")
    out["database_bytes"] = cursor.fetchone()[0]
    # The system catalog (pg_class, pg_attribute, ...): what a connection reads to serve a schema it has not
    # served yet, from shared_buffers while it fits there.
    cursor.execute("SELECT sum(pg_total_relation_size(oid)) FROM pg_class"
                   " WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind = 'r'")
    out["catalog_bytes"] = int(cursor.fetchone()[0])
    cursor.execute("SELECT current_setting('shared_buffers')")
    out["shared_buffers"] = cursor.fetchone()[0]
"""


def _grow(release: Release, start: int, stop: int) -> None:
    for chunk in range(start, stop, GROW_CHUNK):
        end = min(chunk + GROW_CHUNK, stop)
        release.run(_GROW + f"grow({chunk}, {end})\n", timeout=1800)
        print(f"\r  organisations: {end:,}/{stop:,}", end="", flush=True)
    print()


def _rss_mb(pids: list[int]) -> tuple[float, float]:
    """(largest resident set, largest private memory: RssAnon) in MB among `pids`."""
    rss, private = [], []
    for pid in pids:
        memory = psutil.Process(pid).memory_full_info()
        rss.append(memory.rss / 2**20)
        private.append(memory.uss / 2**20)
    return max(rss, default=0.0), max(private, default=0.0)


def _backend_pids(database_url: str) -> list[int]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        ).fetchall()
    return [pid for (pid,) in rows]


def _serve(release: Release, tmp: Path, hosts: list[str], suffix: str = "", **env: str) -> dict[str, float]:
    """Random-organisation load after a warm-up long enough for each worker to have seen most hosts."""
    script = random_hosts_script(tmp / f"hosts-{len(hosts)}.lua", hosts)
    with gunicorn({**release.env, "DJANGO_SETTINGS_MODULE": "tests.perf.settings_ours", **env}, hosts[0]) as server:
        wrk(server.port, script=script, seconds=max(3, len(hosts) // 250))
        load = wrk(server.port, script=script, seconds=10)
        web_rss, web_private = _rss_mb(server.worker_pids())
        backend_rss, backend_private = _rss_mb(_backend_pids(release.database_url))
    measured = {"rps": load.requests_per_second, "p99": load.p99_ms, "web_rss": web_rss, "web_private": web_private,
                "backend_rss": backend_rss, "backend_private": backend_private}  # fmt: skip
    return {f"{key}{suffix}": value for key, value in measured.items()}


_ADD_COLUMN = """
import time
start = time.perf_counter()
report = migrate_tenants(jobs=4)
assert not report.failures, report.failures
out["seconds"], out["migrated"] = time.perf_counter() - start, report.migrated
"""


def _add_column(release: Release, step: int, size: int) -> tuple[float, int]:
    """A release adding a nullable column to every organisation: (seconds, schemas migrated)."""
    release.add(f"{9000 + step}_scale_{size}", f"scale_note_{size}")
    done = release.run(_ADD_COLUMN, timeout=3600)
    return float(done["seconds"]), int(done["migrated"])


def _print(columns: dict[int, dict[str, Any]]) -> None:
    first = columns[SIZES[0]]
    rows = [
        ("organisations", lambda c: f"{c['organisations']:,}"),
        ("create a tenant (pool schema)", lambda c: f"{c['create'] * 1000:.1f} ms"),
        ("signup to ready", lambda c: f"{c['signup'] * 1000:.0f} ms"),
        ("req/s, random organisation", lambda c: f"{c['rps']:.0f} ({c['rps'] / first['rps']:.2f}x)"),
        ("p99 latency", lambda c: f"{c['p99']:.1f} ms"),
        ("PostgreSQL backend RSS / private", lambda c: f"{c['backend_rss']:.0f} / {c['backend_private']:.0f} MB"),
        ("web worker RSS / private", lambda c: f"{c['web_rss']:.0f} / {c['web_private']:.0f} MB"),
        (
            "req/s, no bound on schemas per connection",
            lambda c: f"{c['rps_unbounded']:.0f} ({c['rps_unbounded'] / first['rps']:.2f}x)",
        ),
        (
            "  its p99 / backend private memory",
            lambda c: f"{c['p99_unbounded']:.1f} ms / {c['backend_private_unbounded']:.0f} MB",
        ),
        ("no-op migrate (bootstrap)", lambda c: f"{c['noop']:.2f} s"),
        ("add a nullable column, 4 connections", lambda c: f"{c['column']:.1f} s"),
        ("database size", lambda c: f"{c['database_bytes'] / 2**20:,.0f} MB"),
        ("per organisation added", lambda c: f"{c['added_bytes'] / 1024:.0f} KB" if "added_bytes" in c else ""),
        ("system catalog (shared_buffers)", lambda c: f"{c['catalog_bytes'] / 2**20:,.0f} MB ({c['shared_buffers']})"),
    ]
    table = [["", *(f"{size:,}" for size in SIZES)]]
    table += [[label, *(cell(columns[size]) for size in SIZES)] for label, cell in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    print("\n(bench-scale) growing one database through the kit's provisioning; gunicorn 2 sync workers, wrk -t2 -c8")
    for n, row in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * width for width in widths))


def test_growth_to_ten_thousand_organisations(tmp_path: Path) -> None:
    columns: dict[int, dict[str, Any]] = {}
    with release_database(tmp_path, "bench_scale") as release:
        release.run('call_command("bootstrap", verbosity=0, pool_size=0)\n', timeout=600)
        grown = 0
        for step, size in enumerate(SIZES):
            print(f"\n[bench-scale] {size:,} organisations")
            _grow(release, grown, size - SIGNUPS * (step + 1))
            grown = size - SIGNUPS * (step + 1)
            measured = release.run(f"SIZE, SIGNUPS = {size}, {SIGNUPS}\n" + _MEASURE, timeout=1800)
            hosts = measured.pop("hosts")
            assert len(hosts) == measured["organisations"] == size, (len(hosts), measured["organisations"], size)
            measured.update(_serve(release, tmp_path, hosts))
            # The same with no bound on the schemas a connection serves: what the bound costs, and saves.
            measured.update(
                _serve(release, tmp_path, hosts, "_unbounded", TENANT_CONNECTION_MAX_SCHEMAS=str(10 * size))
            )
            measured["column"], migrated = _add_column(release, step, size)
            assert migrated >= measured["organisations"], (migrated, measured["organisations"])
            if columns:
                before = columns[SIZES[step - 1]]
                measured["added_bytes"] = (measured["database_bytes"] - before["database_bytes"]) / (
                    size - before["organisations"]
                )
            columns[size] = measured
            print(f"[bench-scale] {size:,}: {measured['rps']:.0f} req/s, no-op migrate {measured['noop']:.2f} s,"
                  f" a new column {measured['column']:.1f} s")  # fmt: skip
    _print(columns)
    last = columns[SIZES[-1]]
    assert last["rps"] / columns[SIZES[0]]["rps"] >= 0.85, "floor: random-tenant req/s at the largest size >= 0.85x"
