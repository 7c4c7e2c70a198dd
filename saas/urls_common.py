"""Routes every host answers: health, OpenAPI schema and docs."""

from django.urls import path
from drf_spectacular.views import SpectacularSwaggerView

from saas.api import health
from saas.api.schema import HostSchemaView

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/schema/", HostSchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

handler400 = "saas.api.errors.bad_request"
handler403 = "saas.api.errors.permission_denied"
handler404 = "saas.api.errors.not_found"
handler500 = "saas.api.errors.server_error"
