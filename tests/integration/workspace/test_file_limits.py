"""The upload limits the files page checks before sending a file (issue 16 item 5), and the size limit in
human units in the server's own refusal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from shared_apps.accounts.signup import Signup
from tests.helpers import api, error, login

pytestmark = pytest.mark.django_db


@override_settings(FILE_UPLOAD_MAX_BYTES=25 * 1024 * 1024, FILE_CONTENT_TYPES=["text/plain", "image/png"])
def test_members_read_the_upload_limits(acme: Signup, globex: Signup) -> None:
    token = str(login(acme.host, acme.user.email)["access"])
    response = api(acme.host, token).get("/api/v1/files/limits/")
    assert response.status_code == 200
    assert response.json() == {"maxUploadBytes": 26214400, "contentTypes": ["text/plain", "image/png"]}
    assert api(acme.host).get("/api/v1/files/limits/").status_code == 401
    globex_token = str(login(globex.host, "owner@globex.test")["access"])
    assert api(acme.host, globex_token).get("/api/v1/files/limits/").status_code == 401  # token bound to globex


@override_settings(FILE_UPLOAD_MAX_BYTES=2 * 1024 * 1024)
def test_the_size_refusal_names_the_limit_in_megabytes(acme: Signup) -> None:
    token = str(login(acme.host, acme.user.email)["access"])
    big = SimpleUploadedFile("big.txt", b"x" * (2 * 1024 * 1024 + 1), content_type="text/plain")
    response = api(acme.host, token).post("/api/v1/files/", {"file": big})
    assert response.status_code == 400
    assert error(response) == {"code": "too_large", "detail": "Files can be at most 2.0\xa0MB.", "attr": "file"}
