"""French end to end (issue 16, item 3): our own messages are in the catalog and translated, the compiled
catalog is the one the .po says, and real requests answer in the language of their Accept-Language
(English without it). Emails go out in the language of the request that caused them."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Invitation
from tests.conftest import Team
from tests.helpers import api, error, login
from tests.plugins.celery_worker import Worker
from tests.plugins.smtp import SmtpSink, body_of

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What makemessages reads: the project's packages (the same --ignore as the README's command leaves).
SOURCES = ("saas", "shared_apps", "tenant_apps", "tenants")
FR: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "fr"}
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
FRENCH_EXPIRY = re.compile(
    rf"Acceptez l'invitation ici \(le lien ne fonctionne qu'une fois, jusqu'au \d{{1,2}} ({MONTHS}) \d{{4}}, "
    r"\d\d:\d\d UTC\)\xa0:"
)


# ---- the catalog --------------------------------------------------------------------------------------


def _statistics(po: Path) -> str:
    """msgfmt's count line ("N translated messages." and, if any, the fuzzy and untranslated ones)."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)], capture_output=True, text=True, check=True
    )
    return result.stderr.strip()


def _msgids(po: Path) -> set[str]:
    """Every msgid of `po` (compiled to a temporary .mo: gettext's own reader, no .po parser of ours). The .mo
    goes to a directory of its own, never beside the committed catalog."""
    with tempfile.TemporaryDirectory() as tmp:
        mo = Path(tmp) / "check.mo"
        subprocess.run(["msgfmt", "--use-fuzzy", "-o", str(mo), str(po)], check=True)
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {key for key in catalog if key}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalog makemessages makes now from the code, merged into a copy of the committed one: the
    sources and locale/ are copied to a temporary tree, so the repository's locale/ is never written."""
    tree = tmp_path_factory.mktemp("makemessages")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        shutil.copytree(ROOT / name, tree / name, ignore=ignore)
    shutil.copytree(ROOT / "locale", tree / "locale", ignore=ignore)
    shutil.copy(ROOT / "manage.py", tree / "manage.py")
    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "saas.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
    )
    return tree / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_every_message_of_the_code_is_in_the_catalog_and_translated(extracted: Path) -> None:
    # msgmerge marks a changed msgid fuzzy and adds a new one untranslated: either shows in the counts.
    stats = _statistics(extracted)
    assert "fuzzy" not in stats and "untranslated" not in stats, stats
    assert _msgids(extracted) == _msgids(PO)  # nothing new in the code that the committed catalog lacks
    assert stats == _statistics(PO) == f"{len(_msgids(PO))} translated messages."


def test_the_committed_mo_is_the_po_compiled(tmp_path: Path) -> None:
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    with compiled.open("rb") as fresh, MO.open("rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
        actual = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
    assert actual == expected


# ---- real requests ------------------------------------------------------------------------------------


def _invite(host: str, token: str, email: str, **headers: Any):
    return api(host, token).post(
        "/api/v1/invitations/", {"email": email, "role": "member"}, content_type="application/json", **headers
    )


@pytest.mark.django_db
def test_our_validation_error_in_french_and_in_english(acme: Signup, team: Team) -> None:
    owner = login(acme.host, team.owner.email)["access"]
    french = _invite(acme.host, owner, team.member.email, **FR)
    assert french.status_code == 400
    assert error(french) == {
        "code": "already_member",
        "detail": "member@acme.test est déjà membre de cette organisation.",
        "attr": "email",
    }
    assert french["Content-Language"] == "fr"
    english = _invite(acme.host, owner, team.member.email)
    assert error(english)["detail"] == "member@acme.test is already a member of this organisation."
    assert english["Content-Language"] == "en"
    assert not Invitation.objects.filter(email=team.member.email).exists()


@pytest.mark.django_db
def test_our_permission_message_in_french_and_in_english(acme: Signup, team: Team) -> None:
    member = login(acme.host, team.member.email)["access"]

    def rename(**headers: Any):
        return api(acme.host, member).patch(
            "/api/v1/organisation/", {"name": "Taken over"}, content_type="application/json", **headers
        )

    french, english = rename(**FR), rename()
    assert (french.status_code, english.status_code) == (403, 403)
    assert error(french) == {
        "code": "permission_denied",
        "detail": "Votre rôle ne vous permet pas de modifier les paramètres de l'organisation.",
        "attr": None,
    }
    assert error(english)["detail"] == "Your role does not allow changing the organisation's settings."


@pytest.mark.django_db
@override_settings(FILE_UPLOAD_MAX_BYTES=2 * 1024 * 1024)
def test_a_file_too_large_says_the_limit_in_french_units(acme: Signup, team: Team) -> None:
    owner = login(acme.host, team.owner.email)["access"]
    big = SimpleUploadedFile("big.txt", b"x" * (2 * 1024 * 1024 + 1), content_type="text/plain")
    french = api(acme.host, owner).post("/api/v1/files/", {"file": big}, **FR)
    assert french.status_code == 400
    assert error(french) == {
        "code": "too_large",
        "detail": "Les fichiers ne peuvent pas dépasser 2,0\xa0Mio.",
        "attr": "file",
    }


@pytest.mark.django_db
def test_an_unknown_organisation_in_french_and_in_english() -> None:
    french = Client(HTTP_HOST="nosuchorg.localhost").get("/api/v1/me/", **FR)
    english = Client(HTTP_HOST="nosuchorg.localhost").get("/api/v1/me/")
    assert (french.status_code, english.status_code) == (404, 404)
    assert error(french) == {
        "code": "tenant_not_found",
        "detail": "Aucune organisation n'existe à cette adresse.",
        "attr": None,
    }
    assert error(english)["detail"] == "No organisation lives at this address."


@pytest.mark.django_db
def test_drf_and_django_messages_come_in_french_too(acme: Signup) -> None:
    def empty_login(**headers: Any):
        return api(acme.host).post("/api/v1/auth/login/", {}, content_type="application/json", **headers)

    french, english = empty_login(**FR), empty_login()
    assert (french.status_code, english.status_code) == (400, 400)
    assert error(french) == {"code": "required", "detail": "Ce champ est obligatoire.", "attr": "email"}
    assert error(english)["detail"] == "This field is required."


@pytest.mark.django_db
def test_a_language_we_do_not_have_falls_back_to_english(acme: Signup) -> None:
    response = Client(HTTP_HOST="nosuchorg.localhost").get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert error(response)["detail"] == "No organisation lives at this address."
    regional = Client(HTTP_HOST="nosuchorg.localhost").get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert error(regional)["detail"] == "Aucune organisation n'existe à cette adresse."


# ---- emails -------------------------------------------------------------------------------------------


@pytest.fixture
def mail(live_db: None, celery_worker: Worker, smtp_sink: SmtpSink) -> Iterator[SmtpSink]:
    yield smtp_sink
    Invitation.objects.all().delete()


def test_an_invitation_sent_from_a_french_request_is_in_french(acme: Signup, mail: SmtpSink) -> None:
    # The subject and text are rendered in the request (its language is active); the worker renders the
    # HTML part, whose button must be in the same language.
    owner = login(acme.host, acme.user.email)["access"]
    assert _invite(acme.host, owner, "francoise@example.test", **FR).status_code == 201
    message = mail.wait_for(to="francoise@example.test")
    assert str(message["Subject"]) == "owner@acme.test vous invite à rejoindre Acme"
    paragraphs = body_of(message).replace("\r\n", "\n").strip().split("\n\n")
    assert paragraphs[:2] == ["Bonjour,", "owner@acme.test vous invite à rejoindre Acme en tant que membre."]
    # The expiry in French too (Django's date filter in the active language): "jusqu'au 6 décembre 2026, ...".
    assert FRENCH_EXPIRY.fullmatch(paragraphs[2]), paragraphs[2]
    assert paragraphs[4] == "Si vous n'attendiez pas cette invitation, vous pouvez ignorer cet e-mail."
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    html = str(html_part.get_content())
    assert '<html lang="fr">' in html and ">Accepter l&#x27;invitation</a>" in html

    assert _invite(acme.host, owner, "frank@example.test").status_code == 201
    english = mail.wait_for(to="frank@example.test")
    assert str(english["Subject"]) == "owner@acme.test invited you to join Acme"
    english_html = english.get_body(preferencelist=("html",))
    assert english_html is not None and ">Accept the invitation</a>" in str(english_html.get_content())
