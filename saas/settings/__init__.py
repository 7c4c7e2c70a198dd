"""Settings, one module per concern. Each module imports what it needs from the others explicitly."""

from .allauth import *  # noqa: F403
from .api import *  # noqa: F403
from .auth import *  # noqa: F403
from .base import *  # noqa: F403
from .billing import *  # noqa: F403
from .cache import *  # noqa: F403
from .celery import *  # noqa: F403
from .database import *  # noqa: F403
from .email import *  # noqa: F403
from .logging import *  # noqa: F403
from .operator import *  # noqa: F403
from .security import *  # noqa: F403
from .storage import *  # noqa: F403
from .tenancy import *  # noqa: F403
