"""GET/PUT/DELETE /api/v1/sso/ (per-organisation SSO) and its enforcement on password login.

The issuer is the real OpenID Connect provider on loopback (tests/plugins/oidc.py); documents it cannot
produce (another issuer, a missing endpoint, a redirect) come from a small discovery server on loopback.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.memberships.models import SsoConfiguration
from shared_apps.memberships.sso import (
    secret_decrypt,
    sso_config_for_tenant,
    sso_provider_by_id,
    sso_provider_for_tenant,
)
from tests.conftest import Team
from tests.factories import PASSWORD
from tests.helpers import api, error, login
from tests.plugins.oidc import OidcProvider
from tests.plugins.smtp import free_port

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-client-value-never-returned"
GLOBEX = "globex.localhost"


class DiscoveryServer:
    """Serves whatever document (or status) a test puts at /.well-known/openid-configuration."""

    def __init__(self) -> None:
        self.status = 200
        self.body: Any = {}
        self.headers: dict[str, str] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                payload = (server.body if isinstance(server.body, str) else json.dumps(server.body)).encode()
                self.send_response(server.status)
                for name, value in {"Content-Type": "application/json", **server.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def valid(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/auth",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
        }

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture(scope="module")
def discovery_server() -> Iterator[DiscoveryServer]:
    server = DiscoveryServer()
    yield server
    server.stop()


def _token(acme: Signup, who: str) -> str | None:
    if who == "anonymous":
        return None
    if who == "outsider":  # a valid token, for another organisation
        return login(GLOBEX, "owner@globex.test")["access"]
    return login(acme.host, f"{who}@acme.test")["access"]


def _body(issuer: str, **overrides: Any) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "clientId": "acme-app",
        "clientSecret": SECRET,
        "emailDomains": ["acme.test"],
        "enforced": False,
        "autoJoin": True,
        **overrides,
    }


def _put(host: str, token: str | None, body: dict[str, Any]) -> Any:
    return api(host, token).put("/api/v1/sso/", body, content_type="application/json")


def _owner(acme: Signup) -> str:
    token = _token(acme, "owner")
    assert token is not None
    return token


def _configure(acme: Signup, issuer: str, **overrides: Any) -> dict[str, Any]:
    response = _put(acme.host, _owner(acme), _body(issuer, **overrides))
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _callback(acme: Signup) -> str:
    return f"http://localhost/accounts/sso-{acme.tenant.pk}/login/callback/"


def _sso_audit(acme: Signup) -> list[str]:
    return list(
        AuditLog.objects.filter(tenant=acme.tenant, action__startswith="sso.")
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- the access matrix ---------------------------------------------------------------------------------


def test_nothing_configured_is_404_for_the_owner(acme: Signup, team: Team) -> None:
    response = api(acme.host, _owner(acme)).get("/api/v1/sso/")

    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("admin", 403), ("member", 403), ("outsider", 401), ("anonymous", 401)]
)
def test_put(acme: Signup, team: Team, oidc_provider: OidcProvider, who: str, status: int) -> None:
    response = _put(acme.host, _token(acme, who), _body(oidc_provider.issuer))

    assert response.status_code == status, response.content
    if status == 200:
        assert response.json() == {
            "issuer": oidc_provider.issuer,
            "clientId": "acme-app",
            "emailDomains": ["acme.test"],
            "enforced": False,
            "autoJoin": True,
            "providerId": f"sso-{acme.tenant.pk}",
            "callbackUrl": _callback(acme),
        }
        assert _sso_audit(acme) == ["sso.configured"]
    else:
        assert SsoConfiguration.objects.count() == 0
        assert _sso_audit(acme) == []


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("admin", 403), ("member", 403), ("outsider", 401), ("anonymous", 401)]
)
def test_get(acme: Signup, team: Team, oidc_provider: OidcProvider, who: str, status: int) -> None:
    _configure(acme, oidc_provider.issuer)

    response = api(acme.host, _token(acme, who)).get("/api/v1/sso/")

    assert response.status_code == status, response.content
    if status == 200:
        assert response.json() == {
            "issuer": oidc_provider.issuer,
            "clientId": "acme-app",
            "emailDomains": ["acme.test"],
            "enforced": False,
            "autoJoin": True,
            "providerId": f"sso-{acme.tenant.pk}",
            "callbackUrl": _callback(acme),
        }
    else:
        assert SECRET not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 204), ("admin", 403), ("member", 403), ("outsider", 401), ("anonymous", 401)]
)
def test_delete(acme: Signup, team: Team, oidc_provider: OidcProvider, who: str, status: int) -> None:
    _configure(acme, oidc_provider.issuer)

    response = api(acme.host, _token(acme, who)).delete("/api/v1/sso/")

    assert response.status_code == status, response.content
    if status == 204:
        assert SsoConfiguration.objects.count() == 0
        assert _sso_audit(acme) == ["sso.configured", "sso.removed"]
        again = api(acme.host, _owner(acme)).delete("/api/v1/sso/")
        assert again.status_code == 404
        assert api(acme.host, _owner(acme)).get("/api/v1/sso/").status_code == 404
    else:
        assert SsoConfiguration.objects.filter(tenant=acme.tenant).count() == 1
        assert _sso_audit(acme) == ["sso.configured"]


# --- the secret ------------------------------------------------------------------------------------------


def test_the_secret_is_stored_encrypted_and_never_returned_or_audited(
    acme: Signup, team: Team, oidc_provider: OidcProvider
) -> None:
    put = _put(acme.host, _owner(acme), _body(oidc_provider.issuer))
    got = api(acme.host, _owner(acme)).get("/api/v1/sso/")

    assert SECRET not in put.content.decode()
    assert SECRET not in got.content.decode()
    assert "clientSecret" not in got.json()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret_encrypted FROM memberships_ssoconfiguration WHERE tenant_id = %s", [acme.tenant.pk]
        )
        (raw,) = cursor.fetchone()
    assert SECRET not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token (version byte 0x80, then the timestamp)
    assert secret_decrypt(raw) == SECRET
    entry = AuditLog.objects.get(tenant=acme.tenant, action="sso.configured")
    assert SECRET not in json.dumps(entry.extra)
    assert entry.extra["secret_changed"] is True
    assert entry.actor_id == team.owner.id


def test_a_later_put_without_the_secret_keeps_it(acme: Signup, team: Team, oidc_provider: OidcProvider) -> None:
    _configure(acme, oidc_provider.issuer)
    body = _body(oidc_provider.issuer, enforced=True, emailDomains=["acme.test", "acme.example"])
    del body["clientSecret"]

    response = _put(acme.host, _owner(acme), body)

    assert response.status_code == 200, response.content
    assert response.json()["enforced"] is True
    assert response.json()["emailDomains"] == ["acme.test", "acme.example"]
    config = sso_config_for_tenant(acme.tenant)
    assert config is not None
    assert secret_decrypt(config.client_secret_encrypted) == SECRET
    latest = AuditLog.objects.filter(tenant=acme.tenant, action="sso.configured").order_by("-id").first()
    assert latest is not None
    assert latest.extra["changed"] == ["email_domains", "enforced"]
    assert latest.extra["secret_changed"] is False


def test_the_first_put_needs_the_secret(acme: Signup, team: Team, oidc_provider: OidcProvider) -> None:
    body = _body(oidc_provider.issuer)
    del body["clientSecret"]

    response = _put(acme.host, _owner(acme), body)

    assert response.status_code == 400
    assert error(response) == {
        "code": "required",
        "detail": "The client secret is required.",
        "attr": "clientSecret",
    }
    assert SsoConfiguration.objects.count() == 0


@override_settings(SSO_ENCRYPTION_KEY="")
def test_without_an_encryption_key_sso_cannot_be_configured(
    acme: Signup, team: Team, oidc_provider: OidcProvider
) -> None:
    response = _put(acme.host, _owner(acme), _body(oidc_provider.issuer))

    assert response.status_code == 503
    assert error(response)["code"] == "sso_unavailable"
    assert SsoConfiguration.objects.count() == 0


# --- validation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issuer", "code"),
    [
        ("not a url", "invalid"),
        ("ftp://idp.example.com", "invalid_url"),
        ("http://idp.example.com", "https_required"),  # plain http outside SSO_INSECURE_ISSUER_HOSTS
        ("https://10.1.2.3", "private_address"),
        ("https://169.254.169.254", "private_address"),  # the cloud metadata service
        ("https://192.168.0.10:8443", "private_address"),
        ("https://[::ffff:169.254.169.254]", "private_address"),  # the same, IPv4-mapped
        ("https://[::1]", "private_address"),
        ("https://localhost", "private_address"),  # a name resolving (DNS) to loopback
        ("https://user:pw@idp.example.com", "invalid_url"),
        ("http://127.0.0.1:8000/issuer?x=1", "invalid_url"),
        ("https://no-such-host.invalid", "issuer_unresolvable"),
    ],
)
def test_an_issuer_that_cannot_be_used_is_refused(acme: Signup, team: Team, issuer: str, code: str) -> None:
    response = _put(acme.host, _owner(acme), _body(issuer))

    assert response.status_code == 400, response.content
    assert error(response)["attr"] == "issuer"
    assert error(response)["code"] == code
    assert SsoConfiguration.objects.count() == 0
    assert _sso_audit(acme) == []


def test_an_unreachable_discovery_document_is_refused(acme: Signup, team: Team) -> None:
    response = _put(acme.host, _owner(acme), _body(f"http://127.0.0.1:{free_port()}"))

    assert response.status_code == 400
    assert error(response) == {
        "code": "issuer_unreachable",
        "detail": "The issuer's discovery document could not be read (connection refused).",
        "attr": "issuer",
    }
    assert SsoConfiguration.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"issuer": "https://other.example"}, "issuer_mismatch"),
        ({"jwks_uri": None}, "invalid_discovery"),
        ({"token_endpoint": None}, "invalid_discovery"),
        ({"authorization_endpoint": None}, "invalid_discovery"),
        ({"token_endpoint": "https://10.0.0.5/token"}, "private_address"),  # the server would call it
        ({"jwks_uri": "http://idp.example.com/jwks"}, "https_required"),
        ({"userinfo_endpoint": "https://169.254.169.254/latest/meta-data/"}, "private_address"),
    ],
)
def test_a_discovery_document_that_cannot_be_used_is_refused(
    acme: Signup, team: Team, discovery_server: DiscoveryServer, change: dict[str, Any], code: str
) -> None:
    document = {key: value for key, value in {**discovery_server.valid(), **change}.items() if value is not None}
    discovery_server.status, discovery_server.body, discovery_server.headers = 200, document, {}

    response = _put(acme.host, _owner(acme), _body(discovery_server.issuer))

    assert response.status_code == 400, response.content
    assert error(response)["attr"] == "issuer"
    assert error(response)["code"] == code
    assert SsoConfiguration.objects.count() == 0


@pytest.mark.parametrize(
    ("status", "body", "headers", "code"),
    [
        (302, "", {"Location": "http://169.254.169.254/"}, "issuer_unreachable"),  # redirects are not followed
        (500, "", {}, "issuer_unreachable"),
        (200, "<html>not json</html>", {}, "invalid_discovery"),
        (200, "[1, 2]", {}, "invalid_discovery"),
        (200, "x" * (300 * 1024), {}, "invalid_discovery"),  # over the size limit
    ],
)
def test_a_discovery_answer_that_is_not_a_document_is_refused(
    acme: Signup,
    team: Team,
    discovery_server: DiscoveryServer,
    status: int,
    body: str,
    headers: dict[str, str],
    code: str,
) -> None:
    discovery_server.status, discovery_server.body, discovery_server.headers = status, body, headers

    response = _put(acme.host, _owner(acme), _body(discovery_server.issuer))

    assert response.status_code == 400, response.content
    assert error(response)["attr"] == "issuer"
    assert error(response)["code"] == code
    assert SsoConfiguration.objects.count() == 0


def test_a_trailing_slash_on_the_issuer_is_the_same_issuer(
    acme: Signup, team: Team, oidc_provider: OidcProvider
) -> None:
    body = _configure(acme, oidc_provider.issuer + "/")

    assert body["issuer"] == oidc_provider.issuer  # as the discovery document spells it


@pytest.mark.parametrize(
    ("domains", "code"),
    [
        (["not a domain"], "invalid"),
        (["acme"], "invalid"),  # no dot
        (["-acme.test"], "invalid"),
        (["*.acme.test"], "invalid"),
        (["ok.test", 42], "invalid"),  # not a string
        ([f"d{i}.test" for i in range(51)], "max_length"),
    ],
)
def test_bad_email_domains_are_refused(
    acme: Signup, team: Team, oidc_provider: OidcProvider, domains: list[Any], code: str
) -> None:
    response = _put(acme.host, _owner(acme), _body(oidc_provider.issuer, emailDomains=domains))

    assert response.status_code == 400, response.content
    assert error(response)["attr"].split(".")[0] == "emailDomains"
    assert error(response)["code"] == code
    assert SsoConfiguration.objects.count() == 0


def test_email_domains_are_lower_cased_and_deduplicated(acme: Signup, team: Team, oidc_provider: OidcProvider) -> None:
    body = _configure(acme, oidc_provider.issuer, emailDomains=["Acme.TEST", "acme.test", "@Example.com."])

    assert body["emailDomains"] == ["acme.test", "example.com"]


def test_auto_join_needs_an_email_domain(acme: Signup, team: Team, oidc_provider: OidcProvider) -> None:
    response = _put(acme.host, _owner(acme), _body(oidc_provider.issuer, emailDomains=[], autoJoin=True))

    assert response.status_code == 400
    assert error(response) == {
        "code": "required",
        "detail": "Auto-join needs at least one email domain.",
        "attr": "emailDomains",
    }
    assert SsoConfiguration.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"), [("clientId", ""), ("clientId", 7), ("enforced", "maybe"), ("autoJoin", None)]
)
def test_bad_fields_are_refused(acme: Signup, team: Team, oidc_provider: OidcProvider, field: str, value: Any) -> None:
    response = _put(acme.host, _owner(acme), _body(oidc_provider.issuer, **{field: value}))

    assert response.status_code == 400, response.content
    assert error(response)["attr"] == field
    assert SsoConfiguration.objects.count() == 0


# --- isolation -------------------------------------------------------------------------------------------


def test_another_organisation_cannot_see_or_change_it(
    acme: Signup, globex: Signup, team: Team, oidc_provider: OidcProvider
) -> None:
    _configure(acme, oidc_provider.issuer)
    globex_owner = login(GLOBEX, "owner@globex.test")["access"]

    assert api(GLOBEX, globex_owner).get("/api/v1/sso/").status_code == 404  # its own: none
    assert api(acme.host, globex_owner).get("/api/v1/sso/").status_code == 401
    assert _put(acme.host, globex_owner, _body(oidc_provider.issuer, clientId="hijack")).status_code == 401
    assert api(acme.host, globex_owner).delete("/api/v1/sso/").status_code == 401
    own = _put(GLOBEX, globex_owner, _body(oidc_provider.issuer, clientId="globex-app", emailDomains=["globex.test"]))
    assert own.status_code == 200
    assert own.json()["providerId"] == f"sso-{globex.tenant.pk}"
    assert api(GLOBEX, globex_owner).delete("/api/v1/sso/").status_code == 204

    config = sso_config_for_tenant(acme.tenant)
    assert config is not None
    assert (config.client_id, config.email_domains) == ("acme-app", ["acme.test"])
    assert sso_config_for_tenant(globex.tenant) is None


# --- what the social login builds from it ----------------------------------------------------------------


def test_the_allauth_app_of_an_organisation(acme: Signup, team: Team, oidc_provider: OidcProvider) -> None:
    assert sso_provider_for_tenant(acme.tenant) is None
    _configure(acme, oidc_provider.issuer)
    discovery = oidc_provider.discovery()
    expected = {
        "provider_id": f"sso-{acme.tenant.pk}",
        "name": "Acme SSO",
        "client_id": "acme-app",
        "secret": SECRET,
        "settings": {
            "server_url": oidc_provider.issuer,
            "oauth_pkce_enabled": True,
            "openid_configuration_overrides": {
                "authorization_endpoint": discovery["authorization_endpoint"],
                "token_endpoint": discovery["token_endpoint"],
                "jwks_uri": discovery["jwks_uri"],
                "userinfo_endpoint": discovery["userinfo_endpoint"],
            },
        },
    }

    assert sso_provider_for_tenant(acme.tenant) == expected
    found = sso_provider_by_id(f"sso-{acme.tenant.pk}")
    assert found is not None
    assert found[0].pk == acme.tenant.pk
    assert found[1] == expected
    assert sso_provider_by_id("sso-nobody") is None


# --- enforced --------------------------------------------------------------------------------------------


def _password_login(host: str, email: str, password: str = PASSWORD) -> Any:
    return api(host).post(
        "/api/v1/auth/login/", {"email": email, "password": password}, content_type="application/json"
    )


def test_enforced_refuses_members_password_login(acme: Signup, team: Team, oidc_provider: OidcProvider) -> None:
    _configure(acme, oidc_provider.issuer, enforced=True)

    for email in ("member@acme.test", "admin@acme.test"):
        response = _password_login(acme.host, email)
        assert response.status_code == 403
        assert error(response) == {
            "code": "sso_required",
            "detail": "This organisation requires signing in with its single sign-on.",
            "attr": None,
        }
        assert "access" not in response.json()
    # A wrong password or a non-member learns nothing about SSO: the usual 401.
    assert error(_password_login(acme.host, "member@acme.test", "wrong-password"))["code"] == "invalid_credentials"
    assert error(_password_login(acme.host, "owner@globex.test"))["code"] == "invalid_credentials"
    # On the public host the account still signs in (its organisations' SSO applies on their hosts).
    assert _password_login("localhost", "member@acme.test").status_code == 200


def test_enforced_lets_the_owner_in_and_audits_it(acme: Signup, team: Team, oidc_provider: OidcProvider) -> None:
    _configure(acme, oidc_provider.issuer, enforced=True)

    response = _password_login(acme.host, "owner@acme.test")

    assert response.status_code == 200, response.content
    assert response.json()["role"] == "owner"
    entry = AuditLog.objects.get(tenant=acme.tenant, action="sso.break_glass_login")
    assert entry.actor_id == team.owner.id
    assert entry.extra == {"method": "password"}
    assert entry.ip == "127.0.0.1"


def test_not_enforced_or_removed_members_use_passwords(acme: Signup, team: Team, oidc_provider: OidcProvider) -> None:
    _configure(acme, oidc_provider.issuer, enforced=False)
    assert _password_login(acme.host, "member@acme.test").status_code == 200

    _configure(acme, oidc_provider.issuer, enforced=True)
    assert _password_login(acme.host, "member@acme.test").status_code == 403
    assert api(acme.host, _owner(acme)).delete("/api/v1/sso/").status_code == 204

    assert _password_login(acme.host, "member@acme.test").status_code == 200
    assert _sso_audit(acme) == ["sso.configured", "sso.configured", "sso.break_glass_login", "sso.removed"]
