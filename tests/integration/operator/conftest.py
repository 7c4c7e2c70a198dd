from __future__ import annotations

from typing import Any

import pytest

from shared_apps.accounts.models import User
from tenants.redirects import redirects
from tests.factories import UserFactory
from tests.helpers import PUBLIC, login


@pytest.fixture(autouse=True)
def _fresh_redirects() -> Any:
    redirects.clear()
    yield
    redirects.clear()


@pytest.fixture
def operator(db: None) -> User:
    return UserFactory.create(email="ops@saas.test", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_token(operator: User) -> str:
    return str(login(PUBLIC, operator.email)["access"])
