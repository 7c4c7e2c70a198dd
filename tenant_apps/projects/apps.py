from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tenant_apps.projects"
    label = "projects"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenants.usage import PROJECTS, usage_register

        from .models import Project

        # The dashboard counts projects without importing this app.
        usage_register(PROJECTS, lambda: Project.objects.count())
