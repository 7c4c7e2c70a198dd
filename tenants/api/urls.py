from django.urls import path

from .views import SignupView, SubdomainCheckView

urlpatterns = [
    path("", SignupView.as_view(), name="signup"),
    path("check-subdomain/", SubdomainCheckView.as_view(), name="signup-check-subdomain"),
]
