from django.urls import path

from . import views

tenant_audit = [path("", views.TenantAuditView.as_view(), name="audit")]
