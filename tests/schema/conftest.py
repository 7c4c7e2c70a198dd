"""The API as deployed, for schemathesis: gunicorn in production mode (DEBUG off) on this run's test database,
and a disposable organisation whose owner signs in over HTTP.

Everything the fuzzing creates (organisations, accounts, projects, invitations) is committed by the server and
removed at the end of the module, as `live_db` does for one test; acme and globex are left as they were.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connections

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import signup_create
from tenants.db import connection
from tenants.models import Tenant
from tests.conftest import _empty_tenant_tables
from tests.deploy.servers import ROOT, VENV_BIN, free_port, stop, wait_for_port
from tests.factories import PASSWORD

BASE_DOMAIN = "localhost"


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:<port>, every request sent with a Host header
    log: Path

    def log_tail(self, size: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-size:]


@dataclass(frozen=True)
class Organisation:
    host: str  # <subdomain>.localhost
    owner_email: str
    tenant_token: str  # the owner's access token on the organisation's host
    account_token: str  # the owner's account token on the public host


@pytest.fixture(scope="module")
def disposable_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """`live_db` for a whole module: the server commits, so clean up by difference afterwards."""
    with django_db_blocker.unblock():
        kept_tenants = set(Tenant.objects.exclude(status=Tenant.Status.PROVISIONING).values_list("id", flat=True))
        kept_users = set(User.objects.values_list("id", flat=True))
        try:
            yield
        finally:
            connections.close_all()
            connection.set_schema_to_public()
            for tenant in Tenant.objects.exclude(id__in=kept_tenants).exclude(status=Tenant.Status.PROVISIONING):
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
                tenant.delete()
            User.objects.exclude(id__in=kept_users).delete()
            _empty_tenant_tables(Tenant.objects.filter(id__in=kept_tenants).exclude(schema_name="public"))


@pytest.fixture(scope="module")
def api_server(disposable_db: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn as deployed (deploy/gunicorn.conf.py) with DEBUG off, so unknown paths answer the JSON 404 and
    errors never carry a debug page: the responses production gives."""
    port = free_port()
    log = tmp_path_factory.mktemp("schemathesis") / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_hex(32),
        "SECURE_SSL_REDIRECT": "false",  # plain http on loopback; no proxy in front
        "SSO_ENCRYPTION_KEY": "",  # SSO off (503): the fuzzer's issuers are never fetched from the internet
        "SAAS_BASE_DOMAIN": BASE_DOMAIN,
        "SAAS_URL_SCHEME": "http",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "LOG_LEVEL": "WARNING",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py"),
                *("--bind", f"127.0.0.1:{port}", "saas.wsgi:application"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process)
        server = Server(url=f"http://127.0.0.1:{port}", log=log)
        _wait_until_answers(server)
        yield server
    finally:
        stop(process)


def _wait_until_answers(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{server.url}/healthz", headers={"Host": BASE_DOMAIN}, timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass  # the workers are still importing Django
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer /healthz:\n{server.log_tail()}")
        time.sleep(0.2)


def _login(server: Server, host: str, email: str) -> str:
    response = requests.post(
        f"{server.url}/api/v1/auth/login/",
        json={"email": email, "password": PASSWORD},
        headers={"Host": host},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access"])


@pytest.fixture(scope="module")
def organisation(api_server: Server, django_db_blocker: Any) -> Organisation:
    """A fresh organisation for the fuzzing to work in (never acme or globex, which other tests share)."""
    subdomain = f"fuzz-{secrets.token_hex(4)}"
    email = f"owner@{subdomain}.test"
    with django_db_blocker.unblock():
        signup = signup_create(organisation_name="Fuzz", subdomain=subdomain, email=email, password=PASSWORD)
    host = signup.host
    return Organisation(
        host=host,
        owner_email=email,
        tenant_token=_login(api_server, host, email),
        account_token=_login(api_server, BASE_DOMAIN, email),
    )
