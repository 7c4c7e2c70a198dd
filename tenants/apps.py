from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class TenantsConfig(AppConfig):
    name = "tenants"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks, replicas, signals  # noqa: F401  (registers system checks, per-request state, cache invalidation)

        # Each app's part of an organisation export (tenants/export_registry.py). Here, not in the exports
        # app, so that the operator's look at an organisation sees every app even without exports.
        autodiscover_modules("exports")

        # Sent once per app and schema: listening for this app only records each schema once.
        post_migrate.connect(signals.record_schema_level, sender=self, dispatch_uid="tenants.record_schema_level")
