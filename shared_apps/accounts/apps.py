from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shared_apps.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import avatars, mfa_audit  # imports allauth.mfa's models: only once the registry is ready

        mfa_audit.connect()
        avatars.connect()
