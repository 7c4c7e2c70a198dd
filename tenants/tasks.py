from celery import shared_task

from .provisioning import pool_fill


@shared_task(name="tenants.tasks.pool_top_up", ignore_result=True)
def pool_top_up() -> int:
    """Refill the pool of ready schemas; queued after each signup and run on a schedule."""
    return pool_fill()
