"""`make dev`'s mail catcher: an SMTP server that keeps what it receives, and a page to read it.

Django sends to smtp://127.0.0.1:MAIL_SMTP_PORT; http://127.0.0.1:MAIL_WEB_PORT/ lists the messages, newest
first, decoded (no quoted-printable, links whole and clickable). The HTML part is shown in a sandboxed
frame (no scripts, links open in a new tab); the plain-text part with its links made clickable. Messages
live in memory only: a restart empties the inbox. Not for production: it listens on loopback only and
has no authentication.

    python -m saas.devtools.mailcatcher [--smtp-port 1025] [--web-port 8025]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
KEEP = 200  # messages kept; the oldest go first
_URL = re.compile(r"https?://[^\s<>\"')]+")


@dataclass
class Mail:
    id: int
    received: datetime
    message: EmailMessage
    raw: bytes = field(repr=False)

    def header(self, name: str) -> str:
        return str(self.message.get(name, ""))

    def part(self, subtype: str) -> str | None:
        body = self.message.get_body(preferencelist=(subtype,))
        # SMTP's line ends are CRLF; the page and the JSON show the text as it was written.
        return None if body is None else str(body.get_content()).replace("\r\n", "\n")

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from": self.header("From"),
            "to": self.header("To"),
            "subject": self.header("Subject"),
            "received": self.received.isoformat(),
            "text": self.part("plain"),
            "html": self.part("html"),
        }


class Inbox:
    """The SMTP handler (aiosmtpd's `handle_DATA`) and the store the web page reads."""

    def __init__(self) -> None:
        self._mails: deque[Mail] = deque(maxlen=KEEP)
        self._lock = threading.Lock()
        self._next_id = 1
        self.web_url = ""  # set by MailCatcher once its page listens

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's hook)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            mail = Mail(self._next_id, datetime.now(UTC), message, envelope.content)
            self._next_id += 1
            self._mails.append(mail)
        print(f"mail: {mail.header('Subject')!r} to {mail.header('To')} -> {self.web_url}/m/{mail.id}", flush=True)
        return "250 OK"

    def all(self) -> list[Mail]:
        with self._lock:
            return list(reversed(self._mails))

    def get(self, mail_id: int) -> Mail | None:
        return next((mail for mail in self.all() if mail.id == mail_id), None)

    def clear(self) -> None:
        with self._lock:
            self._mails.clear()


def _linkify(text: str) -> str:
    """Escape plain text and make its URLs links (escaped first, so a link cannot inject markup)."""
    escaped = html.escape(text)
    return _URL.sub(lambda m: f'<a href="{m.group(0)}" target="_blank" rel="noopener">{m.group(0)}</a>', escaped)


_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#111}"
    "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}"
    "pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f6;padding:1rem;border-radius:6px}"
    "iframe{width:100%;height:32rem;border:1px solid #ddd;border-radius:6px}a{color:#2563eb}"
)


def _page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width"><style>{_STYLE}</style></head><body>{body}</body></html>'
    ).encode()


def render_list(inbox: Inbox) -> bytes:
    rows = "".join(
        f'<tr><td><a href="/m/{m.id}">{html.escape(m.header("Subject") or "(no subject)")}</a></td>'
        f"<td>{html.escape(m.header('To'))}</td><td>{m.received:%H:%M:%S}</td></tr>"
        for m in inbox.all()
    )
    empty = "<p>No mail yet. Sign up, invite someone or reset a password: the message appears here.</p>"
    table = f"<table><tr><th>Subject</th><th>To</th><th>Received</th></tr>{rows}</table>" if rows else empty
    return _page(
        "Mail catcher",
        f'<h1>Mail catcher</h1><form method="post" action="/clear">{table}'
        "<p><button>Empty the inbox</button></p></form>",
    )


def render_mail(mail: Mail) -> bytes:
    head = "".join(
        f"<tr><th>{name}</th><td>{html.escape(mail.header(name))}</td></tr>"
        for name in ("From", "To", "Subject", "Date")
    )
    parts = []
    if (html_part := mail.part("html")) is not None:
        # sandbox without allow-scripts: the message's markup renders, its scripts never run; links open a tab.
        frame = html.escape(f'<base target="_blank">{html_part}', quote=True)
        parts.append(
            f'<h2>HTML</h2><iframe title="The message as HTML" sandbox="allow-popups allow-popups-to-escape-sandbox" '
            f'srcdoc="{frame}"></iframe>'
        )
    if (text := mail.part("plain")) is not None:
        parts.append(f"<h2>Text</h2><pre>{_linkify(text)}</pre>")
    body = (
        f'<p><a href="/">All mail</a> · <a href="/m/{mail.id}.eml">Source</a></p><table>{head}</table>{"".join(parts)}'
    )
    return _page(mail.header("Subject") or "Mail", body)


def web_handler(inbox: Inbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/":
                return self._send(render_list(inbox))
            if path == "/api/messages":
                return self._send(json.dumps([m.summary() for m in inbox.all()]).encode(), "application/json")
            if match := re.fullmatch(r"/m/(\d+)(\.eml)?", path):
                mail = inbox.get(int(match.group(1)))
                if mail is None:
                    return self._send(_page("Not found", "<p>No such message.</p>"), status=HTTPStatus.NOT_FOUND)
                if match.group(2):
                    return self._send(mail.raw, "message/rfc822")
                return self._send(render_mail(mail))
            return self._send(_page("Not found", "<p>Not found.</p>"), status=HTTPStatus.NOT_FOUND)

        def do_POST(self) -> None:
            if self.path != "/clear":
                return self._send(b"", status=HTTPStatus.NOT_FOUND)
            inbox.clear()
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", "/")
            self.end_headers()

        def _send(self, body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per message received is enough in `make dev`'s output

    return Handler


class MailCatcher:
    """Both servers, started and stopped together (`make dev` runs it as a child; tests start their own)."""

    def __init__(self, smtp_port: int = 1025, web_port: int = 8025) -> None:
        self.inbox = Inbox()
        self.smtp = Controller(self.inbox, hostname=HOST, port=smtp_port)
        self.web = ThreadingHTTPServer((HOST, web_port), web_handler(self.inbox))
        self.inbox.web_url = self.web_url

    @property
    def web_url(self) -> str:
        return f"http://{HOST}:{self.web.server_address[1]}"

    def start(self) -> None:
        self.smtp.start()
        threading.Thread(target=self.web.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.web.shutdown()
        self.web.server_close()
        self.smtp.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--web-port", type=int, default=8025)
    args = parser.parse_args()
    catcher = MailCatcher(args.smtp_port, args.web_port)
    catcher.start()
    print(f"Mail catcher: SMTP on {HOST}:{args.smtp_port}, messages at {catcher.web_url}/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        catcher.stop()


if __name__ == "__main__":
    main()
