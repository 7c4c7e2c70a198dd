"""Settings for the test run: the real settings, pointed at services the run owns or namespaces.

Each run gets its own cache key prefix and Celery queue, so nothing a previous run left in Redis or
RabbitMQ is visible to this one; tests/conftest.py removes them at the end.
"""

import os
import uuid

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
# Set (not setdefault) so subprocesses started by tests share this run's namespace.
os.environ["TEST_RUN_ID"] = RUN_ID = os.environ.get("TEST_RUN_ID") or uuid.uuid4().hex[:12]
os.environ["CACHE_KEY_PREFIX"] = f"test-{RUN_ID}"

from saas.settings import *  # noqa: F403

# Hashing cost is not what these tests are about; the production list (Argon2id first) is tested as such.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TENANT_POOL_SIZE = 2
# Every test logs in from one address: scale the limits up; rate-limit tests set their own.
RATE_LIMIT_MULTIPLIER = 1000
CELERY_TASK_DEFAULT_QUEUE = f"test-{RUN_ID}"
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# Each run creates (and at the end drops) its own database, so two runs on one server never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_saas_{RUN_ID}"}  # noqa: F405
# A subprocess started by a test joins the test database instead of the development one.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["TEST_DATABASE_NAME"]  # noqa: F405
