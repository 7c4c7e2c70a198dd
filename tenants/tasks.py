from celery import shared_task

from .provisioning import pool_fill


@shared_task(name="tenants.tasks.pool_top_up", ignore_result=True)
def pool_top_up() -> int:
    """Refill the pool of ready schemas; queued after each signup and run on a schedule."""
    return pool_fill()


@shared_task(name="tenants.tasks.fan_out", ignore_result=True)
def fan_out(task_name: str) -> int:
    """Queue `task_name` once per active tenant, spread over TENANT_TASK_SPREAD_SECONDS.

    Beat schedules this one task; each tenant's run then carries its tenant explicitly.
    """
    from saas.celery import app

    from .celery_tasks import spread_countdown
    from .models import Tenant

    task = app.tasks[task_name]
    queued = 0
    for tenant_id, schema in Tenant.objects.filter(status=Tenant.Status.ACTIVE).values_list("id", "schema_name"):
        if schema == "public":
            continue
        task.apply_async(
            kwargs={"tenant_id": str(tenant_id)},
            headers={"_schema_name": schema},
            countdown=spread_countdown(str(tenant_id)),
        )
        queued += 1
    return queued


@shared_task(name="tenants.tasks.ping")
def ping(tenant_id: str | None = None) -> str:
    """Answer with the schema the task ran in: a diagnostic for workers and tenant routing."""
    from .db import connection

    return str(connection.schema_name)


@shared_task(name="tenants.tasks.outbox_relay", ignore_result=True)
def outbox_relay() -> int:
    """Publish what the outbox still holds (the broker was down when it was written). Every few seconds."""
    from .outbox import outbox_relay as relay

    return relay()


@shared_task(name="tenants.tasks.receipts_prune", ignore_result=True)
def receipts_prune() -> int:
    from .outbox import receipts_prune as prune

    return prune()
