"""Billing fixtures: localstripe and the fake Stripe server on 127.0.0.1, Stripe settings, webhook delivery."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.test import Client, override_settings

from shared_apps.accounts.signup import Signup
from shared_apps.billing.services import customer_ensure
from tests.fakes.stripe_server import FakeStripe, serve
from tests.fakes.stripe_webhooks import WEBHOOK_SECRET, body, signature
from tests.helpers import PUBLIC

from .helpers import PRO_PRICE, pin_pro_price

ROOT = Path(__file__).resolve().parents[3]
SECRET_KEY = "sk_test_kit_" + "x" * 24


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.localstripe_server", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/v1/customers", auth=(SECRET_KEY, ""), timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("localstripe did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def _fake_stripe_server(localstripe: str) -> Iterator[FakeStripe]:
    fake = FakeStripe(upstream=localstripe)
    server = serve(fake)
    try:
        yield fake
    finally:
        server.shutdown()


@pytest.fixture
def fake_stripe(_fake_stripe_server: FakeStripe) -> FakeStripe:
    _fake_stripe_server.reset()
    return _fake_stripe_server


@pytest.fixture
def stripe_on(fake_stripe: FakeStripe) -> Iterator[FakeStripe]:
    """Billing configured, the Stripe client pointed at the fakes."""
    with override_settings(
        STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_API_BASE=fake_stripe.url
    ):
        yield fake_stripe


@pytest.fixture
def webhook_only() -> Iterator[None]:
    """Only the webhook secret: events are applied from their payloads (no API key to re-fetch with)."""
    with override_settings(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_API_BASE=""):
        yield


def deliver(payload: dict[str, Any] | bytes, *, timestamp: int | None = None, header: str | None = None) -> Any:
    raw = payload if isinstance(payload, bytes) else body(payload)
    return Client(HTTP_HOST=PUBLIC).post(
        "/api/v1/billing/stripe/webhook/",
        raw,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header if header is not None else signature(raw, timestamp=timestamp),
    )


def ls_post(localstripe: str, path: str, data: dict[str, Any]) -> dict[str, Any]:
    """A direct call to localstripe (what Stripe's dashboard or a customer would do, not the kit)."""
    response = requests.post(f"{localstripe}{path}", data=data, auth=(SECRET_KEY, ""), timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.fixture(scope="session")
def localstripe_pro_plan(localstripe: str) -> str:
    ls_post(localstripe, "/v1/products", {"id": "prod_pro", "name": "Pro", "type": "service"})
    ls_post(
        localstripe,
        "/v1/plans",
        {"id": PRO_PRICE, "amount": 2900, "currency": "usd", "interval": "month", "product": "prod_pro"},
    )
    return PRO_PRICE


def localstripe_subscription(acme: Signup, localstripe: str) -> tuple[str, dict[str, Any]]:
    """A paying customer, made in localstripe directly (as Checkout would in Stripe)."""
    pin_pro_price()
    customer = customer_ensure(tenant=acme.tenant, email="owner@acme.test").stripe_customer_id
    card = {
        "type": "card",
        "card[number]": "4242424242424242",
        "card[exp_month]": "12",
        "card[exp_year]": "2040",
        "card[cvc]": "123",
    }
    method = ls_post(localstripe, "/v1/payment_methods", card)["id"]
    ls_post(localstripe, f"/v1/payment_methods/{method}/attach", {"customer": customer})
    ls_post(localstripe, f"/v1/customers/{customer}", {"invoice_settings[default_payment_method]": method})
    sub = ls_post(localstripe, "/v1/subscriptions", {"customer": customer, "items[0][plan]": PRO_PRICE})
    assert sub["status"] == "active"
    return customer, sub
