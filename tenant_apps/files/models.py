from django.conf import settings
from django.db import models


class File(models.Model):
    """Metadata in the tenant's schema; the bytes live in object storage under the tenant's prefix."""

    name = models.CharField(max_length=255)
    # Relative to the tenant's storage location (`tenants/<tenant id>/`): `files/<uuid>/<safe name>`.
    key = models.CharField(max_length=400, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    # The bounded copy an image gets from the thumbnail task (tenant_apps/files/thumbnails.py), relative to
    # the same root: `files/thumbnails/<uuid>.webp`; "" until it is made, and for anything not an image.
    # db_default too: the previous release's processes insert rows without this column mid-deploy.
    thumbnail_key = models.CharField(max_length=400, blank=True, default="", db_default="")
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
