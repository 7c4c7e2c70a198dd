"""An organisation's own settings, changed by its members (GET/PATCH /api/v1/organisation/ and below).

Rules (API.md, Tenant host): owners and admins rename it and change its logo (`organisation.manage`);
only owners require MFA of every member and ask for its deletion (`organisation.security`); anyone may
leave it except its last owner (the members rule, shared_apps/memberships/services.py). Every change is
audited in its own transaction. Tenant rows are saved with `save()`: its post_save signal makes every
process forget the routed (cached) copy after commit (tenants/signals.py), so the new name and
`require_mfa` apply on the next request everywhere.

The logo: the upload is checked to be an image (tenants/images.py), its original stored under the
organisation's storage prefix (tenants/storage.py) and a tenant task (shared_apps/memberships/tasks.py)
makes the bounded copy that is served; the newest upload wins (`Tenant.logo_source_key`). Old objects
are deleted by a task queued through the outbox with the change that made them old.
"""

from __future__ import annotations

import io
import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.accounts.mfa import mfa_enabled
from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenants.celery_tasks import tenant_task_enqueue
from tenants.hosts import subdomain_of
from tenants.images import ImageRefusedError, image_bounded, image_upload_inspect
from tenants.models import Tenant
from tenants.selectors import tenant_primary_domain
from tenants.storage import download_url, tenant_storage

from .actions import Action, role_may
from .models import Membership
from .services import member_remove
from .signals import organisation_deletion_requested

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 200  # Tenant.name's column
LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_SIDE = 256  # pixels, the longer side of the copy served
LOGO_DIR = "organisation/logo"  # under the tenant's prefix: tenants/<id>/organisation/logo/...


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _locked(tenant: Tenant) -> Tenant:
    return Tenant.objects.select_for_update().get(pk=tenant.pk)


def organisation_logo_url(tenant: Tenant) -> str | None:
    """A short-lived URL of the logo served (the resized copy), or None when there is none yet."""
    if not tenant.logo_key:
        return None
    return download_url(tenant=tenant, key=tenant.logo_key, filename="logo.png")


def organisation_update(
    *, tenant: Tenant, actor: Membership, name: str | None = None, require_mfa: bool | None = None,
    ip: str | None = None,
) -> Tenant:  # fmt: skip
    """Rename (owners, admins) and turn `require_mfa` on or off (owners). Only what changes is saved and
    audited. Turning it on needs MFA on the owner's own account: otherwise the owner's next request would be
    refused too, and nobody could turn it off again without setting MFA up first."""
    if not role_may(actor.role, Action.ORGANISATION_MANAGE):
        raise PermissionDenied(_("Your role does not allow changing the organisation's settings."))
    if require_mfa is not None and not role_may(actor.role, Action.ORGANISATION_SECURITY):
        raise PermissionDenied(_("Only owners can change whether the organisation requires MFA."))
    if require_mfa and not mfa_enabled(actor.user):
        raise _field_error(
            "require_mfa", _("Set up multi-factor authentication on your own account first."), "mfa_not_enabled"
        )
    with transaction.atomic():
        locked = _locked(tenant)
        fields = []
        if name is not None and name != locked.name:
            audit_record(action="organisation.renamed", actor=actor.user, tenant=locked, target=locked, ip=ip,
                         extra={"from": locked.name, "to": name})  # fmt: skip
            locked.name = name
            fields.append("name")
        if require_mfa is not None and require_mfa != locked.require_mfa:
            audit_record(action="organisation.require_mfa_changed", actor=actor.user, tenant=locked, target=locked,
                         ip=ip, extra={"from": locked.require_mfa, "to": require_mfa})  # fmt: skip
            locked.require_mfa = require_mfa
            fields.append("require_mfa")
        if fields:
            locked.save(update_fields=fields)
    return locked


def organisation_logo_upload(*, tenant: Tenant, actor: User, upload: UploadedFile, ip: str | None = None) -> Tenant:
    """Check and store the original; the resize task sets the logo once it has made the copy. Refusals are
    400s naming `file`, and leave nothing stored."""
    from .tasks import organisation_logo_resize_task

    try:
        info = image_upload_inspect(upload, max_bytes=LOGO_MAX_BYTES, too_large=_("A logo can be at most %(limit)s."))
    except ImageRefusedError as exc:
        raise _field_error("file", exc.message, exc.code) from exc

    storage = tenant_storage(tenant)
    key = storage.save(f"{LOGO_DIR}/original-{uuid.uuid4().hex}.{info.extension}", upload)
    try:
        with transaction.atomic():
            locked = _locked(tenant)
            locked.logo_source_key = key
            locked.save(update_fields=["logo_source_key"])
            audit_record(action="organisation.logo_uploaded", actor=actor, tenant=locked, target=locked, ip=ip,
                         extra={"format": info.format, "width": info.width, "height": info.height,
                                "size": upload.size})  # fmt: skip
            tenant_task_enqueue(organisation_logo_resize_task, tenant=locked, source_key=key)
    except Exception:
        storage.delete(key)  # no orphan object when the change cannot be written
        raise
    return locked


def organisation_logo_resize(*, tenant: Tenant, source_key: str) -> str | None:
    """The task's work: make the served copy of `source_key` and make it the logo, unless a newer upload
    or a removal came first. Returns the new logo key, or None. Idempotent: a redelivered message finds
    its source no longer pending and only deletes it (again)."""
    from .tasks import organisation_logo_objects_delete_task

    storage = tenant_storage(tenant)
    if not Tenant.objects.filter(pk=tenant.pk, logo_source_key=source_key).exists():
        storage.delete(source_key)  # superseded or removed: nothing to make
        return None
    with storage.open(source_key, "rb") as handle:
        original = io.BytesIO(handle.read(LOGO_MAX_BYTES + 1))
    try:
        data = image_bounded(original, max_side=LOGO_MAX_SIDE, output="PNG")
    except ImageRefusedError as exc:
        # Checked at upload, so only a file Pillow reads the header of but cannot decode gets here: drop it
        # (the previous logo stays) rather than retry what will fail again.
        logger.warning("organisation %s: logo %s cannot be resized: %s", tenant.pk, source_key, exc.code)
        with transaction.atomic():
            Tenant.objects.filter(pk=tenant.pk, logo_source_key=source_key).update(logo_source_key="")
        storage.delete(source_key)
        return None
    key = storage.save(f"{LOGO_DIR}/logo-{uuid.uuid4().hex}.png", ContentFile(data))
    with transaction.atomic():
        locked = _locked(tenant)
        if locked.logo_source_key != source_key:  # a newer upload or a removal while we worked
            stale, made = [key, source_key], None
        else:
            stale = [source_key, *([locked.logo_key] if locked.logo_key else [])]
            locked.logo_key, locked.logo_source_key, made = key, "", key
            locked.save(update_fields=["logo_key", "logo_source_key"])
        tenant_task_enqueue(organisation_logo_objects_delete_task, tenant=locked, keys=stale)
    return made


def organisation_logo_remove(*, tenant: Tenant, actor: User, ip: str | None = None) -> None:
    """No logo any more (also stops a resize in progress from setting one). Its objects are deleted by a
    task queued with the change; removing no logo is a no-op."""
    from .tasks import organisation_logo_objects_delete_task

    with transaction.atomic():
        locked = _locked(tenant)
        keys = [key for key in (locked.logo_key, locked.logo_source_key) if key]
        if not keys:
            return
        locked.logo_key = locked.logo_source_key = ""
        locked.save(update_fields=["logo_key", "logo_source_key"])
        audit_record(action="organisation.logo_removed", actor=actor, tenant=locked, target=locked, ip=ip)
        tenant_task_enqueue(organisation_logo_objects_delete_task, tenant=locked, keys=keys)


def organisation_logo_objects_delete(*, tenant: Tenant, keys: list[str]) -> None:
    storage = tenant_storage(tenant)
    for key in keys:
        storage.delete(key)  # S3 and the filesystem storage both treat a missing object as deleted


def organisation_leave(*, tenant: Tenant, actor: Membership) -> None:
    """The caller leaves: the members rule, so the last owner cannot (400 `last_owner`), audited `member.left`."""
    member_remove(tenant=tenant, actor=actor, user_id=actor.user_id)


def organisation_deletion_request(
    *, tenant: Tenant, actor: Membership, confirm: str, reason: str = "", ip: str | None = None
) -> datetime:
    """An owner asks for the organisation to be deleted, typing its subdomain to confirm (not its name: that
    one changes through this API, so a client, or a fuzzer, could set both halves). Handed to the operator's
    deletion flow through `organisation_deletion_requested` (the operator app sits above this one): it
    suspends the organisation now and erases it after the grace period. Returns when that will be."""
    if not role_may(actor.role, Action.ORGANISATION_SECURITY):
        raise PermissionDenied(_("Only owners can delete the organisation."))
    subdomain = subdomain_of(tenant_primary_domain(tenant=tenant), settings.SAAS_BASE_DOMAIN)
    if not subdomain or confirm.strip().lower() != subdomain:
        raise _field_error("confirm", _("Type the organisation's subdomain to confirm."), "confirmation_mismatch")
    answers = organisation_deletion_requested.send(
        sender=Tenant, tenant=tenant, actor=actor.user, reason=reason or "Requested by an owner.", ip=ip
    )
    for _receiver, answer in answers:  # not `_`: that is gettext here
        if isinstance(answer, datetime):
            return answer
    raise RuntimeError("no receiver of organisation_deletion_requested: is the operator app installed?")
