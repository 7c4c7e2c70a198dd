"""Reading `.env` into the environment, for the settings and for `make dev` (which must see it before it
starts anything, without importing the settings: those start the embedded PostgreSQL)."""

import os
from pathlib import Path

import environ


def dotenv_load(path: Path) -> None:
    """Add the file's variables to os.environ; real environment variables win.

    An empty line (`DJANGO_SECRET_KEY=`, as .env.example has them) means "not set": the default applies, as
    when the line is absent. Without this, a copied .env.example ends in "not set" errors."""
    if not path.is_file():
        return
    before = set(os.environ)
    environ.Env.read_env(str(path), overwrite=False)
    for name in set(os.environ) - before:
        if not os.environ[name]:
            del os.environ[name]
