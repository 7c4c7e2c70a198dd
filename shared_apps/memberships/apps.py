from django.apps import AppConfig


class MembershipsConfig(AppConfig):
    name = "shared_apps.memberships"
    label = "memberships"
    default_auto_field = "django.db.models.BigAutoField"
