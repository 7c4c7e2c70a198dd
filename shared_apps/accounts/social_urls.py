"""The public host's `/accounts/`: the one callback of every provider (allauth's own callback views) and the
start and end of a flow (shared_apps/accounts/social.py). Only the callbacks: allauth's `<provider>/login/`
start views are not mounted, so every flow starts with a signed return target."""

from __future__ import annotations

from allauth.socialaccount.providers.github import views as github
from allauth.socialaccount.providers.google import views as google
from allauth.socialaccount.providers.openid_connect import views as openid_connect
from django.urls import URLPattern, path, re_path

from .social import social_finish, social_start

# Names are allauth's: its OAuth2 adapters reverse them to build the redirect URI.
urlpatterns: list[URLPattern] = [
    path("social/start/", social_start, name="social-start"),
    path("social/finish/", social_finish, name="social-finish"),
    path("github/login/callback/", github.oauth2_callback, name="github_callback"),
    path("google/login/callback/", google.oauth2_callback, name="google_callback"),
    # Last: any other id is an OpenID Connect provider (settings refuse the ids above for those).
    re_path(
        r"^(?P<provider_id>[a-z0-9][a-z0-9-]{0,49})/login/callback/\Z",
        openid_connect.callback,
        name="openid_connect_callback",
    ),
]
