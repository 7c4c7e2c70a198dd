"""Organisations in the operator admin (public host only: the tenant URLconf has no admin). Registered by
the operator's admin.py: the console stands above the tenants it manages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from saas.api.ratelimit import client_ip
from shared_apps.accounts.models import User
from tenants.hosts import subdomain_of
from tenants.models import Domain, Tenant

from .deletion import tenant_deletion_schedule
from .selectors import tenant_list, tenant_search_ids
from .services import (
    subscription_cancel,
    tenant_data_look,
    tenant_reactivate,
    tenant_subdomain_change,
    tenant_suspend,
)


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request) or None


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("domain", "is_primary", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubdomainForm(forms.Form):
    subdomain = forms.CharField(max_length=63)
    redirect_days = forms.IntegerField(
        min_value=0, max_value=365, required=False, help_text="How long the old host redirects (empty: default)."
    )


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("name", "subdomain", "status", "plan", "members", "storage_bytes", "created_at", "last_activity")
    list_filter = ("status",)
    search_fields = ("name",)  # widened in get_search_results: subdomain, member email, Stripe customer id
    search_help_text = "Name, subdomain, member email or Stripe customer id"
    ordering = ("-created_at",)
    readonly_fields = ("id", "name", "schema_name", "status", "created_at", "activated_at", "data_link")
    fields = readonly_fields
    inlines = (DomainInline,)
    actions = ("suspend", "reactivate", "schedule_deletion", "cancel_subscription", "change_subdomain")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tenant]:
        return tenant_list()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Tenant], search_term: str
    ) -> tuple[QuerySet[Tenant], bool]:
        if not search_term.strip():
            return queryset, False
        return queryset.filter(pk__in=tenant_search_ids(search=search_term.strip())), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # organisations are created by signup

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the two-step deletion (action "Schedule deletion") is the only way

    @admin.display(description="subdomain")
    def subdomain(self, tenant: Any) -> str:
        return subdomain_of(tenant.primary_domain, settings.SAAS_BASE_DOMAIN)

    @admin.display(description="plan", ordering="plan_code")
    def plan(self, tenant: Any) -> str:
        return str(tenant.plan_code)

    @admin.display(description="members", ordering="member_count")
    def members(self, tenant: Any) -> int:
        return int(tenant.member_count)

    @admin.display(description="storage bytes", ordering="storage_bytes")
    def storage_bytes(self, tenant: Any) -> int:
        return int(tenant.storage_bytes)

    @admin.display(description="last activity", ordering="last_activity")
    def last_activity(self, tenant: Any) -> Any:
        return tenant.last_activity

    @admin.display(description="data")
    def data_link(self, tenant: Tenant) -> str:
        url = reverse("admin:tenants_tenant_data", args=[tenant.pk])
        return format_html('<a href="{}">Look at its data (read-only)</a>', url)

    def get_urls(self) -> list[Any]:
        data = path("<uuid:tenant_id>/data/", self.admin_site.admin_view(self.data_view), name="tenants_tenant_data")
        return [data, *super().get_urls()]

    def data_view(self, request: HttpRequest, tenant_id: str) -> HttpResponse:
        tenant = tenant_list().get(pk=tenant_id)
        snapshot = (
            tenant_data_look(tenant=tenant, actor=_actor(request), ip=_ip(request))
            if tenant.status != Tenant.Status.DELETED
            else {}
        )
        context = {**self.admin_site.each_context(request), "title": f"{tenant.name}: data (read-only)",
                   "tenant": tenant, "snapshot": snapshot, "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/operator/tenant_data.html", context)

    def _each(self, request: HttpRequest, queryset: QuerySet[Tenant], verb: str, action: Any) -> None:
        done = 0
        for tenant in queryset:
            try:
                action(tenant)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{tenant}: {' '.join(exc.messages)}", messages.ERROR)
        if done:
            self.message_user(request, f"{verb} {done} organisation(s).", messages.SUCCESS)

    @admin.action(description="Suspend")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._each(request, queryset, "Suspended",
                   lambda t: tenant_suspend(tenant=t, actor=_actor(request), ip=_ip(request)))  # fmt: skip

    @admin.action(description="Reactivate (cancels a scheduled deletion)")
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._each(request, queryset, "Reactivated",
                   lambda t: tenant_reactivate(tenant=t, actor=_actor(request), ip=_ip(request)))  # fmt: skip

    @admin.action(description="Schedule deletion (suspends now, erases after the grace period)")
    def schedule_deletion(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._each(request, queryset, "Scheduled the deletion of",
                   lambda t: tenant_deletion_schedule(tenant=t, actor=_actor(request), ip=_ip(request),
                                                      reason="admin action"))  # fmt: skip

    @admin.action(description="Cancel the Stripe subscription")
    def cancel_subscription(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        for tenant in queryset:
            outcome = subscription_cancel(tenant=tenant, actor=_actor(request), ip=_ip(request))
            self.message_user(request, f"{tenant}: {outcome}")

    @admin.action(description="Change subdomain (the old host redirects for a while)")
    def change_subdomain(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one organisation.", messages.ERROR)
            return None
        tenant = queryset.get()
        form = SubdomainForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                domain = tenant_subdomain_change(tenant=tenant, subdomain=form.cleaned_data["subdomain"],
                                                 actor=_actor(request), ip=_ip(request),
                                                 redirect_days=form.cleaned_data["redirect_days"])  # fmt: skip
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, f"{tenant} now lives at {domain.domain}.", messages.SUCCESS)
            return None
        context = {**self.admin_site.each_context(request), "title": f"Change the subdomain of {tenant}",
                   "tenant": tenant, "form": form, "opts": self.model._meta,
                   "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME}  # fmt: skip
        return TemplateResponse(request, "admin/operator/change_subdomain.html", context)
