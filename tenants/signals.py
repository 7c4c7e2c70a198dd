"""Routing cache invalidation: any saved or deleted Tenant or Domain bumps the routing version.

Bulk `QuerySet.update()` sends no signal: services that use it call `invalidate_routing()` themselves.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Domain, Tenant
from .routing import invalidate_routing


@receiver([post_save, post_delete], sender=Tenant)
@receiver([post_save, post_delete], sender=Domain)
def _invalidate_routing(**_: Any) -> None:
    invalidate_routing()
