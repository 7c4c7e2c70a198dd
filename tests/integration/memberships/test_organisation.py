"""Issue 16 / API 1.1: GET/PATCH /api/v1/organisation/, its logo, leaving it and asking for its deletion."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from shared_apps.operator.models import TenantDeletion
from tenants.models import OutboxMessage, Tenant
from tenants.routing import resolver
from tests.conftest import Team
from tests.factories import UserFactory
from tests.helpers import api, error, login
from tests.plugins.s3 import bucket_keys, s3_client

pytestmark = pytest.mark.django_db

ORGANISATION = "/api/v1/organisation/"
LOGO = "/api/v1/organisation/logo/"


def png(width: int = 40, height: int = 20, fmt: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), color=0 if mode in ("1", "L") else (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def upload(host: str, token: str | None, content: bytes, name: str = "logo.png", ctype: str = "image/png") -> Any:
    return api(host, token).post(LOGO, {"file": SimpleUploadedFile(name, content, content_type=ctype)})


def patch(host: str, token: str | None, body: Any) -> Any:
    return api(host, token).patch(ORGANISATION, body, content_type="application/json")


def tokens(acme: Signup, globex: Signup, team: Team) -> dict[str, str | None]:
    return {
        "owner": login(acme.host, team.owner.email)["access"],
        "admin": login(acme.host, team.admin.email)["access"],
        "member": login(acme.host, team.member.email)["access"],
        # globex's owner, with globex's token: not valid on acme's host.
        "outsider": login(globex.host, team.outsider.email)["access"],
        "anonymous": None,
    }


def organisation_keys(signup: Signup) -> list[str]:
    return sorted(k for k in bucket_keys() if k.startswith(f"tenants/{signup.tenant.id}/organisation/"))


@pytest.fixture(autouse=True)
def _no_objects_left(acme: Signup, globex: Signup) -> Iterator[None]:
    """The rows of these tests roll back, the objects they stored would not: remove what a test added, so
    later tests (storage consistency) find the organisations' prefixes as they were."""
    before = set(organisation_keys(acme) + organisation_keys(globex))
    yield
    for key in set(organisation_keys(acme) + organisation_keys(globex)) - before:
        s3_client().delete_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key)


def test_get_describes_the_organisation(acme: Signup, team: Team) -> None:
    response = api(acme.host, login(acme.host, team.member.email)["access"]).get(ORGANISATION)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": str(acme.tenant.id),
        "name": "Acme",
        "subdomain": "acme",
        "logoUrl": None,
        "requireMfa": False,
        "createdAt": acme.tenant.created_at.isoformat().replace("+00:00", "Z"),
    }


@pytest.mark.parametrize(
    ("who", "get", "rename", "logo", "logo_delete", "mfa", "deletion"),
    [
        ("owner", 200, 200, 202, 204, 200, 400),  # deletion: 400 as the body's confirmation is wrong on purpose
        ("admin", 200, 200, 202, 204, 403, 403),
        ("member", 200, 403, 403, 403, 403, 403),
        ("outsider", 401, 401, 401, 401, 401, 401),
        ("anonymous", 401, 401, 401, 401, 401, 401),
    ],
)
def test_access_matrix(
    acme: Signup, globex: Signup, team: Team, who: str, get: int, rename: int, logo: int, logo_delete: int, mfa: int,
    deletion: int,
) -> None:  # fmt: skip
    token = tokens(acme, globex, team)[who]
    TOTP.activate(team.owner, generate_totp_secret())  # an owner turns requireMfa on only with MFA of their own
    client = api(acme.host, token)
    assert client.get(ORGANISATION).status_code == get
    assert patch(acme.host, token, {"name": "Acme Renamed"}).status_code == rename
    assert upload(acme.host, token, png()).status_code == logo
    assert client.delete(LOGO).status_code == logo_delete
    refused = patch(acme.host, token, {"requireMfa": True})
    assert refused.status_code == mfa
    if mfa == 403:
        assert error(refused)["code"] == "permission_denied"
    assert Tenant.objects.get(pk=acme.tenant.pk).require_mfa is (mfa == 200)
    asked = client.post("/api/v1/organisation/deletion/", {"confirm": "not the name"}, content_type="application/json")
    assert asked.status_code == deletion
    assert Tenant.objects.get(pk=acme.tenant.pk).status == "active"
    assert Tenant.objects.get(pk=acme.tenant.pk).name == ("Acme Renamed" if rename == 200 else "Acme")


def test_rename_is_stripped_audited_and_routed(
    acme: Signup, team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    token = login(acme.host, team.admin.email)["access"]
    with django_capture_on_commit_callbacks(execute=True):  # the routing cache is told after commit
        response = patch(acme.host, token, {"name": "  Acme Ltd  "})
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Acme Ltd"
    # The next request (through the routing cache) and /me see the new name.
    assert api(acme.host, token).get(ORGANISATION).json()["name"] == "Acme Ltd"
    assert api(acme.host, token).get("/api/v1/me/").json()["tenant"]["name"] == "Acme Ltd"
    entry = AuditLog.objects.get(action="organisation.renamed")
    assert (entry.actor_id, entry.tenant_id, entry.extra) == (
        team.admin.id,
        acme.tenant.id,
        {"from": "Acme", "to": "Acme Ltd"},
    )
    # The same name again changes nothing and records nothing.
    assert patch(acme.host, token, {"name": "Acme Ltd"}).status_code == 200
    assert AuditLog.objects.filter(action="organisation.renamed").count() == 1


@pytest.mark.parametrize(
    ("body", "attr", "code"),
    [
        ({"name": ""}, "name", "blank"),
        ({"name": "   "}, "name", "blank"),
        ({"name": "x" * 201}, "name", "max_length"),
        ({"name": 42}, "name", "invalid"),
        ({"name": None}, "name", "null"),
        ({"name": ["Acme"]}, "name", "invalid"),
        ({"name": "a\x00b"}, "name", "null_characters_not_allowed"),
        ({"requireMfa": "true"}, "requireMfa", "invalid"),
        ({"requireMfa": 1}, "requireMfa", "invalid"),
        ({"requireMfa": None}, "requireMfa", "null"),
    ],
)
def test_bad_bodies_name_the_field_and_change_nothing(
    acme: Signup, team: Team, body: dict[str, Any], attr: str, code: str
) -> None:
    response = patch(acme.host, login(acme.host, team.owner.email)["access"], {**body})
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error"
    assert (error(response)["attr"], error(response)["code"]) == (attr, code)
    tenant = Tenant.objects.get(pk=acme.tenant.pk)
    assert (tenant.name, tenant.require_mfa) == ("Acme", False)
    assert not AuditLog.objects.filter(action__startswith="organisation.").exists()


def test_unknown_and_read_only_fields_are_ignored_like_everywhere_else(acme: Signup, team: Team) -> None:
    # The API ignores fields it does not read (projects, members): `subdomain` and `id` are not changed here.
    response = patch(acme.host, login(acme.host, team.owner.email)["access"], {"subdomain": "evil", "id": "x"})
    assert response.status_code == 200
    assert (response.json()["subdomain"], response.json()["id"]) == ("acme", str(acme.tenant.id))


def test_require_mfa_needs_the_owners_own_mfa_first(acme: Signup, team: Team) -> None:
    token = login(acme.host, team.owner.email)["access"]
    response = patch(acme.host, token, {"requireMfa": True})
    assert response.status_code == 400
    assert (error(response)["attr"], error(response)["code"]) == ("requireMfa", "mfa_not_enabled")
    assert Tenant.objects.get(pk=acme.tenant.pk).require_mfa is False
    TOTP.activate(team.owner, generate_totp_secret())
    assert patch(acme.host, token, {"requireMfa": True}).json()["requireMfa"] is True
    entry = AuditLog.objects.get(action="organisation.require_mfa_changed")
    assert (entry.actor_id, entry.extra) == (team.owner.id, {"from": False, "to": True})


def test_a_second_organisation_sees_and_changes_only_its_own(acme: Signup, globex: Signup, team: Team) -> None:
    acme_owner = login(acme.host, team.owner.email)["access"]
    assert upload(acme.host, acme_owner, png()).status_code == 202
    Tenant.objects.filter(pk=acme.tenant.pk).update(logo_key="organisation/logo/logo-x.png")
    resolver.clear()  # update() tells no one; the worker's save() does (tenants/signals.py)
    globex_owner = login(globex.host, team.outsider.email)["access"]
    own = api(globex.host, globex_owner).get(ORGANISATION).json()
    assert (own["id"], own["name"], own["subdomain"], own["logoUrl"]) == (
        str(globex.tenant.id),
        "Globex",
        "globex",
        None,
    )
    # Changing and removing on globex's host touch globex only.
    assert patch(globex.host, globex_owner, {"name": "Globex 2"}).status_code == 200
    assert api(globex.host, globex_owner).delete(LOGO).status_code == 204
    acme_row = Tenant.objects.get(pk=acme.tenant.pk)
    assert (acme_row.name, acme_row.logo_key) == ("Acme", "organisation/logo/logo-x.png")
    assert acme_row.logo_source_key.startswith("organisation/logo/original-")
    # Globex's token on acme's host is refused before anything is read.
    assert api(acme.host, globex_owner).get(ORGANISATION).status_code == 401
    assert upload(acme.host, globex_owner, png()).status_code == 401
    # Acme's logo URL names acme's prefix only.
    url = api(acme.host, acme_owner).get(ORGANISATION).json()["logoUrl"]
    assert f"tenants/{acme.tenant.id}/organisation/logo/logo-x.png" in url
    assert str(globex.tenant.id) not in url


def test_upload_stores_the_original_under_the_prefix_and_queues_the_resize(acme: Signup, team: Team) -> None:
    before = organisation_keys(acme)
    response = upload(acme.host, login(acme.host, team.admin.email)["access"], png(300, 100))
    assert response.status_code == 202, response.content
    assert response.json()["logoUrl"] is None  # until the worker has made the copy
    tenant = Tenant.objects.get(pk=acme.tenant.pk)
    key = tenant.logo_source_key
    assert key.startswith("organisation/logo/original-") and key.endswith(".png")
    assert organisation_keys(acme) == sorted([*before, f"tenants/{acme.tenant.id}/{key}"])
    message = OutboxMessage.objects.get(task_name="organisation.logo_resize")
    assert (message.kwargs, message.schema_name) == (
        {"tenant_id": str(acme.tenant.id), "source_key": key},
        acme.tenant.schema_name,
    )
    entry = AuditLog.objects.get(action="organisation.logo_uploaded")
    assert entry.extra == {"format": "PNG", "width": 300, "height": 100, "size": len(png(300, 100))}


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 megapixels in a few kilobytes
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "ctype", "code"),
    [
        (b"this is not an image", "logo.png", "image/png", "not_an_image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "image/svg+xml",
            "not_an_image",
        ),
        (png()[:60], "logo.png", "image/png", "not_an_image"),  # truncated
        (png(fmt="BMP"), "logo.bmp", "image/bmp", "unsupported_image_type"),
        (_bomb(), "bomb.png", "image/png", "image_too_large"),
        (b"", "empty.png", "image/png", "empty"),
    ],
)
def test_what_is_not_an_accepted_image_is_refused_and_nothing_is_stored(
    acme: Signup, team: Team, content: bytes, name: str, ctype: str, code: str
) -> None:
    before = organisation_keys(acme)
    response = upload(acme.host, login(acme.host, team.owner.email)["access"], content, name, ctype)
    assert response.status_code == 400, response.content
    assert (error(response)["attr"], error(response)["code"]) == ("file", code)
    assert organisation_keys(acme) == before
    tenant = Tenant.objects.get(pk=acme.tenant.pk)
    assert (tenant.logo_key, tenant.logo_source_key) == ("", "")
    assert not OutboxMessage.objects.filter(task_name="organisation.logo_resize").exists()


def test_an_oversized_file_is_refused(acme: Signup, team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shared_apps.memberships.organisation.LOGO_MAX_BYTES", 100)
    response = upload(acme.host, login(acme.host, team.owner.email)["access"], png(200, 200))
    assert response.status_code == 400
    assert (error(response)["attr"], error(response)["code"]) == ("file", "too_large")


def test_a_missing_file_field_is_named(acme: Signup, team: Team) -> None:
    response = api(acme.host, login(acme.host, team.owner.email)["access"]).post(LOGO, {"other": "x"})
    assert response.status_code == 400
    assert (error(response)["attr"], error(response)["code"]) == ("file", "required")


def test_a_member_leaves_and_their_tokens_stop_working(acme: Signup, team: Team) -> None:
    token = login(acme.host, team.member.email)["access"]
    response = api(acme.host, token).post("/api/v1/organisation/leave/")
    assert response.status_code == 204, response.content
    assert not Membership.objects.filter(user=team.member, tenant=acme.tenant).exists()
    assert api(acme.host, token).get(ORGANISATION).status_code == 401
    entry = AuditLog.objects.get(action="member.left")
    assert (entry.actor_id, entry.target_id) == (team.member.id, str(team.member.id))


def test_the_last_owner_cannot_leave_but_one_of_two_can(acme: Signup, team: Team) -> None:
    token = login(acme.host, team.owner.email)["access"]
    refused = api(acme.host, token).post("/api/v1/organisation/leave/")
    assert refused.status_code == 400
    assert (error(refused)["attr"], error(refused)["code"]) == ("role", "last_owner")
    assert Membership.objects.filter(user=team.owner, tenant=acme.tenant, role="owner").exists()
    second = UserFactory.create(email="second-owner@acme.test")
    membership_create(user=second, tenant=acme.tenant, role=Membership.Role.OWNER)
    assert api(acme.host, token).post("/api/v1/organisation/leave/").status_code == 204
    assert list(Membership.objects.filter(tenant=acme.tenant, role="owner").values_list("user_id", flat=True)) == [
        second.id
    ]


def test_an_owners_deletion_request_takes_the_operators_flow(acme: Signup, team: Team) -> None:
    token = login(acme.host, team.owner.email)["access"]
    client = api(acme.host, token)
    wrong = client.post("/api/v1/organisation/deletion/", {"confirm": "Acme Inc"}, content_type="application/json")
    assert wrong.status_code == 400
    assert (error(wrong)["attr"], error(wrong)["code"]) == ("confirm", "confirmation_mismatch")
    missing = client.post("/api/v1/organisation/deletion/", {}, content_type="application/json")
    assert (error(missing)["attr"], error(missing)["code"]) == ("confirm", "required")
    assert not TenantDeletion.objects.filter(tenant=acme.tenant).exists()

    response = client.post(
        "/api/v1/organisation/deletion/", {"confirm": "acme", "reason": "closing"}, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    deletion = TenantDeletion.objects.get(tenant=acme.tenant)
    assert response.json() == {"status": "scheduled", "dueAt": deletion.due_at.isoformat().replace("+00:00", "Z")}
    assert (deletion.status, deletion.requested_by_id, deletion.reason) == ("scheduled", team.owner.id, "closing")
    assert deletion.export_id is not None  # the export offered to the owners, as for an operator's deletion
    assert Tenant.objects.get(pk=acme.tenant.pk).status == "suspended"
    entry = AuditLog.objects.get(action="tenant.deletion_scheduled")
    assert (entry.actor_id, entry.tenant_id, entry.extra["reason"]) == (team.owner.id, acme.tenant.id, "closing")
