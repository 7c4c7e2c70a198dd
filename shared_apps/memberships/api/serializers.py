from rest_framework import serializers

from saas.api.fields import StrictCharField

from ..models import Membership


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.id", help_text="The member's user id.")
    email = serializers.EmailField(source="user.email")
    full_name = StrictCharField(source="user.full_name")
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    joined_at = serializers.DateTimeField(source="created_at")


class MemberUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)
