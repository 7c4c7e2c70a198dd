from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "tenant_apps.files"
    label = "files"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenants.usage import FILES, STORAGE_BYTES, usage_register

        from .models import File
        from .services import storage_used_bytes

        # Billing shows storage used against the plan's limit without importing this app.
        usage_register(STORAGE_BYTES, storage_used_bytes)
        usage_register(FILES, lambda: File.objects.count())  # the dashboard's count
