from rest_framework import serializers

from saas.api.fields import StrictCharField

from ..models import File
from ..thumbnails import THUMBNAIL_MAX_SIDE, file_thumbnail_url


# Needs the tenant in its context ({"tenant": ...}): the thumbnail's link is signed for it. (A comment, not a
# docstring: that would become the schema's description of a file.)
class FileSerializer(serializers.ModelSerializer[File]):
    project_id = serializers.IntegerField(read_only=True, allow_null=True)
    thumbnail_url = serializers.SerializerMethodField(
        help_text=f"An image's thumbnail (WebP, {THUMBNAIL_MAX_SIDE} px at most), a link valid for 15 minutes; "
        "null for anything else, and until it is made (a few seconds after the upload)."
    )

    class Meta:
        model = File
        fields = ["id", "name", "size", "content_type", "project_id", "created_at", "thumbnail_url"]

    def get_thumbnail_url(self, file: File) -> str | None:
        return file_thumbnail_url(tenant=self.context["tenant"], file=file)


class FileDetailSerializer(FileSerializer):
    download_url = StrictCharField(help_text="Valid for 15 minutes; downloads as an attachment.")

    class Meta(FileSerializer.Meta):
        fields = [*FileSerializer.Meta.fields, "download_url"]


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    project_id = serializers.IntegerField(required=False, allow_null=True)


class FileListQuerySerializer(serializers.Serializer):
    # The query string is not camelCase-converted: the parameter is named as clients send it.
    projectId = serializers.IntegerField(  # noqa: N815
        source="project_id", required=False, min_value=1, help_text="Only the files of this project."
    )


class FileLimitsSerializer(serializers.Serializer):
    max_upload_bytes = serializers.IntegerField(help_text="The largest file accepted (FILE_UPLOAD_MAX_BYTES).")
    content_types = serializers.ListField(child=StrictCharField(), help_text="The content types accepted.")
