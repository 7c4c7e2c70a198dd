"""The dashboard's numbers in one request: the team, each app's counts and storage against the plan, and
the onboarding checklist that ticks itself as the organisation invites someone, makes a project and
uploads a file. Counts come from tenants.usage (each tenant app registers its own), so this names no app."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.entitlements import entitlements
from tenants.usage import FILES, PROJECTS, STORAGE_BYTES, usage_measure

from ..invitations import invitation_list
from ..models import Invitation, Membership
from ..permissions import IsTenantMember
from .tenant_views import TenantAPIView


class ChecklistSerializer(serializers.Serializer[dict[str, Any]]):
    invited_someone = serializers.BooleanField(help_text="An invitation was ever sent, or the team is more than one.")
    created_project = serializers.BooleanField()
    uploaded_file = serializers.BooleanField()


class OverviewSerializer(serializers.Serializer[dict[str, Any]]):
    members = serializers.IntegerField(help_text="Active members.")
    pending_invitations = serializers.IntegerField()
    projects = serializers.IntegerField(allow_null=True, help_text="Null when no installed app counts them.")
    files = serializers.IntegerField(allow_null=True)
    storage_used_bytes = serializers.IntegerField(allow_null=True)
    storage_limit_bytes = serializers.IntegerField(allow_null=True, help_text="Null: unlimited.")
    checklist = ChecklistSerializer()


class OrganisationOverviewView(TenantAPIView):
    permission_classes = (IsTenantMember,)

    @extend_schema(responses={200: OverviewSerializer}, tags=["organisation"], summary="The dashboard's numbers")
    def get(self, request: Request) -> Response:
        members = Membership.objects.filter(tenant=self.tenant, is_active=True).count()
        pending = invitation_list(tenant=self.tenant).count()
        projects, files = usage_measure(PROJECTS), usage_measure(FILES)
        body = {
            "members": members,
            "pending_invitations": pending,
            "projects": projects,
            "files": files,
            "storage_used_bytes": usage_measure(STORAGE_BYTES),
            "storage_limit_bytes": entitlements().storage_limit_bytes(self.tenant),
            "checklist": {
                "invited_someone": members > 1 or Invitation.objects.filter(tenant=self.tenant).exists(),
                "created_project": bool(projects),
                "uploaded_file": bool(files),
            },
        }
        return Response(OverviewSerializer(body).data)
