from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from saas.api.openapi import error_response

from ..models import Membership
from ..permissions import IsTenantMember
from ..selectors import member_get, member_list
from ..services import member_remove, member_role_change
from .serializers import MemberSerializer, MemberUpdateSerializer
from .tenant_views import TenantGenericAPIView


class MemberListView(TenantGenericAPIView):
    permission_classes = (IsTenantMember,)
    serializer_class = MemberSerializer

    @extend_schema(responses={200: MemberSerializer(many=True)}, tags=["members"])
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(member_list(tenant=self.tenant))
        return self.get_paginated_response(MemberSerializer(page, many=True).data)


class MemberDetailView(TenantGenericAPIView):
    permission_classes = (IsTenantMember,)
    serializer_class = MemberSerializer

    @extend_schema(request=MemberUpdateSerializer, responses={200: MemberSerializer}, tags=["members"])
    def patch(self, request: Request, user_id: int) -> Response:
        data = MemberUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = self.tenant
        member = member_role_change(
            tenant=tenant, actor=self.membership, user_id=user_id, role=Membership.Role(data.validated_data["role"])
        )
        return Response(MemberSerializer(member_get(tenant=tenant, user_id=member.user_id)).data)

    # 400 `last_owner`: the organisation's last owner cannot leave.
    @extend_schema(responses={204: None, 400: error_response(400)}, tags=["members"])
    def delete(self, request: Request, user_id: int) -> Response:
        member_remove(tenant=self.tenant, actor=self.membership, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
