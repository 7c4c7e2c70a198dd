from django.urls import path

from . import profile, switch, views
from . import signup as signup_views

auth_public = [
    path("login/", views.LoginView.as_view(), name="auth-login"),
    path("refresh/", views.RefreshView.as_view(), name="auth-refresh"),
    path("logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("mfa/", views.MfaView.as_view(), name="auth-mfa"),
    path("mfa/webauthn/options/", views.MfaWebAuthnOptionsView.as_view(), name="auth-mfa-webauthn-options"),
    path("passkey/", views.PasskeyLoginView.as_view(), name="auth-passkey"),
    path("passkey/options/", views.PasskeyLoginOptionsView.as_view(), name="auth-passkey-options"),
]
auth_tenant = [*auth_public, path("handoff/", views.HandoffRedeemView.as_view(), name="auth-handoff")]
account = [
    path("tenants/", views.AccountTenantsView.as_view(), name="account-tenants"),
    path("tenants/<uuid:tenant_id>/handoff/", views.HandoffCreateView.as_view(), name="account-tenant-handoff"),
]
me = [
    *profile.urlpatterns,
    path(
        "organisations/<uuid:tenant_id>/handoff/",
        switch.OrganisationSwitchView.as_view(),
        name="me-organisation-handoff",
    ),
]
signup = [
    path("", signup_views.SignupView.as_view(), name="signup"),
    path("check-subdomain/", signup_views.SubdomainCheckView.as_view(), name="signup-check-subdomain"),
]
