"""Benchmark for issue 12: a request that queues a task, through the transactional outbox vs straight to the
broker. Same request (POST a project, which queues its activity row), same broker, same run."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client

from saas.celery import app
from shared_apps.accounts.signup import Signup
from tenant_apps.projects.models import Project
from tenants.db import connection
from tests.conftest import Team
from tests.helpers import api, login
from tests.perf.report import median_seconds, table

pytestmark = [pytest.mark.bench, pytest.mark.usefixtures("live_db")]


def _apply_async_on_commit(task_name: str, *, kwargs: dict[str, Any], schema_name: str = "public") -> None:
    """Queuing without the outbox: apply_async to the broker after commit, in the request (no row)."""
    task = app.tasks[task_name]
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs, headers={"_schema_name": schema_name}))


def test_a_request_queuing_through_the_outbox_costs_at_most_1_3x_queuing_directly(acme: Signup, team: Team) -> None:
    client: Client = api(acme.host, login(acme.host, team.owner.email)["access"])

    def request() -> None:
        response = client.post("/api/v1/projects/", {"name": "Bench"}, content_type="application/json")
        assert response.status_code == 201, response.content

    def outbox() -> None:
        request()

    def direct() -> None:
        with mock.patch("tenants.outbox.outbox_enqueue", _apply_async_on_commit):
            request()

    run: dict[str, Callable[[], None]] = {"direct": direct, "outbox": outbox}
    try:
        # Interleaved, so both see the same machine load.
        samples: dict[str, list[float]] = {"direct": [], "outbox": []}
        for _ in range(5):
            direct()
            outbox()
        for _ in range(100):
            for name, fn in run.items():
                samples[name].append(median_seconds(fn, repeat=1, warmup=0))
        direct_s, outbox_s = statistics.median(samples["direct"]), statistics.median(samples["outbox"])
    finally:
        connection.set_tenant(acme.tenant)
        Project.objects.filter(name="Bench").delete()
        connection.set_schema_to_public()
    print(
        table(
            "(issue 12) POST a project (queues its activity task), in-process client, RabbitMQ, "
            "median of 100, interleaved",
            [
                ("apply_async to the broker after commit", f"{direct_s * 1000:.1f} ms", "1.00x"),
                (
                    "transactional outbox (row + publish after commit + delete)",
                    f"{outbox_s * 1000:.1f} ms",
                    f"{outbox_s / direct_s:.2f}x",
                ),
            ],
            ("queuing", "median", "ratio"),
        )
    )
    assert outbox_s <= 1.3 * direct_s, "floor: the outbox costs <= 1.3x queuing directly"
