"""Operator admin: memberships, invitations, audit log, deletion reports, usage, impersonations, dead letters.

Everything here is read-only in the admin: changes go through the services (actions), which audit them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from saas.api.ratelimit import client_ip
from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.memberships.models import Invitation, Membership
from tenants.models import TaskFailure

from .dead_letters import DeadLetterConflictError, dead_letter_discard, dead_letter_retry
from .models import AuditLog, ImpersonationGrant, TenantDeletion, TenantUsage
from .tenant_admin import TenantAdmin  # noqa: F401  (registers Tenant: admin autodiscovery imports admin.py only)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "tenant", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "tenant__name", "tenant__domains__domain")
    list_select_related = ("user", "tenant")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "tenant", "role", "status", "invited_by", "created_at", "expires_at")
    search_fields = ("email", "tenant__name")
    list_select_related = ("tenant", "invited_by")
    actions = ("resend",)

    @admin.action(description="Resend (new link, fresh expiry)")
    def resend(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        from shared_apps.memberships.invitations import invitation_resend

        actor = request.user if isinstance(request.user, User) else None
        for invitation in queryset:
            # invitation_resend checks an organisation member's right to invite: act for the original
            # inviter (or an owner), and record the operator in the audit log.
            acting = (
                Membership.objects.filter(tenant=invitation.tenant, is_active=True, user=invitation.invited_by).first()
                or Membership.objects.filter(tenant=invitation.tenant, is_active=True, role=Membership.Role.OWNER)
                .order_by("id")
                .first()
            )
            if acting is None or invitation.status not in (Invitation.Status.PENDING, Invitation.Status.EXPIRED):
                self.message_user(request, f"{invitation}: cannot be resent.", messages.ERROR)
                continue
            invitation_resend(tenant=invitation.tenant, actor=acting, invitation_id=invitation.pk)
            audit_record(action="invitation.resent", actor=actor, tenant=invitation.tenant, target=invitation,
                         extra={"by_operator": True})  # fmt: skip
            self.message_user(request, f"Resent {invitation}.")


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_email", "action", "tenant", "target_type", "target_id", "ip")
    list_filter = ("action",)
    search_fields = ("actor_email", "action", "tenant__name", "target_id")
    date_hierarchy = "created_at"
    list_select_related = ("tenant",)


@admin.register(TenantDeletion)
class TenantDeletionAdmin(ReadOnlyAdmin):
    list_display = ("tenant_name", "tenant_id", "status", "scheduled_at", "due_at", "finished_at", "requested_by")
    list_filter = ("status",)
    search_fields = ("tenant_name",)
    readonly_fields = ("tenant_name", "tenant", "status", "reason", "requested_by", "scheduled_at", "due_at",
                       "started_at", "finished_at", "report")  # fmt: skip

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and request.method == "GET"  # the report's detail page, read-only


@admin.register(TenantUsage)
class TenantUsageAdmin(ReadOnlyAdmin):
    list_display = ("date", "tenant", "api_requests", "members", "storage_bytes")
    search_fields = ("tenant__name",)
    date_hierarchy = "date"
    list_select_related = ("tenant",)


@admin.register(ImpersonationGrant)
class ImpersonationGrantAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "operator", "user", "tenant", "is_write", "expires_at", "redeemed_at", "reason")
    search_fields = ("operator__email", "user__email", "tenant__name")
    list_select_related = ("operator", "user", "tenant")


@admin.register(TaskFailure)
class DeadLetterAdmin(ReadOnlyAdmin):
    """Tasks that gave up. Retry (once, through the outbox, in the letter's own organisation) or discard."""

    list_display = ("created_at", "task_name", "tenant_id", "status", "exception_type", "retries", "resolved_by")
    list_filter = ("status", "task_name")
    search_fields = ("task_id", "task_name", "error")
    date_hierarchy = "created_at"
    readonly_fields = ("task_name", "task_id", "tenant_id", "schema_name", "status", "error", "exception_type",
                       "retries", "args", "kwargs", "traceback", "created_at", "resolved_at", "resolved_by",
                       "retried_task_id")  # fmt: skip
    actions = ("retry", "discard")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and request.method == "GET"  # the letter's detail page, read-only

    def _each(self, request: HttpRequest, queryset: QuerySet[TaskFailure], verb: str, action: Any) -> None:
        actor = request.user if isinstance(request.user, User) else None
        done = 0
        for letter in queryset:
            try:
                action(letter_id=letter.pk, actor=actor, ip=client_ip(request) or None)
                done += 1
            except DeadLetterConflictError as exc:
                self.message_user(request, f"{letter}: {exc.detail}", messages.ERROR)
        if done:
            self.message_user(request, f"{verb} {done} dead letter(s).", messages.SUCCESS)

    @admin.action(description="Retry (queue the task again in its organisation, once)")
    def retry(self, request: HttpRequest, queryset: QuerySet[TaskFailure]) -> None:
        self._each(request, queryset, "Retried", dead_letter_retry)

    @admin.action(description="Discard")
    def discard(self, request: HttpRequest, queryset: QuerySet[TaskFailure]) -> None:
        self._each(request, queryset, "Discarded", dead_letter_discard)


# django-tenants ships its own admin index and app list, which expect `request.tenant` to be a Tenant;
# on our public host it is None. Django's own templates (copied under admin/operator/) work as they are.
admin.site.index_template = "admin/operator/index.html"
admin.site.app_index_template = "admin/operator/app_index.html"
admin.site.enable_nav_sidebar = False
admin.site.site_header = "Operator console"
