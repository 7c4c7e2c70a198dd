from django.apps import AppConfig


class OperatorConfig(AppConfig):
    """Operators (staff users): audit log, deletion reports, usage metrics, impersonation, the admin."""

    name = "shared_apps.operator"
    label = "operator"
    verbose_name = "Operator console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shared_apps.accounts.signals import handoff_redeemed, refresh_requested
        from shared_apps.memberships.signals import organisation_deletion_requested
        from tenant_apps.exports.signals import export_finished

        from .deletion import deletion_export_ready, on_organisation_deletion_requested
        from .impersonation import on_handoff_redeemed, on_refresh_requested

        # The export offered before a deletion announces itself when built; the operator emails the owners.
        export_finished.connect(deletion_export_ready, dispatch_uid="operator.deletion_export_ready")
        # An owner's own request to delete their organisation (memberships' API) takes the operator's flow.
        organisation_deletion_requested.connect(
            on_organisation_deletion_requested, dispatch_uid="operator.organisation_deletion_requested"
        )

        # Impersonation rides on accounts' sign-in without accounts knowing it: the redeemed link's tokens
        # join their grant, and a refresh of an ended impersonation is refused.
        handoff_redeemed.connect(on_handoff_redeemed, dispatch_uid="operator.impersonation_bind")
        refresh_requested.connect(on_refresh_requested, dispatch_uid="operator.impersonation_refresh")
