"""Signup on the public host: a new account and its organisation, and the live subdomain check of the form."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saas.api.ratelimit import client_ip, rate_limit
from tenants.hosts import SUBDOMAIN_MESSAGES
from tenants.selectors import subdomain_availability, tenant_url

from ..services import email_verification_send
from ..signup import signup_create
from .serializers import (
    SignupInputSerializer,
    SignupOutputSerializer,
    SubdomainCheckInputSerializer,
    SubdomainCheckOutputSerializer,
)


class SignupView(APIView):
    """Create an account and its organisation. The organisation is ready when the 201 arrives."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(request=SignupInputSerializer, responses={201: SignupOutputSerializer}, tags=["signup"])
    def post(self, request: Request) -> Response:
        # Counted before validation: "this email already has an account" must not be probed at will either.
        rate_limit("signup_ip", client_ip(request._request))
        email = request.data.get("email") if isinstance(request.data, dict) else None
        if isinstance(email, str):
            rate_limit("signup_email", email.strip())
        data = SignupInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup = signup_create(**data.validated_data)
        email_verification_send(request=request._request, user=signup.user)
        subdomain = data.validated_data["subdomain"]
        body = {
            "tenant": {
                "id": signup.tenant.id,
                "name": signup.tenant.name,
                "subdomain": subdomain,
                "url": tenant_url(host=signup.host),
                "status": signup.tenant.status,
            },
            "user": {"id": signup.user.id, "email": signup.user.email},
        }
        return Response(SignupOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class SubdomainCheckView(APIView):
    """Is this subdomain free to sign up with? For the live check in the signup form."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        parameters=[SubdomainCheckInputSerializer],
        responses={200: SubdomainCheckOutputSerializer},
        tags=["signup"],
    )
    def get(self, request: Request) -> Response:
        query = SubdomainCheckInputSerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        availability = subdomain_availability(subdomain=query.validated_data["subdomain"])
        body: dict[str, object] = {"subdomain": availability.subdomain, "available": availability.available}
        if availability.problem is not None:
            body["reason"] = availability.problem.value
            body["detail"] = SUBDOMAIN_MESSAGES[availability.problem]
        return Response(SubdomainCheckOutputSerializer(body).data)
