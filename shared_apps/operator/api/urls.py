from django.urls import path

from . import users, views

operator = [
    path("tenants/", views.TenantListView.as_view(), name="operator-tenants"),
    path("tenants/<uuid:tenant_id>/", views.TenantDetailView.as_view(), name="operator-tenant"),
    path("tenants/<uuid:tenant_id>/suspend/", views.TenantSuspendView.as_view(), name="operator-tenant-suspend"),
    path(
        "tenants/<uuid:tenant_id>/reactivate/", views.TenantReactivateView.as_view(), name="operator-tenant-reactivate"
    ),
    path("tenants/<uuid:tenant_id>/subdomain/", views.TenantSubdomainView.as_view(), name="operator-tenant-subdomain"),
    path("tenants/<uuid:tenant_id>/delete/", views.TenantDeleteView.as_view(), name="operator-tenant-delete"),
    path(
        "tenants/<uuid:tenant_id>/impersonate/",
        views.TenantImpersonateView.as_view(),
        name="operator-tenant-impersonate",
    ),
    path("tenants/<uuid:tenant_id>/data/", views.TenantDataView.as_view(), name="operator-tenant-data"),
    path("users/<int:user_id>/mfa/reset/", users.UserMfaResetView.as_view(), name="operator-user-mfa-reset"),
    path("audit/", views.AuditListView.as_view(), name="operator-audit"),
    path("deletions/", views.DeletionListView.as_view(), name="operator-deletions"),
    path("dead-letters/", views.DeadLetterListView.as_view(), name="operator-dead-letters"),
    path("dead-letters/<int:letter_id>/", views.DeadLetterDetailView.as_view(), name="operator-dead-letter"),
    path("dead-letters/<int:letter_id>/retry/", views.DeadLetterRetryView.as_view(), name="operator-dead-letter-retry"),
    path(
        "dead-letters/<int:letter_id>/discard/",
        views.DeadLetterDiscardView.as_view(),
        name="operator-dead-letter-discard",
    ),
]
deletion_exports = [path("<str:token>/", views.DeletionExportView.as_view(), name="deletion-export")]
