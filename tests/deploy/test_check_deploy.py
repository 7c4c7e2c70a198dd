"""`manage.py check --deploy --fail-level WARNING` with a production environment, in a fresh process."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.deploy.servers import ROOT

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "JWT_SIGNING_KEY": secrets.token_hex(32),
    "SAAS_BASE_DOMAIN": "example.com",
    "DATABASE_URL": "postgres://saas:secret@db.internal:5432/saas",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "CELERY_BROKER_URL": "amqp://saas:secret@rabbitmq.internal:5672//",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "DJANGO_SETTINGS_MODULE": "saas.settings",
}


def _env() -> dict[str, str]:
    # Nothing from the test run's environment (DJANGO_DEBUG=true...) leaks into the production process.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(ROOT), **PRODUCTION}


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = _env()
    return subprocess.run(
        [sys.executable, *code.split()], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_a_production_environment() -> None:
    result = _run("manage.py check --deploy --fail-level WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_settings_are_hardened() -> None:
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'hosts': s.ALLOWED_HOSTS, 'csrf': s.CSRF_TRUSTED_ORIGINS, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'redirect': s.SECURE_SSL_REDIRECT,"
        "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY],"
        "'domains': [s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN], 'csp': s.SECURE_CSP['default-src'],"
        "'frame': s.SECURE_CSP['frame-ancestors'], 'mw': s.MIDDLEWARE, 'log': s.LOG_FORMAT}))"
    )
    env = _env()
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert "*" not in s["hosts"] and s["hosts"] == ["example.com", ".example.com"]
    assert s["csrf"] == ["https://example.com", "https://*.example.com"]
    assert s["hsts"] >= 31_536_000 and s["sub"] is True and s["redirect"] is True
    assert s["cookies"] == [True, True, True]
    assert s["domains"] == [None, None]  # host-only: one organisation's cookies never reach another's host
    assert s["csp"] == ["'self'"] and s["frame"] == ["'none'"]
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in s["mw"]
    assert s["log"] == "json"
