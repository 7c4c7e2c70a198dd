"""Fixtures and a browser for the social login tests (tests/integration/accounts/test_social_*.py).

allauth's real GitHub and Google provider classes are pointed at the fakes in tests/fakes/oauth_providers.py:
their endpoint URLs are class attributes (and, for Google's ID token check, module globals) that allauth
computes from SOCIALACCOUNT_PROVIDERS when the module is first imported, so the fixtures set them on the
real classes for the test's duration, and set SOCIALACCOUNT_PROVIDERS (read on every call) to the fake's
registered client.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.providers.github import views as github_views
from allauth.socialaccount.providers.google import views as google_views
from django.conf import settings
from django.test import Client

from tests.fakes.oauth_providers import FakeGitHub, FakeGoogle, OAuthClient

ALLAUTH = "/_allauth/app/v1"
PUBLIC = "localhost"
ACME = "acme.localhost"
GLOBEX = "globex.localhost"


def callback_uri(provider_id: str) -> str:
    """The one redirect URI registered at every provider: the public host's allauth callback."""
    return f"http://{PUBLIC}/accounts/{provider_id}/login/callback/"


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def host_of(url: str) -> str:
    return urlsplit(url).netloc


@pytest.fixture(scope="session")
def _github_server() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def _google_server() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    fake.start()
    yield fake
    fake.stop()


@dataclass
class Providers:
    github: FakeGitHub
    google: FakeGoogle
    clients: dict[str, OAuthClient] = field(default_factory=dict)


@pytest.fixture
def providers(
    _github_server: FakeGitHub, _google_server: FakeGoogle, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Providers:
    """GitHub and Google configured (credentials of a client registered at each fake), allauth's real
    provider classes pointed at the fakes."""
    _github_server.reset()
    _google_server.reset()
    gh = _github_server.add_client([callback_uri("github")])
    gg = _google_server.add_client([callback_uri("google")])
    settings.SOCIALACCOUNT_PROVIDERS = {
        "github": {"APP": {"client_id": gh.client_id, "secret": gh.client_secret}, "OAUTH_PKCE_ENABLED": True},
        "google": {"APP": {"client_id": gg.client_id, "secret": gg.client_secret}, "OAUTH_PKCE_ENABLED": True},
    }
    web = _github_server.url
    adapter = github_views.GitHubOAuth2Adapter
    monkeypatch.setattr(adapter, "access_token_url", f"{web}/login/oauth/access_token")
    monkeypatch.setattr(adapter, "authorize_url", f"{web}/login/oauth/authorize")
    monkeypatch.setattr(adapter, "profile_url", f"{web}/api/v3/user")
    monkeypatch.setattr(adapter, "emails_url", f"{web}/api/v3/user/emails")
    g = _google_server.url
    gadapter = google_views.GoogleOAuth2Adapter
    monkeypatch.setattr(gadapter, "access_token_url", f"{g}/token")
    monkeypatch.setattr(gadapter, "authorize_url", f"{g}/o/oauth2/v2/auth")
    monkeypatch.setattr(gadapter, "identity_url", f"{g}/oauth2/v2/userinfo")
    monkeypatch.setattr(gadapter, "id_token_issuer", _google_server.issuer)
    monkeypatch.setattr(google_views, "CERTS_URL", f"{g}/oauth2/v1/certs")
    monkeypatch.setattr(google_views, "ID_TOKEN_ISSUER", _google_server.issuer)
    return Providers(github=_github_server, google=_google_server, clients={"github": gh, "google": gg})


@dataclass
class Browser:
    """One person's browser: a cookie jar per host (cookies are host-only), and `requests` for the provider."""

    jars: dict[str, Client] = field(default_factory=dict)
    provider_session: requests.Session = field(default_factory=requests.Session)

    def on(self, host: str) -> Client:
        if host not in self.jars:
            self.jars[host] = Client(HTTP_HOST=host)
        return self.jars[host]

    def get(self, url: str) -> Any:
        return self.on(host_of(url)).get(path_of(url))

    def start(
        self,
        host: str,
        provider: str,
        callback_url: str | None = None,
        process: str = "login",
        extra: dict[str, str] | None = None,
    ) -> Any:
        """The sign-in page's form post to allauth's redirect endpoint on `host`."""
        body = {"provider": provider, "process": process, "callback_url": callback_url or f"http://{host}/login"}
        return self.on(host).post(f"{ALLAUTH}/auth/provider/redirect", {**body, **(extra or {})})

    def to_provider(
        self,
        host: str,
        provider: str,
        callback_url: str | None = None,
        process: str = "login",
        extra: dict[str, str] | None = None,
    ) -> str:
        """Start on `host` and follow our redirects up to the provider's authorization URL."""
        response = self.start(host, provider, callback_url, process, extra)
        assert response.status_code == 302, response.content
        start = response["Location"]
        assert start.startswith(f"http://{PUBLIC}/accounts/social/start/?state="), start
        response = self.get(start)
        assert response.status_code == 302, response.content
        return str(response["Location"])

    def at_provider(self, authorize_url: str, login: str) -> str:
        """The person signs in at the provider as `login`: its redirect back to our callback, not followed."""
        sep = "&" if "?" in authorize_url else "?"
        response = self.provider_session.get(f"{authorize_url}{sep}login={login}", allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        return str(response.headers["Location"])

    def back_from_provider(self, callback: str) -> str:
        """Our callback on the public host, then allauth's redirect to the end of the flow, followed: the
        URL the browser is sent to at the end (an organisation's handoff link, a login page with an error...)."""
        assert host_of(callback) == PUBLIC, callback
        response = self.get(callback)
        assert response.status_code == 302, response.content
        finish = str(response["Location"])
        assert finish.startswith(f"http://{PUBLIC}/accounts/social/finish/?"), finish
        response = self.get(finish)
        assert response.status_code == 302, response.content
        return str(response["Location"])

    def sign_in(self, host: str, provider: str, login: str, callback_url: str | None = None) -> str:
        return self.back_from_provider(self.at_provider(self.to_provider(host, provider, callback_url), login))


@pytest.fixture
def browser() -> Browser:
    return Browser()


def redeem(host: str, url: str) -> Any:
    """What the organisation's /auth/handoff page does with its code."""
    assert url.startswith(f"http://{host}/auth/handoff?code="), url
    return Client(HTTP_HOST=host).post(
        "/api/v1/auth/handoff/", {"code": query_of(url)["code"]}, content_type="application/json"
    )


assert settings.SAAS_BASE_DOMAIN == PUBLIC, "the social login tests address hosts under localhost"
