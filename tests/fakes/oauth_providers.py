"""Small stateful fakes of GitHub's and Google's OAuth endpoints over real HTTP on 127.0.0.1.

GitHub and Google cannot be reached from the test run, so allauth's real provider classes are pointed at
these (tests/integration/accounts/social_helpers.py overrides their URLs). Each fake keeps what a real
provider keeps: registered OAuth clients (id, secret, redirect URIs), people who can sign in, authorization
codes (single use, bound to client, redirect URI and PKCE challenge) and access tokens, and answers with the
providers' published object shapes:

- GitHub: `GET /login/oauth/authorize`, `POST /login/oauth/access_token` (form in, JSON out with
  `Accept: application/json`, errors as 200 `{"error": ...}` like GitHub), `GET /api/v3/user`,
  `GET /api/v3/user/emails` (GitHub Enterprise's API prefix: allauth's `GITHUB_URL` layout).
- Google: `GET /o/oauth2/v2/auth`, `POST /token` (with an RS256 `id_token`), `GET /oauth2/v2/userinfo`,
  `GET /oauth2/v1/certs` (the signing key as an X.509 certificate, the shape allauth's Google provider reads).

Who signs in at the provider is the `login` query parameter of the authorization request (the person's
choice on the provider's own page); without it the authorization endpoint shows a page, like the real one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    login: str
    code_challenge: str | None
    nonce: str | None
    scope: str


def _pkce_ok(challenge: str | None, verifier: str | None) -> bool:
    if challenge is None:
        return verifier is None
    if not verifier:
        return False
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return secrets.compare_digest(digest, challenge)


@dataclass
class _FakeOAuthServer:
    """What both fakes share: the HTTP server, clients, codes and tokens."""

    port: int = 0
    clients: dict[str, OAuthClient] = field(default_factory=dict)
    codes: dict[str, _Grant] = field(default_factory=dict)
    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # access token -> (login, client_id)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of every request
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_client(self, redirect_uris: list[str], client_id: str | None = None) -> OAuthClient:
        client = OAuthClient(
            client_id=client_id or f"client-{secrets.token_hex(6)}",
            client_secret=secrets.token_urlsafe(24),
            redirect_uris=tuple(redirect_uris),
        )
        with self.lock:
            self.clients[client.client_id] = client
        return client

    def reset(self) -> None:
        with self.lock:
            self.clients.clear()
            self.codes.clear()
            self.tokens.clear()
            self.requests.clear()
            self._reset_people()

    def _reset_people(self) -> None:
        raise NotImplementedError

    def _has_person(self, login: str) -> bool:
        raise NotImplementedError

    # --- the authorization request (shared shape: OAuth 2.0 code flow) -----------------------------------
    def _authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        client = self.clients.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        if client is None or redirect_uri not in client.redirect_uris:
            # Like GitHub and Google: never redirect to an unregistered URI; an error page instead.
            return 400, {"Content-Type": "text/html"}, b"<h1>redirect_uri_mismatch</h1>"
        login = query.get("login")
        if not login:
            return 200, {"Content-Type": "text/html"}, b"<h1>Sign in to continue</h1>"
        state = query.get("state", "")
        if not self._has_person(login):
            target = f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state})}"
            return 302, {"Location": target}, b""
        if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
            return 400, {"Content-Type": "text/html"}, b"<h1>invalid code_challenge_method</h1>"
        code = secrets.token_urlsafe(20)
        self.codes[code] = _Grant(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            login=login,
            code_challenge=query.get("code_challenge"),
            nonce=query.get("nonce"),
            scope=query.get("scope", ""),
        )
        return 302, {"Location": f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"}, b""

    def _redeem(self, form: dict[str, str], auth_header: str | None) -> tuple[_Grant, OAuthClient] | str:
        """The grant of a token request, or an OAuth error code. Codes are single use."""
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if auth_header and auth_header.lower().startswith("basic "):
            client_id, _, secret = base64.b64decode(auth_header[6:]).decode().partition(":")
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.client_secret, secret):
            return "invalid_client"
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant.client_id != client.client_id:
            return "bad_verification_code"
        if form.get("redirect_uri") != grant.redirect_uri:
            return "redirect_uri_mismatch"
        if not _pkce_ok(grant.code_challenge, form.get("code_verifier")):
            return "invalid_grant"
        return grant, client

    def _bearer(self, header: str | None) -> str | None:
        """The person an `Authorization: Bearer|token <access token>` header stands for."""
        if not header or " " not in header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        entry = self.tokens.get(token.strip())
        return entry[0] if entry else None

    def _issue_access_token(self, login: str, client_id: str) -> str:
        token = secrets.token_urlsafe(24)
        self.tokens[token] = (login, client_id)
        return token

    def handle(
        self, method: str, path: str, query: dict[str, str], form: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    # --- server --------------------------------------------------------------------------------------------
    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                form = dict(parse_qsl(body)) if "form" in (self.headers.get("Content-Type") or "") else {}
                headers = {k.lower(): v for k, v in self.headers.items()}
                with fake.lock:
                    fake.requests.append((method, parts.path))
                    status, out_headers, payload = fake.handle(
                        method, parts.path, dict(parse_qsl(parts.query)), form, headers
                    )
                self.send_response(status)
                for key, value in out_headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _json(status: int, body: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode()


@dataclass
class FakeGitHub(_FakeOAuthServer):
    """GitHub's OAuth app flow and the two API calls allauth makes (`/user`, `/user/emails`)."""

    people: dict[str, dict[str, Any]] = field(default_factory=dict)  # login -> {user, emails}

    def _reset_people(self) -> None:
        self.people.clear()

    def _has_person(self, login: str) -> bool:
        return login in self.people

    def add_person(self, login: str, *, email: str, verified: bool = True, name: str = "") -> dict[str, Any]:
        """A GitHub user whose primary email is `email` (verified or not), with the public profile shape of
        GET /user (https://docs.github.com/en/rest/users/users#get-the-authenticated-user)."""
        user_id = 1000 + len(self.people) + int(secrets.randbelow(10**6)) * 10
        user = {
            "login": login,
            "id": user_id,
            "node_id": base64.b64encode(f"04:User{user_id}".encode()).decode(),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
            "html_url": f"https://github.com/{login}",
            "type": "User",
            "site_admin": False,
            "name": name or None,
            "company": None,
            "blog": "",
            "location": None,
            "email": None,  # no public email: allauth asks /user/emails
            "bio": None,
            "public_repos": 2,
            "followers": 0,
            "following": 0,
            "created_at": "2020-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
        }
        emails = [{"email": email, "primary": True, "verified": verified, "visibility": "private"}]
        with self.lock:
            self.people[login] = {"user": user, "emails": emails}
        return user

    def handle(
        self, method: str, path: str, query: dict[str, str], form: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if method == "GET" and path == "/login/oauth/authorize":
            return self._authorize(query)
        if method == "POST" and path == "/login/oauth/access_token":
            redeemed = self._redeem(form, headers.get("authorization"))
            if isinstance(redeemed, str):
                # GitHub answers a failed exchange with 200 and an error body.
                return _json(200, {"error": redeemed, "error_description": redeemed.replace("_", " ")})
            grant, client = redeemed
            token = self._issue_access_token(grant.login, client.client_id)
            return _json(200, {"access_token": token, "token_type": "bearer", "scope": grant.scope})
        login = self._bearer(headers.get("authorization"))
        if method == "GET" and path in ("/api/v3/user", "/api/v3/user/emails"):
            if login is None:
                return _json(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
            person = self.people[login]
            return _json(200, person["user"] if path == "/api/v3/user" else person["emails"])
        return _json(404, {"message": "Not Found"})


def _self_signed(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-google-oauth")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class FakeGoogle(_FakeOAuthServer):
    """Google's OAuth 2.0 / OpenID Connect web server flow: an RS256 ID token signed with a key this fake
    publishes at `/oauth2/v1/certs`, and the v2 userinfo endpoint."""

    people: dict[str, dict[str, Any]] = field(default_factory=dict)  # sub -> userinfo claims
    kid: str = field(default_factory=lambda: secrets.token_hex(8))
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    _cert: str = ""

    @property
    def issuer(self) -> str:
        return self.url

    def _reset_people(self) -> None:
        self.people.clear()

    def _has_person(self, login: str) -> bool:
        return login in self.people

    def add_person(self, sub: str, *, email: str, verified: bool = True, name: str = "") -> None:
        given, _, family = name.partition(" ")
        with self.lock:
            self.people[sub] = {
                "sub": sub,
                "email": email,
                "email_verified": verified,
                "name": name,
                "given_name": given,
                "family_name": family,
                "picture": f"https://lh3.googleusercontent.com/a/{sub}",
                "locale": "en",
            }

    def id_token(self, sub: str, client_id: str, nonce: str | None = None) -> str:
        """An ID token as Google signs it (https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload)."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "azp": client_id,
            "aud": client_id,
            "iat": now,
            "exp": now + 3600,
            "at_hash": secrets.token_urlsafe(16),
            **self.people[sub],
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def handle(
        self, method: str, path: str, query: dict[str, str], form: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if method == "GET" and path == "/o/oauth2/v2/auth":
            if query.get("response_type") != "code":
                return 400, {"Content-Type": "text/html"}, b"<h1>unsupported_response_type</h1>"
            return self._authorize(query)
        if method == "POST" and path == "/token":
            if form.get("grant_type") != "authorization_code":
                return _json(400, {"error": "unsupported_grant_type"})
            redeemed = self._redeem(form, headers.get("authorization"))
            if isinstance(redeemed, str):
                code = "invalid_client" if redeemed == "invalid_client" else "invalid_grant"
                return _json(401 if code == "invalid_client" else 400, {"error": code, "error_description": redeemed})
            grant, client = redeemed
            token = self._issue_access_token(grant.login, client.client_id)
            body = {
                "access_token": token,
                "expires_in": 3599,
                "scope": grant.scope,
                "token_type": "Bearer",
                "id_token": self.id_token(grant.login, client.client_id, grant.nonce),
            }
            return _json(200, body)
        if method == "GET" and path == "/oauth2/v1/certs":
            if not self._cert:
                self._cert = _self_signed(self.key)
            return _json(200, {self.kid: self._cert})
        if method == "GET" and path == "/oauth2/v2/userinfo":
            sub = self._bearer(headers.get("authorization"))
            if sub is None:
                return _json(
                    401, {"error": {"code": 401, "message": "Invalid Credentials", "status": "UNAUTHENTICATED"}}
                )
            person = self.people[sub]
            return _json(
                200,
                {
                    "id": sub,
                    "email": person["email"],
                    "verified_email": person["email_verified"],
                    "name": person["name"],
                    "given_name": person["given_name"],
                    "family_name": person["family_name"],
                    "picture": person["picture"],
                },
            )
        return _json(404, {"error": "not_found"})
