"""A real SMTP server (aiosmtpd) on 127.0.0.1, collecting every message it receives."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpSink:
    """aiosmtpd handler: stores messages; tests wait for the one they expect."""

    def __init__(self) -> None:
        self.port = 0
        self._messages: list[EmailMessage] = []
        self._lock = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self._messages.append(message)
            self._lock.notify_all()
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    def wait_for(
        self, *, to: str, match: Callable[[EmailMessage], bool] = lambda m: True, timeout: float = 30.0
    ) -> EmailMessage:
        """The first message to `to` matching `match` that arrives (or arrived) during this run."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for message in self._messages:
                    if to.lower() in str(message["To"]).lower() and match(message):
                        self._messages.remove(message)
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no email to {to} within {timeout}s; got {[m['To'] for m in self._messages]}")
                self._lock.wait(remaining)

    def none_for(self, *, to: str, wait: float = 1.0) -> bool:
        """True when nothing reaches `to` within `wait` seconds."""
        try:
            self.wait_for(to=to, timeout=wait)
        except AssertionError:
            return True
        return False


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
