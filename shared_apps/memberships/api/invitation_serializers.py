from __future__ import annotations

from rest_framework import serializers

from saas.api.fields import StrictCharField

from ..models import Invitation, Membership


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class InviterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class InvitationSerializer(serializers.Serializer):
    """Never the token: it exists only in the email. One component for list, create and resend (one
    `InvitationStatusEnum` in the schema)."""

    id = serializers.UUIDField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    status = serializers.ChoiceField(choices=Invitation.Status.choices)
    expires_at = serializers.DateTimeField()
    invited_by = InviterSerializer(allow_null=True, help_text="Null when the inviter's account was deleted.")


class InvitationPreviewQuerySerializer(serializers.Serializer):
    token = StrictCharField(max_length=200)


class InvitationPreviewSerializer(serializers.Serializer):
    organisation_name = StrictCharField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    account_exists = serializers.BooleanField()


class InvitationAcceptSerializer(serializers.Serializer):
    token = StrictCharField(max_length=200)
    password = StrictCharField(max_length=256, trim_whitespace=False)
    full_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
