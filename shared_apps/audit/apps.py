from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log: who did what to which organisation. Everyone records through `audit_record`."""

    name = "shared_apps.audit"
    label = "audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"
