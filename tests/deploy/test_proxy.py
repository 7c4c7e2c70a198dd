"""The production nginx config (deploy/nginx) with Debian's nginx: `nginx -t`, then real routing on loopback.

Two organisation hosts go through nginx over TLS: `/api/...` reaches Django (gunicorn, production config)
in that organisation's schema with the Host header unchanged, `/` reaches the frontend (a stand-in for the
Next.js server that reports what it received). A foreign host never gets through.
"""

from __future__ import annotations

import json
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared_apps.accounts.signup import Signup
from tests.deploy import servers

# The frontend's own values (next.config.ts reads the same file): nginx must send exactly these.
SECURITY = json.loads((servers.ROOT / "frontend" / "src" / "lib" / "security-headers.json").read_text())
TOKEN_PAGES = [
    "/accept-invite?token=secret-token",
    "/reset-password?key=secret-key",
    "/verify-email?key=secret-key",
    "/auth/handoff?code=secret-code",
    "/reset-password/?key=secret-key",
]


@pytest.fixture(scope="module")
def nginx_binary() -> str:
    return servers.nginx_binary()


def _config(tmp: Path, django_port: int, frontend_port: int) -> tuple[Path, int, int]:
    http_port, https_port = servers.free_port(), servers.free_port()
    config = servers.nginx_config(
        tmp,
        base_domain="localhost",
        django=f"127.0.0.1:{django_port}",
        frontend=f"127.0.0.1:{frontend_port}",
        http_port=http_port,
        https_port=https_port,
    )
    return config, http_port, https_port


def test_nginx_accepts_the_production_config(nginx_binary: str, tmp_path: Path) -> None:
    config, _, _ = _config(tmp_path, servers.free_port(), servers.free_port())
    result = subprocess.run(
        [nginx_binary, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "startup.log"), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


@pytest.fixture(scope="module")
def proxy(nginx_binary: str, web_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    tmp = tmp_path_factory.mktemp("nginx")
    tmp.chmod(0o755)  # nginx's workers drop to "nobody" when the tests run as root
    with servers.frontend_stand_in() as frontend_port:
        config, http_port, https_port = _config(tmp, web_port, frontend_port)
        with servers.nginx(config):
            servers.wait_for_port(https_port)
            yield http_port, https_port


@pytest.mark.parametrize("who", ["acme", "globex"])
def test_api_reaches_django_in_the_organisations_schema_with_the_host_preserved(
    proxy: tuple[int, int], who: str, request: pytest.FixtureRequest
) -> None:
    signup: Signup = request.getfixturevalue(who)
    _, https_port = proxy
    reply = servers.get(https_port, signup.host, "/api/test/schema/")
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["host"] == signup.host
    assert body["schema"] == body["tenant"] == signup.tenant.schema_name
    assert body["secure"] is True  # nginx sets X-Forwarded-Proto; gunicorn trusts it from 127.0.0.1
    # nginx's request id is the one Django logs and returns.
    assert body["requestId"] and reply.headers["x-request-id"] == body["requestId"]


@pytest.mark.parametrize("who", ["acme", "globex"])
def test_pages_reach_the_frontend_with_the_host_preserved(
    proxy: tuple[int, int], who: str, request: pytest.FixtureRequest
) -> None:
    signup: Signup = request.getfixturevalue(who)
    _, https_port = proxy
    for path in ("/", "/projects/42", "/_next/static/chunk.js"):
        reply = servers.get(https_port, signup.host, path)
        assert reply.status == 200, reply.body
        assert reply.json() == {"server": "frontend", "host": signup.host, "path": path}
        assert "max-age=31536000" in reply.headers["strict-transport-security"]


def test_django_paths_on_the_public_host(proxy: tuple[int, int]) -> None:
    _, https_port = proxy
    health = servers.get(https_port, "localhost", "/healthz")
    assert (health.status, health.json()) == (200, {"status": "ok"})
    admin = servers.get(https_port, "localhost", "/admin/")
    assert admin.status == 302 and "/admin/login/" in admin.headers["location"]
    static = servers.get(https_port, "localhost", "/static/admin/css/base.css")
    assert static.status == 200 and "x-request-id" in static.headers  # served by Django, not the frontend


def test_plain_http_redirects_to_https_on_the_same_host(proxy: tuple[int, int], acme: Signup) -> None:
    http_port, _ = proxy
    reply = servers.get(http_port, acme.host, "/api/v1/me/?x=1", tls=False)
    assert reply.status == 308
    assert reply.headers["location"] == f"https://{acme.host}/api/v1/me/?x=1"


def test_a_foreign_host_gets_nothing(proxy: tuple[int, int]) -> None:
    http_port, https_port = proxy
    with pytest.raises(ssl.SSLError):
        servers.get(https_port, "evil.example", "/api/test/schema/")
    with pytest.raises(ConnectionError):  # 444: the connection is closed without an answer
        servers.get(http_port, "evil.example", "/", tls=False)


def _one(reply: servers.Reply, name: str) -> str:
    values = [value for key, value in reply.header_lines if key == name]
    assert len(values) == 1, f"{name}: {values}"  # the frontend's copy is replaced, not doubled
    return values[0]


@pytest.mark.parametrize("path", ["/", "/projects/42", "/login?next=/members", "/accept-invite-help", *TOKEN_PAGES])
def test_pages_get_the_security_headers_and_token_pages_no_referrer(
    proxy: tuple[int, int], acme: Signup, path: str
) -> None:
    _, https_port = proxy
    reply = servers.get(https_port, acme.host, path)
    assert reply.status == 200, reply.body
    assert reply.json()["path"] == path  # the token page still reaches the frontend, query string and all
    csp = _one(reply, "content-security-policy")
    assert csp == SECURITY["contentSecurityPolicy"]
    assert "frame-ancestors 'none'" in csp.split("; ") and "unsafe-eval" not in csp
    assert _one(reply, "x-frame-options") == "DENY"
    assert _one(reply, "x-content-type-options") == "nosniff"
    expected = "no-referrer" if path in TOKEN_PAGES else "strict-origin-when-cross-origin"
    assert _one(reply, "referrer-policy") == expected


def test_token_pages_of_nginx_are_those_of_the_frontend() -> None:
    routes = (servers.DEPLOY / "nginx" / "templates" / "saas.conf.template").read_text()
    listed = "|".join(page.lstrip("/") for page in SECURITY["tokenPages"])
    assert f"~^/({listed})/?$ {SECURITY['tokenPageReferrerPolicy']};" in routes


def test_a_token_page_on_the_public_host_sends_no_referrer(proxy: tuple[int, int]) -> None:
    _, https_port = proxy
    reply = servers.get(https_port, "localhost", "/reset-password?key=secret-key")
    assert reply.status == 200
    assert _one(reply, "referrer-policy") == "no-referrer"


def test_the_api_keeps_djangos_own_headers(proxy: tuple[int, int], acme: Signup) -> None:
    _, https_port = proxy
    reply = servers.get(https_port, acme.host, "/api/test/schema/")
    assert reply.status == 200
    assert _one(reply, "x-frame-options") == "DENY"
    assert _one(reply, "referrer-policy") == "same-origin"  # Django's SECURE_REFERRER_POLICY, untouched
