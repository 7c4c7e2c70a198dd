"""A small fake Stripe API over real HTTP on 127.0.0.1, recording every request the kit sends.

It answers what localstripe cannot (prices by lookup key, Checkout Sessions, billing portal sessions)
and forwards everything else (customers, subscriptions, ...) to a localstripe server, so one
STRIPE_API_BASE serves the whole Stripe client. Tests assert on `requests`: method, path, form
parameters (as Stripe's flattened keys: `line_items[0][price]`) and headers (`Idempotency-Key`).
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


@dataclass
class FakeStripe:
    upstream: str  # localstripe's base URL
    prices: dict[str, str] = field(default_factory=dict)  # lookup key -> price id
    requests: list[Recorded] = field(default_factory=list)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def calls(self, method: str, path: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.prices.clear()


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            split = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            params = dict(parse_qsl(split.query if self.command == "GET" else body.decode(), keep_blank_values=True))
            with fake.lock:
                fake.requests.append(
                    Recorded(self.command, split.path, params, {k.lower(): v for k, v in self.headers.items()})
                )
            route = (self.command, split.path)
            if route == ("GET", "/v1/prices"):
                keys = [v for k, v in parse_qsl(split.query) if k.startswith("lookup_keys[")]
                data = [
                    {"id": fake.prices[key], "object": "price", "lookup_key": key, "active": True}
                    for key in keys
                    if key in fake.prices
                ]
                self._json(200, {"object": "list", "data": data, "has_more": False, "url": "/v1/prices"})
            elif route == ("POST", "/v1/checkout/sessions"):
                sid = f"cs_test_{secrets.token_hex(12)}"
                url = f"https://checkout.stripe.test/c/pay/{sid}"
                self._json(200, {"id": sid, "object": "checkout.session", "url": url, "mode": params.get("mode")})
            elif route == ("POST", "/v1/billing_portal/sessions"):
                sid = f"bps_{secrets.token_hex(12)}"
                url = f"https://billing.stripe.test/p/session/{sid}"
                self._json(200, {"id": sid, "object": "billing_portal.session", "url": url})
            else:
                self._forward(body)

        def _forward(self, body: bytes) -> None:
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")}
            request = urllib.request.Request(  # noqa: S310 - loopback URL built by the test fixture
                fake.upstream + self.path, data=body or None, headers=headers, method=self.command
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    self._raw(response.status, response.read())
            except urllib.error.HTTPError as error:
                self._raw(error.code, error.read())

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._raw(status, json.dumps(payload).encode())

        def _raw(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", f"req_{secrets.token_hex(8)}")
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_DELETE = _handle  # noqa: N815 - http.server's names

    return Handler


def serve(fake: FakeStripe) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.port = int(server.server_address[1])
    threading.Thread(target=server.serve_forever, name="fake-stripe", daemon=True).start()
    return server
