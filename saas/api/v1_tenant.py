"""API v1 on an organisation's host. Tenant apps add their routes here (README: "Add a tenant app")."""

from django.urls import include, path

from shared_apps.accounts.api import urls as accounts
from shared_apps.billing.api import urls as billing
from tenants.api.downloads import DownloadView

urlpatterns = [
    path("auth/", include(accounts.auth_tenant)),
    path("me/", include(accounts.me)),
    path("members/", include("shared_apps.memberships.api.urls")),
    path("invitations/", include("shared_apps.memberships.api.invitations")),
    path("organisation/", include("shared_apps.memberships.api.organisation")),
    path("projects/", include("tenant_apps.projects.api.urls")),
    path("files/", include("tenant_apps.files.api.urls")),
    path("exports/", include("tenant_apps.exports.api.urls")),
    path("downloads/", DownloadView.as_view(), name="download"),
    path("billing/", include(billing.tenant)),
    path("audit/", include("shared_apps.memberships.api.audit")),
    path("sso/", include("shared_apps.memberships.api.sso")),
]
