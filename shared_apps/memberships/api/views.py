from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from saas.api.openapi import error_response
from tenants.permissions import IsTenantMember, request_membership

from ..models import Membership
from ..selectors import member_get, member_list
from ..services import member_remove, member_role_change
from .serializers import MemberSerializer, MemberUpdateSerializer


class MemberListView(GenericAPIView):
    permission_classes = (IsTenantMember,)
    serializer_class = MemberSerializer

    @extend_schema(responses={200: MemberSerializer(many=True)}, tags=["members"])
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(member_list(tenant=request._request.tenant))  # type: ignore[attr-defined]
        return self.get_paginated_response(MemberSerializer(page, many=True).data)


class MemberDetailView(GenericAPIView):
    permission_classes = (IsTenantMember,)
    serializer_class = MemberSerializer

    @extend_schema(request=MemberUpdateSerializer, responses={200: MemberSerializer}, tags=["members"])
    def patch(self, request: Request, user_id: int) -> Response:
        data = MemberUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = request._request.tenant  # type: ignore[attr-defined]
        actor = request_membership(request)
        assert actor is not None
        member = member_role_change(
            tenant=tenant, actor=actor, user_id=user_id, role=Membership.Role(data.validated_data["role"])
        )
        return Response(MemberSerializer(member_get(tenant=tenant, user_id=member.user_id)).data)

    # 400 `last_owner`: the organisation's last owner cannot leave.
    @extend_schema(responses={204: None, 400: error_response(400)}, tags=["members"])
    def delete(self, request: Request, user_id: int) -> Response:
        actor = request_membership(request)
        assert actor is not None
        member_remove(tenant=request._request.tenant, actor=actor, user_id=user_id)  # type: ignore[attr-defined]
        return Response(status=status.HTTP_204_NO_CONTENT)
