"""Billing API: plans and the Stripe webhook on the public host; the organisation's billing on its own host."""

from __future__ import annotations

import json
import logging
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.accounts.api.serializers import UrlSerializer
from shared_apps.memberships.actions import Action
from shared_apps.memberships.api.tenant_views import TenantAPIView
from shared_apps.memberships.permissions import IsTenantMember, MemberMay
from tenants.usage import STORAGE_BYTES, usage_measure

from ..selectors import billing_overview, plan_list
from ..services import (
    EventMalformedError,
    EventRefusedError,
    checkout_session_create,
    portal_session_create,
    stripe_event_record,
)
from ..stripe_client import billing_enabled
from .serializers import BillingSerializer, CheckoutSerializer, PlanSerializer, WebhookAckSerializer

logger = logging.getLogger(__name__)


class BillingNotConfigured(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy(
        "Upgrades are unavailable: billing is not configured on this server (the operator sets STRIPE_SECRET_KEY)."
    )
    default_code = "billing_not_configured"


class StripeUnavailable(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = gettext_lazy("The payment provider did not answer. Try again in a moment.")
    default_code = "payment_provider_error"


def _require_billing() -> None:
    if not billing_enabled():
        raise BillingNotConfigured()


class BillingAPIView(APIView):
    """Answers "billing is off" and "Stripe is down" in the error shape without reporting them as crashes
    (the standard handler logs every 5xx as an unhandled error)."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, BillingNotConfigured | StripeUnavailable):
            error = {"code": exc.default_code, "detail": str(exc.detail), "attr": None}
            return Response({"type": "server_error", "errors": [error]}, status=exc.status_code)
        return super().handle_exception(exc)


class PlanListView(BillingAPIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(responses={200: PlanSerializer(many=True)}, tags=["billing"], auth=[])
    def get(self, request: Request) -> Response:
        return Response(PlanSerializer(plan_list(), many=True).data)


class BillingView(TenantAPIView, BillingAPIView):
    permission_classes = (IsTenantMember,)

    @extend_schema(responses={200: BillingSerializer}, tags=["billing"])
    def get(self, request: Request) -> Response:
        # Answers without Stripe too: every organisation is then on the free plan, and the page says that
        # upgrades are unavailable instead of failing (issue 16).
        enabled = billing_enabled()
        overview = billing_overview(tenant=self.tenant)
        plan = overview.plan
        body: dict[str, object] = {
            "plan": plan.code,
            "plan_name": plan.name,
            "status": overview.status,
            "seats": {"used": overview.seats_used, "limit": overview.seat_limit},
            "storage_limit_bytes": plan.storage_limit_bytes,
            "storage_used_bytes": usage_measure(STORAGE_BYTES),
            "upgrades_available": enabled,
            "limits_enforced": enabled,
            "trial_ends_at": overview.trial_ends_at,
            "current_period_end": overview.current_period_end,
            "cancel_at_period_end": overview.cancel_at_period_end,
            "read_only_from": overview.read_only_from,
            "features": list(plan.features or []),
        }
        return Response(BillingSerializer(body).data)


def _email(request: Request) -> str:
    return str(getattr(request.user, "email", ""))


def _stripe_call(call: Any) -> str:
    """Stripe unreachable (a connection error or a timeout) is the exception handler's 503
    `payment_provider_unavailable`; Stripe answering with an error of its own is a 502."""
    try:
        return str(call())
    except stripe.APIConnectionError:
        raise
    except stripe.StripeError as exc:
        logger.error("billing: Stripe refused or failed: %r", exc)
        raise StripeUnavailable() from exc


class CheckoutView(TenantAPIView, BillingAPIView):
    permission_classes = (MemberMay.of(Action.BILLING_MANAGE),)

    @extend_schema(request=CheckoutSerializer, responses={200: UrlSerializer}, tags=["billing"])
    def post(self, request: Request) -> Response:
        _require_billing()
        data = CheckoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = self.tenant
        url = _stripe_call(
            lambda: checkout_session_create(tenant=tenant, plan_code=data.validated_data["plan"], email=_email(request))
        )
        return Response({"url": url})


class PortalView(TenantAPIView, BillingAPIView):
    permission_classes = (MemberMay.of(Action.BILLING_MANAGE),)

    @extend_schema(request=None, responses={200: UrlSerializer}, tags=["billing"])
    def post(self, request: Request) -> Response:
        _require_billing()
        tenant = self.tenant
        return Response({"url": _stripe_call(lambda: portal_session_create(tenant=tenant, email=_email(request)))})


class RawBodyParser(BaseParser):
    """Accepts any body without reading it: the signature is checked over the exact bytes Stripe sent."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return {}


class InvalidWebhook(exceptions.ParseError):
    default_code = "invalid_signature"
    default_detail = "The Stripe-Signature header does not match this body, or it is too old."


class StripeWebhookView(BillingAPIView):
    """Stripe's events. Verified over the raw body (signature and 300 s tolerance), stored once by event id,
    processed by a Celery task queued on commit. A duplicate answers 200 and changes nothing."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = (RawBodyParser,)

    @extend_schema(
        request={"application/json": {"type": "object"}},
        responses={200: WebhookAckSerializer, 400: OpenApiResponse(description="bad signature or payload")},
        tags=["billing"],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise BillingNotConfigured()
        raw = request.body
        try:
            stripe.WebhookSignature.verify_header(
                raw,
                request.META.get("HTTP_STRIPE_SIGNATURE", ""),
                settings.STRIPE_WEBHOOK_SECRET,
                tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
            )
            # The body's own JSON, not stripe-python's Event: its objects turn decimal strings
            # (`unit_amount_decimal`, `fx_rate`) into Decimal, which a JSON column refuses, and stored
            # as sent the event keeps the shape of whatever API version the endpoint is pinned to.
            event = json.loads(raw)
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook() from exc
        except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, or nested too deep
            raise InvalidWebhook(detail="The body is not a Stripe event.", code="invalid_payload") from exc
        try:
            _, created = stripe_event_record(event=event)
        except EventMalformedError as exc:
            raise InvalidWebhook(detail="The body is not a Stripe event.", code="invalid_payload") from exc
        except EventRefusedError as exc:
            logger.warning("billing: refused event %s: livemode does not match this deployment's key", event["id"])
            raise InvalidWebhook(
                detail="This event's livemode does not match this deployment's Stripe key.", code="livemode_mismatch"
            ) from exc
        return Response({"received": True, "duplicate": not created})
