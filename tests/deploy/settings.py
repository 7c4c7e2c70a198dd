"""The test settings plus one tenant-host endpoint that reports the schema a request ran in (tests only)."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.deploy.urls_tenant"
