"""A real OpenID Connect provider (panva's `oidc-provider`, tests/fakes/oidc) on 127.0.0.1 for the whole run.

Fixture API (session-scoped `oidc_provider`, an `OidcProvider`):

- `issuer` -> "http://127.0.0.1:<port>" (no trailing slash); `discovery_url`; `discovery()` -> the JSON document.
- `add_client(redirect_uris=[...], client_id=None, client_secret=None, **metadata) -> OidcClient` registers a
  confidential client (random id and secret unless given; `token_endpoint_auth_method` defaults to
  `client_secret_post`, which allauth picks from discovery). Re-registering an id replaces it.
- `add_account(sub, email=..., email_verified=True, name="...")`: only registered subs can sign in; a
  login with another sub ends with `error=access_denied` at the redirect URI.
- `authorize_url(client, redirect_uri=None, scope="openid email profile", state=..., nonce=...,
  code_challenge=None) -> str`: an authorization request of the code flow (for tests that are the RP).
- `login(authorize_url, account_id, session=None) -> str`: drives the provider's login and consent forms
  over HTTP with `requests` from any authorization URL (e.g. the one allauth redirected to) and returns
  the final redirect to the client's redirect URI (`...?code=...&state=...&iss=...`), NOT followed.
- `exchange_code(client, code, redirect_uri, code_verifier=None) -> dict`: the token response.
- `tokens_for(client, account_id, nonce=None) -> dict`: the whole code flow in one call (handy for
  allauth's token flow, which wants an `id_token` whose audience is the client).
- `verify_id_token(id_token, client) -> dict`: claims, checked against the provider's JWKS, issuer, audience.

`npm ci` runs in tests/fakes/oidc when its node_modules is missing or was installed from another
package-lock.json (a hash stamp, like the Makefile's frontend stamp); a file lock serialises parallel runs.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import jwt
import pytest
import requests

from tests.plugins.smtp import free_port

OIDC_DIR = Path(__file__).resolve().parent.parent / "fakes" / "oidc"
_STAMP = OIDC_DIR / "node_modules" / ".package-lock.sha256"
_TIMEOUT = 10.0


def npm_ci_if_needed() -> None:
    """Install the provider's exact locked dependencies once per package-lock.json."""
    wanted = hashlib.sha256((OIDC_DIR / "package-lock.json").read_bytes()).hexdigest()
    # The lock lives outside the work tree (npm ci empties node_modules, and nothing untracked is left behind).
    lock_path = Path(tempfile.gettempdir()) / f"oidc-npm-ci-{hashlib.sha256(bytes(OIDC_DIR)).hexdigest()[:12]}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two runs starting together must not both write node_modules
        if _STAMP.exists() and _STAMP.read_text().strip() == wanted:
            return
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm not found: install Node.js >= 20.19 to run the OpenID Connect provider")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=OIDC_DIR, check=True, timeout=300
        )
        _STAMP.write_text(wanted)


@dataclass(frozen=True)
class OidcClient:
    client_id: str
    client_secret: str
    redirect_uris: list[str]


@dataclass
class OidcProvider:
    issuer: str
    admin_token: str
    _http: requests.Session = field(default_factory=requests.Session)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def discovery(self) -> dict[str, Any]:
        response = self._http.get(self.discovery_url, timeout=_TIMEOUT)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        return document

    def _admin_put(self, path: str, body: dict[str, Any]) -> None:
        response = self._http.put(
            f"{self.issuer}/__admin/{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=_TIMEOUT,
        )
        assert response.status_code == 204, f"oidc-provider refused {path}: {response.status_code} {response.text}"

    def add_client(
        self,
        redirect_uris: list[str],
        client_id: str | None = None,
        client_secret: str | None = None,
        **metadata: Any,
    ) -> OidcClient:
        client = OidcClient(
            client_id=client_id or f"client-{secrets.token_hex(6)}",
            client_secret=client_secret or secrets.token_urlsafe(32),
            redirect_uris=list(redirect_uris),
        )
        body = {"client_secret": client.client_secret, "redirect_uris": client.redirect_uris, **metadata}
        self._admin_put(f"clients/{client.client_id}", body)
        return client

    def add_account(self, sub: str, *, email: str, email_verified: bool = True, name: str = "") -> None:
        self._admin_put(f"accounts/{sub}", {"email": email, "email_verified": email_verified, "name": name})

    def authorize_url(
        self,
        client: OidcClient,
        *,
        redirect_uri: str | None = None,
        scope: str = "openid email profile",
        state: str | None = None,
        nonce: str | None = None,
        code_challenge: str | None = None,
    ) -> str:
        params = {
            "client_id": client.client_id,
            "redirect_uri": redirect_uri or client.redirect_uris[0],
            "response_type": "code",
            "scope": scope,
            "state": state or secrets.token_urlsafe(16),
            "nonce": nonce or secrets.token_urlsafe(16),
        }
        if code_challenge is not None:
            params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
        return f"{self.discovery()['authorization_endpoint']}?{urlencode(params)}"

    def login(self, authorize_url: str, account_id: str, session: requests.Session | None = None) -> str:
        """Sign `account_id` in at the provider and consent; the redirect back to the client, not followed."""
        browser = session or requests.Session()
        origin = _origin(self.issuer)
        url, method, data = authorize_url, "GET", None
        for _ in range(12):  # authorize -> login form -> resume -> consent form -> resume -> client: ~6 hops
            response = browser.request(method, url, data=data, allow_redirects=False, timeout=_TIMEOUT)
            if response.is_redirect:
                location = urljoin(url, response.headers["Location"])
                if _origin(location) != origin:
                    return location
                url, method, data = location, "GET", None
                continue
            assert response.status_code == 200, f"oidc-provider answered {response.status_code}: {response.text}"
            action, fields = _form(response.text)
            if fields.get("prompt") == "login":
                fields |= {"login": account_id, "password": "any"}  # dev interactions check no password
            url, method, data = urljoin(url, action), "POST", fields
        raise AssertionError(f"the login at {authorize_url} did not come back to the client")

    def exchange_code(
        self, client: OidcClient, code: str, redirect_uri: str | None = None, code_verifier: str | None = None
    ) -> dict[str, Any]:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri or client.redirect_uris[0],
            "client_id": client.client_id,
            "client_secret": client.client_secret,
        }
        if code_verifier is not None:
            data["code_verifier"] = code_verifier
        response = self._http.post(self.discovery()["token_endpoint"], data=data, timeout=_TIMEOUT)
        assert response.status_code == 200, f"token endpoint answered {response.status_code}: {response.text}"
        tokens: dict[str, Any] = response.json()
        return tokens

    def tokens_for(self, client: OidcClient, account_id: str, *, nonce: str | None = None) -> dict[str, Any]:
        final = self.login(self.authorize_url(client, nonce=nonce), account_id)
        query = dict(_query(final))
        assert "code" in query, f"no code in {final}"
        return self.exchange_code(client, query["code"])

    def verify_id_token(self, id_token: str, client: OidcClient) -> dict[str, Any]:
        keys = jwt.PyJWKClient(self.discovery()["jwks_uri"], timeout=int(_TIMEOUT))
        claims: dict[str, Any] = jwt.decode(
            id_token,
            keys.get_signing_key_from_jwt(id_token).key,
            algorithms=["RS256"],
            audience=client.client_id,
            issuer=self.issuer,
        )
        return claims


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


_FORM = re.compile(r'<form[^>]*\baction="([^"]*)"[^>]*>(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.S)


def _form(page: str) -> tuple[str, dict[str, str]]:
    """The first form on an interaction page: its action and hidden fields (what a browser would post)."""
    match = _FORM.search(page)
    assert match is not None, f"no form on the provider's page: {page[:500]}"
    fields = {name: html.unescape(value) for name, value in _HIDDEN.findall(match.group(2))}
    return html.unescape(match.group(1)), fields


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    npm_ci_if_needed()
    node = shutil.which("node")
    assert node is not None, "node not found"
    port = free_port()
    provider = OidcProvider(issuer=f"http://127.0.0.1:{port}", admin_token=secrets.token_hex(24))
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_ADMIN_TOKEN": provider.admin_token}
    # Its log goes to a file (a pipe nobody reads could fill up and stall the server); shown if it dies.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([node, "server.mjs"], cwd=OIDC_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(provider, process, log)
            yield provider
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(provider: OidcProvider, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"oidc-provider exited: {log.read().decode()}")
        try:
            if requests.get(provider.discovery_url, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("oidc-provider did not answer its discovery document within 30s")
        time.sleep(0.1)
