from django.apps import AppConfig


class OperatorConfig(AppConfig):
    """Operators (staff users): audit log, deletion reports, usage metrics, impersonation, the admin."""

    name = "shared_apps.operator"
    label = "operator"
    verbose_name = "Operator console"
    default_auto_field = "django.db.models.BigAutoField"
