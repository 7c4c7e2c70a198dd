from __future__ import annotations

from rest_framework import serializers


class LoginInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(required=False, help_text="Omit to use the refresh cookie.")


class CodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=128)


# Output shapes build on two briefs, so a user or an organisation reads the same in every response.
class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class UserSerializer(UserBriefSerializer):
    full_name = serializers.CharField()


class TenantBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    subdomain = serializers.CharField()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LoginOutputSerializer(TokenPairSerializer):
    user = UserSerializer()
    role = serializers.CharField(required=False, help_text="On a tenant host: the role in this organisation.")


class MeSerializer(UserSerializer):
    role = serializers.CharField()
    tenant = TenantBriefSerializer()
    impersonated_by = UserBriefSerializer(allow_null=True)


class AccountTenantSerializer(TenantBriefSerializer):
    url = serializers.URLField()
    role = serializers.CharField()
    status = serializers.CharField()


class UrlSerializer(serializers.Serializer):
    url = serializers.URLField()
