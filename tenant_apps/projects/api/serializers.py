from rest_framework import serializers

from saas.api.fields import StrictCharField

from ..models import Project


class ProjectSerializer(serializers.ModelSerializer[Project]):
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = ["id", "name", "description", "created_at", "created_by"]
        read_only_fields = ["id", "created_at", "created_by"]


class ProjectInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    description = StrictCharField(allow_blank=True, required=False, default="", max_length=10_000)


class ProjectUpdateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200, required=False)
    description = StrictCharField(allow_blank=True, required=False, max_length=10_000)


class ProjectListQuerySerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, help_text="Case-insensitive part of the name.")
    ordering = serializers.ChoiceField(
        choices=["name", "-name", "created_at", "-created_at"], required=False, help_text="Default: newest first."
    )
