"""Benchmark for issue 4: a tenant task's round trip against a plain task's, same broker, same worker."""

from __future__ import annotations

import statistics

import pytest

from shared_apps.accounts.signup import Signup
from tenants.tasks import ping
from tests.perf.report import median_seconds, table
from tests.plugins.celery_worker import Worker

pytestmark = [pytest.mark.bench, pytest.mark.usefixtures("live_db")]


def test_tenant_task_round_trip_costs_at_most_1_2x_a_plain_one(acme: Signup, celery_worker: Worker) -> None:
    def plain() -> None:
        assert ping.apply_async().get(timeout=30) == "public"

    def tenant() -> None:
        result = ping.apply_async(
            kwargs={"tenant_id": str(acme.tenant.id)}, headers={"_schema_name": acme.tenant.schema_name}
        )
        assert result.get(timeout=30) == acme.tenant.schema_name

    # Interleaved, so both see the same machine load.
    plain_samples, tenant_samples = [], []
    for _ in range(5):
        plain()
        tenant()
    for _ in range(100):
        plain_samples.append(median_seconds(plain, repeat=1, warmup=0))
        tenant_samples.append(median_seconds(tenant, repeat=1, warmup=0))
    plain_s, tenant_s = statistics.median(plain_samples), statistics.median(tenant_samples)
    print(
        table(
            "(issue 4) Celery round trip: apply_async -> worker -> result (RabbitMQ, Redis results), "
            "median of 100, interleaved",
            [
                ("plain task", f"{plain_s * 1000:.1f} ms", "1.00x"),
                (
                    "tenant task (schema switch + tenant check)",
                    f"{tenant_s * 1000:.1f} ms",
                    f"{tenant_s / plain_s:.2f}x",
                ),
            ],
            ("task", "median", "ratio"),
        )
    )
    assert tenant_s <= 1.2 * plain_s, "floor: <= 1.2x a plain task"
