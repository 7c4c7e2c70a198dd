"""The one place settings read the environment from.

Every variable is documented in `.env.example`. A `.env` file in the project root is read when present
(values already in the environment win), so `make dev` works with no file at all.
"""

import os
from pathlib import Path

import environ

from saas.dotenv import dotenv_load

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
# ENV_FILE points elsewhere (a test reads a copy of .env.example this way); default: the project's .env.
dotenv_load(Path(os.environ.get("ENV_FILE") or BASE_DIR / ".env"))
