"""Benchmark server, routed by this kit's middleware."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.perf.urls"
DEBUG = False
