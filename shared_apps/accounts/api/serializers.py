from __future__ import annotations

from rest_framework import serializers

from saas.api.fields import StrictCharField


class LoginInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = StrictCharField(max_length=256, trim_whitespace=False)


class RefreshInputSerializer(serializers.Serializer):
    refresh = StrictCharField(required=False, help_text="Omit to use the refresh cookie.")


class CodeInputSerializer(serializers.Serializer):
    code = StrictCharField(max_length=128)


# Output shapes build on two briefs, so a user or an organisation reads the same in every response.
class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class UserSerializer(UserBriefSerializer):
    full_name = StrictCharField()


class TenantBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = StrictCharField()
    subdomain = StrictCharField()


class TokenPairSerializer(serializers.Serializer):
    access = StrictCharField()
    refresh = StrictCharField()


class LoginOutputSerializer(TokenPairSerializer):
    user = UserSerializer()
    role = StrictCharField(required=False, help_text="On a tenant host: the role in this organisation.")


class MeSerializer(UserSerializer):
    role = StrictCharField()
    tenant = TenantBriefSerializer()
    impersonated_by = UserBriefSerializer(allow_null=True)


class AccountTenantSerializer(TenantBriefSerializer):
    url = serializers.URLField()
    role = StrictCharField()
    status = StrictCharField()


class UrlSerializer(serializers.Serializer):
    url = serializers.URLField()
