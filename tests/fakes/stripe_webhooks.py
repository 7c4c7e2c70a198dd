"""Stripe webhook deliveries signed locally, exactly as Stripe signs them (HMAC-SHA256, `t=...,v1=...`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

WEBHOOK_SECRET = "whsec_test_" + "k" * 32


def signature(payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(
    event_type: str, obj: dict[str, Any], *, created: int | None = None, livemode: bool = False
) -> dict[str, Any]:
    return {
        "id": f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": "2026-09-30.clover",
        "created": int(time.time()) if created is None else created,
        "livemode": livemode,
        "type": event_type,
        "data": {"object": obj},
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
    }


def body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, indent=2).encode()  # Stripe's own bodies are pretty-printed
