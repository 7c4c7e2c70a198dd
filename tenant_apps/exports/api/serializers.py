from rest_framework import serializers


class ExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["pending", "running", "done", "failed"])
    download_url = serializers.CharField(required=False, help_text="When done; valid for 15 minutes.")
