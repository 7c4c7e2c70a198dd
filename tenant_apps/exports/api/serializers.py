from rest_framework import serializers

from saas.api.fields import StrictCharField


class ExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["pending", "running", "done", "failed"])
    download_url = StrictCharField(required=False, help_text="When done; valid for 15 minutes.")
