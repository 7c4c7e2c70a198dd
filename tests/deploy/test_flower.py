"""Flower in the stack, behind operator auth (issue 12, item 9).

For real: Flower itself (`celery -A saas flower`, the compose/k8s command) on a loopback port, Django
under gunicorn (production config) and Debian's nginx with the production proxy config. Only a staff
session of `/admin/` gets through `/flower/`; everybody else is sent to the admin login or refused, and
Flower answers nothing on organisations' hosts. The compose and Kubernetes files are checked too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client

from shared_apps.accounts.signup import Signup
from tests.deploy import servers
from tests.factories import UserFactory

K8S = servers.DEPLOY / "k8s"
FLOWER_COMMAND = ["celery", "-A", "saas", "flower", "--address=0.0.0.0", "--port=5555", "--url_prefix=flower"]


def _compose() -> dict[str, Any]:
    return yaml.safe_load((servers.DEPLOY / "compose.yaml").read_text())


def _k8s(kind: str, name: str) -> dict[str, Any]:
    for doc in yaml.safe_load_all((K8S / "flower.yaml").read_text()):
        if doc and doc["kind"] == kind and doc["metadata"]["name"] == name:
            return dict(doc)
    raise AssertionError(f"no {kind} {name} in deploy/k8s/flower.yaml")


def test_compose_runs_flower_unpublished_and_nginx_proxies_it() -> None:
    services = _compose()["services"]
    flower = services["flower"]
    assert flower["command"] == FLOWER_COMMAND
    assert flower["image"] == services["worker"]["image"]  # the backend image: flower is in its lock file
    assert "ports" not in flower and flower["expose"] == ["5555"]
    assert flower["environment"]["CELERY_BROKER_URL"] == services["worker"]["environment"]["CELERY_BROKER_URL"]
    assert "flower/healthcheck" in " ".join(flower["healthcheck"]["test"])
    nginx = services["nginx"]
    assert nginx["environment"]["FLOWER_UPSTREAM"] == "flower:5555"
    assert "FLOWER_UPSTREAM" in nginx["environment"]["NGINX_ENVSUBST_FILTER"]
    assert nginx["depends_on"]["flower"] == {"condition": "service_started"}


def test_flower_is_a_locked_runtime_dependency() -> None:
    pyproject = (servers.ROOT / "pyproject.toml").read_text()
    runtime = pyproject.split("[project]", 1)[1].split("[dependency-groups]", 1)[0]
    assert '"flower==' in runtime
    assert 'name = "flower"' in (servers.ROOT / "uv.lock").read_text()


def test_kubernetes_runs_flower_behind_the_operator_check() -> None:
    deployment = _k8s("Deployment", "saas-flower")
    assert deployment["spec"]["replicas"] == 1
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == FLOWER_COMMAND
    assert container["readinessProbe"]["httpGet"]["path"] == "/flower/healthcheck"
    service = _k8s("Service", "saas-flower")
    assert service["spec"]["ports"][0]["port"] == 5555 and service["spec"].get("type", "ClusterIP") == "ClusterIP"
    ingress = _k8s("Ingress", "saas-flower")
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/auth-url"] == "https://$host/admin/operator-session/"
    assert annotations["nginx.ingress.kubernetes.io/auth-signin"] == "https://$host/admin/login/?next=/flower/"
    # The public host only, and the only route to Flower.
    assert [rule["host"] for rule in ingress["spec"]["rules"]] == ["example.com"]
    paths = ingress["spec"]["rules"][0]["http"]["paths"]
    assert [(p["path"], p["backend"]["service"]["name"]) for p in paths] == [("/flower", "saas-flower")]
    main = next(
        doc for doc in yaml.safe_load_all((K8S / "ingress.yaml").read_text()) if doc and doc["kind"] == "Ingress"
    )
    routed = {p["backend"]["service"]["name"] for rule in main["spec"]["rules"] for p in rule["http"]["paths"]}
    assert "saas-flower" not in routed
    policy = _k8s("NetworkPolicy", "saas-flower")
    assert policy["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "saas-flower"}
    sources = policy["spec"]["ingress"][0]["from"]
    assert sources == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]


def test_nginx_sends_flower_through_auth_request() -> None:
    routes = (servers.DEPLOY / "nginx" / "snippets" / "saas-routes.conf").read_text()
    block = routes.split("location /flower/ {", 1)[1].split("\n}", 1)[0]
    assert "auth_request /_operator_session;" in block
    assert "proxy_pass http://flower;" in block
    check = routes.split("location = /_operator_session {", 1)[1].split("\n}", 1)[0]
    assert "internal;" in check
    assert "proxy_pass http://django/admin/operator-session/;" in check


@pytest.fixture(scope="module")
def flower_port(django_db_setup: None) -> Iterator[int]:
    """Flower as deployed (the same command), on this run's broker, on a loopback port."""
    port = servers.free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "TEST_DATABASE_NAME": str(settings.DATABASES["default"]["NAME"])}  # fmt: skip
    command = [sys.executable, "-m", *FLOWER_COMMAND[:4], "--address=127.0.0.1", f"--port={port}",
               "--url_prefix=flower"]  # fmt: skip
    log = Path(tempfile.mkstemp(prefix="flower-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=servers.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        try:
            servers.wait_for_port(port, process, timeout=60)
        except (RuntimeError, TimeoutError) as exc:
            raise RuntimeError(f"Flower did not start:\n{log.read_text(errors='replace')[-4000:]}") from exc
        yield port
    finally:
        servers.stop(process)
        log.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def proxy(web_port: int, flower_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    servers.nginx_binary()
    tmp = tmp_path_factory.mktemp("nginx-flower")
    tmp.chmod(0o755)  # nginx's workers drop to "nobody" when the tests run as root
    https_port = servers.free_port()
    with servers.frontend_stand_in() as frontend_port:
        config = servers.nginx_config(
            tmp,
            base_domain="localhost",
            django=f"127.0.0.1:{web_port}",
            frontend=f"127.0.0.1:{frontend_port}",
            http_port=servers.free_port(),
            https_port=https_port,
            flower=f"127.0.0.1:{flower_port}",
        )
        with servers.nginx(config):
            servers.wait_for_port(https_port)
            yield https_port


def _session_cookie(email: str, *, is_staff: bool) -> dict[str, str]:
    """A real /admin/ session (the cache-backed session store gunicorn shares) for a committed user."""
    user = UserFactory.create(email=email, is_staff=is_staff)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}


@pytest.mark.usefixtures("live_db")
def test_only_an_operator_session_gets_through_to_flower(proxy: int, acme: Signup) -> None:
    operator = _session_cookie("flower-ops@saas.test", is_staff=True)
    customer = _session_cookie("flower-customer@saas.test", is_staff=False)

    dashboard = servers.get(proxy, "localhost", "/flower/", headers=operator)
    assert dashboard.status == 200, dashboard.body[:500]
    assert b"<title>Flower</title>" in dashboard.body
    health = servers.get(proxy, "localhost", "/flower/healthcheck", headers=operator)
    assert (health.status, health.body) == (200, b"OK")
    assert "x-request-id" in dashboard.headers or dashboard.headers.get("server") is not None

    anonymous = servers.get(proxy, "localhost", "/flower/")
    assert anonymous.status == 302
    assert anonymous.headers["location"].endswith("/admin/login/?next=/flower/")
    assert b"Flower" not in anonymous.body
    assert servers.get(proxy, "localhost", "/flower/healthcheck").status == 302

    refused = servers.get(proxy, "localhost", "/flower/", headers=customer)
    assert refused.status == 403 and b"<title>Flower</title>" not in refused.body
    forged = servers.get(proxy, "localhost", "/flower/", headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}=forged"})
    assert forged.status == 302

    # Organisations' hosts: not there at all, even for an operator's cookie.
    assert servers.get(proxy, acme.host, "/flower/", headers=operator).status == 404
    # The check itself is internal to nginx; Django's own path answers only the status.
    assert servers.get(proxy, "localhost", "/_operator_session", headers=operator).status != 204
    direct = servers.get(proxy, "localhost", "/admin/operator-session/", headers=operator)
    assert (direct.status, direct.body) == (204, b"")
    assert servers.get(proxy, "localhost", "/flower").headers["location"].endswith("/flower/")
