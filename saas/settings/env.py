"""The one place settings read the environment from.

Every variable is documented in `.env.example`. A `.env` file in the project root is read when present
(values already in the environment win), so `make dev` works with no file at all.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
_dotenv = BASE_DIR / ".env"
if _dotenv.is_file():
    environ.Env.read_env(str(_dotenv), overwrite=False)
