"""Social login in a real browser: acme's sign-in page offers "Continue with <provider>" for an OpenID Connect
provider (the real `oidc-provider` of tests/plugins/oidc.py), the button's form post takes the browser to the
provider's own login and consent pages, and back through the public host's one callback to acme's dashboard,
signed in (the handoff page); and "Connect <provider>" in the signed-in profile. The e2e servers of conftest.py
have no provider configured, so this module starts its own backend (with OIDC_PROVIDERS naming the provider)
and frontend, the same way.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from shared_apps.accounts.models import User
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from tests.conftest import Signup
from tests.factories import UserFactory
from tests.plugins.celery_worker import Worker
from tests.plugins.oidc import OidcClient, OidcProvider
from tests.plugins.smtp import SmtpSink, free_port

from .conftest import Service
from .support import BASE_DOMAIN, FRONTEND, PASSWORD, ROOT, Site, sign_in, wait_hydrated

PROVIDER_ID = "e2e-idp"
PROVIDER_NAME = "E2E Identity"


@pytest.fixture(scope="module")
def social_site(
    e2e_prepared: None,
    django_db_setup: None,
    celery_worker: Worker,
    smtp_sink: SmtpSink,
    s3_server: str,
    oidc_provider: OidcProvider,
) -> Iterator[tuple[Site, OidcClient]]:
    """The site of conftest.py's `site` fixture, its backend configured with one OpenID Connect provider whose
    registered redirect URI is the public host's callback on this frontend's port."""
    backend_port, frontend_port = free_port(), free_port()
    client = oidc_provider.add_client(
        [f"http://{BASE_DOMAIN}:{frontend_port}/accounts/{PROVIDER_ID}/login/callback/"],
        client_id=f"e2e-social-{secrets.token_hex(4)}",
        client_secret=secrets.token_urlsafe(24),
    )
    oidc = [
        {
            "id": PROVIDER_ID,
            "name": PROVIDER_NAME,
            "server_url": oidc_provider.issuer,
            "client_id": client.client_id,
            "secret": client.client_secret,
        }
    ]
    services: list[Service] = []
    try:
        backend = Service(
            "backend-social",
            [
                sys.executable, "-m", "gunicorn", "saas.wsgi:application",
                "--bind", f"127.0.0.1:{backend_port}", "--workers", "2", "--threads", "4", "--timeout", "60",
                "--access-logfile", "-", "--error-logfile", "-", "--no-control-socket",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                "TEST_DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
                "TEST_RUN_ID": os.environ["TEST_RUN_ID"],
                "SAAS_BASE_DOMAIN": BASE_DOMAIN,
                "SAAS_URL_SCHEME": "http",
                "SAAS_URL_PORT": str(frontend_port),
                "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
                "OIDC_PROVIDERS": json.dumps(oidc),
            },
        )  # fmt: skip
        services.append(backend)
        backend.wait_until_ready(f"http://127.0.0.1:{backend_port}/healthz", host=BASE_DOMAIN)
        frontend = Service(
            "frontend-social",
            # `-H localhost`: see conftest.py's `site`.
            ["npm", "run", "start", "--", "-p", str(frontend_port), "-H", "localhost"],
            cwd=FRONTEND,
            env={
                **os.environ,
                "BACKEND_URL": f"http://127.0.0.1:{backend_port}",
                "SAAS_BASE_DOMAIN": BASE_DOMAIN,
                "NEXT_TELEMETRY_DISABLED": "1",
            },
        )
        services.append(frontend)
        frontend.wait_until_ready(f"http://127.0.0.1:{frontend_port}/", host=f"{BASE_DOMAIN}:{frontend_port}")
        yield Site(port=frontend_port, smtp=smtp_sink), client
    finally:
        for service in reversed(services):
            service.stop()


def provider_login(page: Page, oidc_provider: OidcProvider, account_id: str) -> None:
    """The provider's own pages (oidc-provider's development interactions): a login form (any password),
    then the consent form."""
    page.locator("input[name=login]").fill(account_id)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{oidc_provider.issuer}/interaction/**")
    expect(page.locator("button[type=submit]")).to_be_visible()
    page.locator("button[type=submit]").click()


@pytest.fixture
def member(live_db: None, acme: Signup) -> User:
    """An acme member with no provider connected (made before the browser starts: Playwright's sync API runs
    an event loop in this thread, and the ORM refuses to run under one)."""
    user = UserFactory.create(email=f"ada-{secrets.token_hex(4)}@acme.test", full_name="Ada Social")
    membership_create(user=user, tenant=acme.tenant, role=Membership.Role.MEMBER)
    return user


def test_continue_with_the_provider_on_acmes_login_ends_on_acmes_dashboard(
    member: User,
    social_site: tuple[Site, OidcClient],
    oidc_provider: OidcProvider,
    new_page: Callable[[], Page],
) -> None:
    site, _client = social_site
    account_id = f"ada-{secrets.token_hex(4)}"
    oidc_provider.add_account(account_id, email=member.email, email_verified=True, name="Ada Social")
    acme_url = site.org_url("acme")

    page = new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.goto(f"{acme_url}/login")
    button = page.get_by_role("button", name=f"Continue with {PROVIDER_NAME}")
    wait_hydrated(button).click()
    try:
        page.wait_for_url(f"{oidc_provider.issuer}/**")
    except PlaywrightTimeoutError:
        # e.g. a Content-Security-Policy violation (form-action) that stopped the browser on the login page.
        raise AssertionError("the browser never reached the provider:\n" + "\n".join(console)) from None
    provider_login(page, oidc_provider, account_id)

    # Back through the public host's callback and acme's handoff page: signed in on acme's dashboard.
    page.wait_for_url(f"{acme_url}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # The profile shows who is signed in: the member the provider's verified email named.
    page.goto(f"{acme_url}/profile")
    expect(page.locator("#content").get_by_text(f"You sign in with {member.email}.", exact=True)).to_be_visible()


@pytest.fixture
def member_with_password(member: User) -> User:
    """The member, with the password the e2e helpers type (support.PASSWORD)."""
    member.set_password(PASSWORD)
    member.save(update_fields=["password"])
    return member


def test_connect_the_provider_from_the_profile_then_it_is_listed(
    member_with_password: User,
    social_site: tuple[Site, OidcClient],
    oidc_provider: OidcProvider,
    new_page: Callable[[], Page],
) -> None:
    site, _client = social_site
    # Another address at the provider, unverified there: the connect is bound to the signed-in member, not the email.
    account_id = f"ada-work-{secrets.token_hex(4)}"
    oidc_provider.add_account(account_id, email=f"{account_id}@elsewhere.test", email_verified=False, name="Ada")
    acme_url = site.org_url("acme")
    page = new_page()
    sign_in(page, site, subdomain="acme", email=member_with_password.email)
    page.wait_for_url(f"{acme_url}/")

    page.goto(f"{acme_url}/profile")
    unlock_connected_accounts(page)
    expect(page.get_by_text("No account is connected.")).to_be_visible()
    page.get_by_role("button", name=f"Connect {PROVIDER_NAME}", exact=True).click()
    page.wait_for_url(f"{oidc_provider.issuer}/**")
    provider_login(page, oidc_provider, account_id)

    # Back through the public host's callback to acme's profile, still signed in as the member.
    page.wait_for_url(f"{acme_url}/profile?connected={PROVIDER_ID}")
    unlock_connected_accounts(page)
    listed = page.get_by_role("list", name="Connected accounts")
    expect(listed.get_by_role("listitem")).to_have_count(1)
    expect(listed.get_by_role("listitem")).to_contain_text(PROVIDER_NAME)
    expect(page.get_by_role("button", name=f"Connect {PROVIDER_NAME}", exact=True)).to_have_count(0)
    expect(page.get_by_role("status").first).to_have_text(f"{PROVIDER_NAME} is now connected.")


def unlock_connected_accounts(page: Page) -> None:
    section = page.get_by_role("form", name="Connected accounts")
    wait_hydrated(section.get_by_label("Password")).fill(PASSWORD)
    section.get_by_role("button", name="Continue").click()
