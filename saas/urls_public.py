"""The public host (the bare base domain and www.): signup, account, billing plans, operators, admin."""

from django.contrib import admin
from django.urls import include, path

from saas.urls_common import handler400, handler403, handler404, handler500  # noqa: F401
from saas.urls_common import urlpatterns as common
from shared_apps.operator.admin_login import admin_login
from shared_apps.operator.monitoring import operator_session_check

urlpatterns = [
    *common,
    # django-allauth headless ("app" client): email verification, password reset, email addresses;
    # only the endpoints the kit uses (saas/urls_allauth.py).
    path("_allauth/", include("saas.urls_allauth")),
    path("api/v1/", include("saas.api.v1_public")),
    # Social login: every provider's one callback, and the start and end of a flow (shared_apps/accounts/social.py).
    path("accounts/", include("shared_apps.accounts.social_urls")),
    path("admin/login/", admin_login, name="admin-login"),  # rate limited; the rest of the admin as is
    # Asked by the proxy before every request to Flower (/flower/): 204 only for an operator's session.
    path("admin/operator-session/", operator_session_check, name="operator-session-check"),
    path("admin/", admin.site.urls),
]
