"""Settings for the test run: the real settings, pointed at services the run owns or namespaces.

Each run gets its own cache key prefix and Celery queue, so nothing a previous run left in Redis or
RabbitMQ is visible to this one; tests/conftest.py removes them at the end.
"""

import json
import os
import socket
import uuid

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
# Set (not setdefault) so subprocesses started by tests share this run's namespace.
os.environ["TEST_RUN_ID"] = RUN_ID = os.environ.get("TEST_RUN_ID") or uuid.uuid4().hex[:12]
os.environ["CACHE_KEY_PREFIX"] = f"test-{RUN_ID}"
# Object storage: an S3 server (moto) the run starts on loopback (tests/plugins/s3.py), own bucket.
if "AWS_S3_ENDPOINT_URL" not in os.environ:
    with socket.socket() as _sock:
        _sock.bind(("127.0.0.1", 0))
        os.environ["AWS_S3_ENDPOINT_URL"] = f"http://127.0.0.1:{_sock.getsockname()[1]}"
os.environ.setdefault("AWS_STORAGE_BUCKET_NAME", f"test-{RUN_ID}")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_S3_REGION_NAME", "us-east-1")
# Every test logs in from one address: scale the limits up (rate-limit tests set their own). Through the
# environment, so what the settings derive from it (allauth's ACCOUNT_RATE_LIMITS) is scaled too: at 1x,
# allauth sends one verification email per address per 180 s and a later test's email never came.
os.environ.setdefault("RATE_LIMIT_MULTIPLIER", "1000")

from saas.settings import *  # noqa: F403

# PostgreSQL is DATABASE_URL if set, else the embedded server (saas/devtools/embedded_db.py), started by
# the import above. Subprocesses started by tests (worker, gunicorn, scripts) inherit the URL: they
# connect to the same server without joining (or racing to start) the embedded one themselves.
os.environ["DATABASE_URL"] = DATABASE_URL  # noqa: F405

# Hashing cost is not what these tests are about; the production list (Argon2id first) is tested as such.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TENANT_POOL_SIZE = 2
CELERY_TASK_DEFAULT_QUEUE = f"test-{RUN_ID}"
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# Each run creates (and at the end drops) its own database, so two runs on one server never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_saas_{RUN_ID}"}  # noqa: F405
# A subprocess started by a test joins the test database instead of the development one.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["TEST_DATABASE_NAME"]  # noqa: F405

# A test that adds a migration (tests/integration/tenants/test_migrator.py) points an app, in its own
# subprocesses and database only, at a copy of the app's migrations with one more.
if os.environ.get("TEST_MIGRATION_MODULES"):
    MIGRATION_MODULES = json.loads(os.environ["TEST_MIGRATION_MODULES"])

# The OpenID Connect provider of the tests (tests/plugins/oidc.py) runs over http on loopback.
SSO_INSECURE_ISSUER_HOSTS = ["127.0.0.1"]

# The SMTP sink runs in the test process: aiosmtpd logs every SMTP command at INFO, which buries a failing
# test's own log lines.
LOGGING["loggers"]["mail.log"] = {"level": "WARNING"}  # noqa: F405
