"""Routing cache invalidation: any saved or deleted Tenant or Domain bumps the routing version, naming its tenant.

Bulk `QuerySet.update()` sends no signal: services that use it call `invalidate_routing()` themselves.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Domain, Tenant
from .routing import invalidate_routing


@receiver([post_save, post_delete], sender=Tenant)
def _tenant_changed(instance: Tenant, **_: Any) -> None:
    invalidate_routing(instance.pk)  # that organisation's hosts only: every other host stays cached


@receiver([post_save, post_delete], sender=Domain)
def _domain_changed(instance: Domain, **_: Any) -> None:
    invalidate_routing(instance.tenant_id)


def record_schema_level(sender: Any, using: str = "default", **_: Any) -> None:
    """After `migrate` ran in a tenant schema (django-tenants' `migrate_schemas`), record what it holds.

    Keeps `Tenant.schema_level` current whoever migrates: our controller records levels itself, and
    `migrate_schemas` runs Django's `migrate` once per schema, which sends this signal there.
    """
    from django.db import connections
    from django_tenants.utils import get_public_schema_name

    from .models import SchemaMigrationFailure, SchemaStatus
    from .schema_levels import applied_migrations, level_record

    schema = getattr(connections[using], "schema_name", get_public_schema_name())
    if schema == get_public_schema_name():
        return
    level = level_record(applied_migrations(schema))
    tenant_id = Tenant.objects.filter(schema_name=schema).values_list("pk", flat=True).first()
    if tenant_id is None:  # a schema being created (provisioning records its level itself)
        return
    Tenant.objects.filter(pk=tenant_id).update(schema_level=level, schema_status=SchemaStatus.READY)
    SchemaMigrationFailure.objects.filter(tenant_id=tenant_id).delete()
    invalidate_routing(tenant_id)
