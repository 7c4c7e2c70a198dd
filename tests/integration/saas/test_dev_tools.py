"""`make dev`'s parts that are not the product: the mail catcher, and a .env.example safe to copy."""

from __future__ import annotations

import os
import re
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import requests

from saas.devtools.mailcatcher import MailCatcher
from tests.plugins.smtp import free_port

ROOT = Path(__file__).resolve().parents[3]
# Long enough that quoted-printable folds it (76 columns) and escapes its '=' as '=3D'.
LINK = "http://acme.localhost:3000/accept-invite?token=" + "Ab3=" * 30


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    server = MailCatcher(smtp_port=free_port(), web_port=free_port())
    server.start()
    yield server
    server.stop()


def _send(catcher: MailCatcher, *, subject: str, text: str, html: str | None = None) -> None:
    message = EmailMessage()
    message["From"] = "SaaS Kit <noreply@localhost>"
    message["To"] = "ada@example.com"
    message["Subject"] = subject
    message.set_content(text, cte="quoted-printable")
    if html is not None:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
    with smtplib.SMTP("127.0.0.1", catcher.smtp.port, timeout=5) as smtp:
        smtp.send_message(message)


def test_a_message_is_shown_decoded_with_its_link_whole_and_clickable(catcher: MailCatcher) -> None:
    _send(catcher, subject="You are invited to Acme", text=f"Join Acme:\n{LINK}\n")

    listing = requests.get(f"{catcher.web_url}/", timeout=5)
    assert listing.status_code == 200
    assert re.findall(r'<a href="/m/(\d+)">([^<]*)</a>', listing.text) == [("1", "You are invited to Acme")]
    page = requests.get(f"{catcher.web_url}/m/1", timeout=5)
    assert page.status_code == 200
    escaped = LINK.replace("&", "&amp;")
    assert f'<a href="{escaped}" target="_blank" rel="noopener">{escaped}</a>' in page.text
    assert "=3D" not in page.text
    [summary] = requests.get(f"{catcher.web_url}/api/messages", timeout=5).json()
    assert (summary["to"], summary["subject"], summary["text"]) == (
        "ada@example.com",
        "You are invited to Acme",
        f"Join Acme:\n{LINK}\n",
    )
    assert requests.get(f"{catcher.web_url}/m/1.eml", timeout=5).headers["Content-Type"] == "message/rfc822"


def test_html_parts_render_in_a_frame_that_runs_no_script(catcher: MailCatcher) -> None:
    _send(
        catcher,
        subject="Hi",
        text="plain",
        html='<p>Hello <script>alert(1)</script><a href="https://x.test/">x</a></p>',
    )

    page = requests.get(f"{catcher.web_url}/m/1", timeout=5).text
    [frame] = re.findall(r"<iframe ([^>]*)>", page)
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in frame  # no allow-scripts
    assert "<script>" not in page  # the markup is inside srcdoc, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in frame


def test_text_with_markup_is_escaped_and_unknown_messages_are_404(catcher: MailCatcher) -> None:
    _send(catcher, subject="<b>bold</b>", text='<img src=x onerror="alert(1)"> see https://ok.test/a?b=1&c=2')

    page = requests.get(f"{catcher.web_url}/m/1", timeout=5).text
    assert "<img" not in page and "<b>bold</b>" not in page
    assert '<a href="https://ok.test/a?b=1&amp;c=2" target="_blank" rel="noopener">' in page
    assert requests.get(f"{catcher.web_url}/m/2", timeout=5).status_code == 404
    cleared = requests.post(f"{catcher.web_url}/clear", timeout=5, allow_redirects=False)
    assert (cleared.status_code, cleared.headers["Location"]) == (303, "/")
    assert requests.get(f"{catcher.web_url}/api/messages", timeout=5).json() == []


def test_the_env_example_is_safe_to_copy_for_development() -> None:
    """`cp .env.example .env` keeps `make dev`'s embedded defaults: debug on, every service URL empty."""
    parsed = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert parsed["DJANGO_DEBUG"] == "true"
    services = {name: parsed[name] for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL")}
    assert services == dict.fromkeys(services, "")
    # The production template is the other one, and it does not inherit the development values.
    production = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (ROOT / "deploy/.env.example").read_text(), re.MULTILINE))
    assert production.get("DJANGO_DEBUG", "false") == "false"


def test_settings_load_from_a_copied_env_example(tmp_path: Path) -> None:
    """`cp .env.example .env`: its empty lines count as unset (an empty DJANGO_SECRET_KEY or EMAIL_URL used
    to stop the settings with "not set" / "Invalid email schema")."""
    example = (ROOT / ".env.example").read_text()
    (tmp_path / ".env").write_text(example)
    names = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    # A clean shell: nothing from this test run's own environment, except the database (the embedded one is
    # not what this is about), which the real environment gives and so wins over the file's empty line.
    env = {name: value for name, value in os.environ.items() if name not in names and not name.startswith("DJANGO")}
    env |= {"ENV_FILE": str(tmp_path / ".env"), "DATABASE_URL": os.environ["DATABASE_URL"]}
    env["DJANGO_SETTINGS_MODULE"] = "saas.settings"
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.MAILERS['default']['BACKEND'], s.CACHES['default']['BACKEND'], "
        "s.CELERY_BROKER_URL.split(':')[0], s.SECRET_KEY.startswith('dev-only'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.cache.backends.filebased.FileBasedCache",
        "sqla+postgresql+psycopg",
        "True",
    ]
