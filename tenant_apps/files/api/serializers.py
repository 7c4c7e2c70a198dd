from rest_framework import serializers

from ..models import File


class FileSerializer(serializers.ModelSerializer[File]):
    project_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = File
        fields = ["id", "name", "size", "content_type", "project_id", "created_at"]


class FileDetailSerializer(FileSerializer):
    download_url = serializers.CharField(help_text="Valid for 15 minutes; downloads as an attachment.")

    class Meta(FileSerializer.Meta):
        fields = [*FileSerializer.Meta.fields, "download_url"]


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    project_id = serializers.IntegerField(required=False, allow_null=True)
