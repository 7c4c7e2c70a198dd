"""API v1 on the public host."""

from django.urls import include, path

from shared_apps.accounts.api import urls as accounts
from shared_apps.billing.api import urls as billing
from shared_apps.operator.api import urls as operator

urlpatterns = [
    path("signup/", include(accounts.signup)),
    path("auth/", include(accounts.auth_public)),
    path("account/", include(accounts.account)),
    path("billing/", include(billing.public)),
    path("operator/", include(operator.operator)),
    path("deletion-exports/", include(operator.deletion_exports)),
]
