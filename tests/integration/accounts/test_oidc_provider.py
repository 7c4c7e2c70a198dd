"""The OpenID Connect provider fixture (tests/plugins/oidc.py) is a real provider: discovery, the code
flow with PKCE driven over HTTP, signed ID tokens with the account's claims, unknown people refused."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import requests

from tests.plugins.oidc import OidcProvider

REDIRECT = "https://example.test/accounts/oidc/login/callback/"


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_discovery_names_the_endpoints_an_rp_needs(oidc_provider: OidcProvider) -> None:
    document = oidc_provider.discovery()

    assert document["issuer"] == oidc_provider.issuer
    assert document["authorization_endpoint"] == f"{oidc_provider.issuer}/auth"
    assert document["token_endpoint"] == f"{oidc_provider.issuer}/token"
    assert document["jwks_uri"] == f"{oidc_provider.issuer}/jwks"
    assert document["userinfo_endpoint"] == f"{oidc_provider.issuer}/me"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert set(document["scopes_supported"]) == {"openid", "email", "profile", "offline_access"}


def test_code_flow_with_pkce_gives_an_id_token_with_the_accounts_claims(oidc_provider: OidcProvider) -> None:
    client = oidc_provider.add_client(redirect_uris=[REDIRECT])
    oidc_provider.add_account("alice-1", email="alice@example.com", email_verified=True, name="Alice Liddell")
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)

    final = oidc_provider.login(
        oidc_provider.authorize_url(client, state=state, nonce=nonce, code_challenge=challenge), "alice-1"
    )

    assert final.startswith(REDIRECT + "?")
    query = _query(final)
    assert query["state"] == state
    assert query["iss"] == oidc_provider.issuer
    tokens = oidc_provider.exchange_code(client, query["code"], code_verifier=verifier)
    assert tokens["token_type"] == "Bearer"
    claims = oidc_provider.verify_id_token(tokens["id_token"], client)
    assert claims["sub"] == "alice-1"
    assert claims["email"] == "alice@example.com"
    assert claims["email_verified"] is True
    assert claims["name"] == "Alice Liddell"
    assert claims["nonce"] == nonce
    assert claims["aud"] == client.client_id
    userinfo = requests.get(
        oidc_provider.discovery()["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    )
    assert userinfo.status_code == 200
    assert userinfo.json() == {
        "sub": "alice-1",
        "email": "alice@example.com",
        "email_verified": True,
        "name": "Alice Liddell",
    }


def test_a_wrong_pkce_verifier_is_refused(oidc_provider: OidcProvider) -> None:
    client = oidc_provider.add_client(redirect_uris=[REDIRECT])
    oidc_provider.add_account("bob-1", email="bob@example.com")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"the right verifier" * 3).digest()).rstrip(b"=").decode()
    code = _query(oidc_provider.login(oidc_provider.authorize_url(client, code_challenge=challenge), "bob-1"))["code"]

    response = requests.post(
        oidc_provider.discovery()["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "code_verifier": secrets.token_urlsafe(48),
        },
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_an_unverified_email_is_reported_unverified(oidc_provider: OidcProvider) -> None:
    client = oidc_provider.add_client(redirect_uris=[REDIRECT])
    oidc_provider.add_account("carol-1", email="carol@example.com", email_verified=False, name="Carol")

    claims = oidc_provider.verify_id_token(oidc_provider.tokens_for(client, "carol-1")["id_token"], client)

    assert claims["email"] == "carol@example.com"
    assert claims["email_verified"] is False


def test_an_unknown_account_comes_back_access_denied(oidc_provider: OidcProvider) -> None:
    client = oidc_provider.add_client(redirect_uris=[REDIRECT])
    state = secrets.token_urlsafe(16)

    final = oidc_provider.login(oidc_provider.authorize_url(client, state=state), "nobody")

    assert final.startswith(REDIRECT + "?")
    query = _query(final)
    assert query["error"] == "access_denied"
    assert query["state"] == state
    assert "code" not in query


def test_a_redirect_uri_not_registered_is_refused(oidc_provider: OidcProvider) -> None:
    client = oidc_provider.add_client(redirect_uris=[REDIRECT])
    url = oidc_provider.authorize_url(client, redirect_uri="https://evil.test/callback/")

    response = requests.get(url, allow_redirects=False, timeout=10)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_redirect_uri"
