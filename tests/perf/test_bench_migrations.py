"""Benchmarks for issue 14: migrating tenant schemas, ours (tests/releases.py) vs django-tenants' own
`migrate_schemas`, on the same database of 500 organisations, in the same run.

(e) a no-op deploy over 500 (nothing to apply; `bootstrap` vs what it ran before, `migrate_schemas`),
    and ours over 20 on the same code: the tenant schemas cost two queries, not one `migrate` each;
(f) a release adding a nullable column, ours in parallel vs stock.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.perf.report import table
from tests.releases import release_database

pytestmark = [pytest.mark.bench]

ORGANISATIONS = 500
SMALL = 20

_TIMED = """
import io, statistics, time
from tenants.provisioning import pool_fill

def timed(fn, repeat=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)

def orgs(n):
    pool_fill(size=n)
    Tenant.objects.filter(status="provisioning").update(status="active", name="Bench")

def ours():
    report = migrate_tenants(jobs=4)
    assert not report.failures, report.failures
    return report

def stock():
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)

def bootstrap():  # the deploy step: the public schema, the tenant schemas, the pool
    call_command("bootstrap", verbosity=0, pool_size=0, stdout=io.StringIO())

def stock_bootstrap():  # what it ran before issue 14: migrate_schemas, shared then tenant
    call_command("migrate_schemas", interactive=False, verbosity=0)
"""


def test_migrating_500_organisations_ours_vs_stock_migrate_schemas(tmp_path: Path) -> None:
    with release_database(tmp_path, "bench_migrate") as release:
        noop = release.run(
            _TIMED
            + f"""
call_command("bootstrap", verbosity=0, pool_size=0)
orgs({SMALL})
out["ours_small"] = timed(bootstrap, repeat=3)
orgs({ORGANISATIONS - SMALL})  # the pool is filled up to n: add the rest
out["ours"] = timed(bootstrap, repeat=3)
out["controller"] = timed(ours, repeat=5)
out["stock"] = timed(stock_bootstrap)
"""
        )
        release.add("0090_bench_note", "bench_note")
        ours = release.run(
            _TIMED
            + """
start = time.perf_counter()
report = ours()
out["ours"], out["migrated"] = time.perf_counter() - start, report.migrated
"""
        )
        release.add("0091_bench_tag", "bench_tag")
        stock = release.run(_TIMED + 'out["stock"] = timed(stock)\n')
    assert ours["migrated"] == ORGANISATIONS

    noop_ratio = noop["stock"] / noop["ours"]
    flat = noop["ours"] / noop["ours_small"]
    column_ratio = stock["stock"] / ours["ours"]
    print(
        table(
            f"(issue 14, e) no-op deploy migration, {ORGANISATIONS} organisations (ours: median of 3)",
            [
                ("django-tenants migrate_schemas (shared, then tenants)", f"{noop['stock']:.2f} s", "1.00x"),
                ("ours: bootstrap", f"{noop['ours']:.2f} s", f"{noop_ratio:.0f}x faster"),
                (f"ours: bootstrap over {SMALL} organisations", f"{noop['ours_small']:.2f} s", f"{flat:.2f}x of it"),
                ("ours: tenants migrate alone (median of 5)", f"{noop['controller'] * 1000:.1f} ms", ""),
            ],
            ("no-op", "time", "ratio"),
        )
    )
    print(
        table(
            f"(issue 14, f) a release adding a nullable column, {ORGANISATIONS} organisations",
            [
                ("django-tenants migrate_schemas --tenant", f"{stock['stock']:.2f} s", "1.00x"),
                ("ours, 4 connections", f"{ours['ours']:.2f} s", f"{column_ratio:.1f}x faster"),
            ],
            ("migration", "time", "ratio"),
        )
    )
    assert noop_ratio >= 20, "floor: a no-op is >= 20x faster than migrate_schemas"
    assert flat <= 2, "floor: a no-op over 500 is within 2x of one over 20"
    assert column_ratio >= 3, "floor: a new nullable column migrates >= 3x faster than migrate_schemas"
