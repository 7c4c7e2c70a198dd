"""The product's tenant routes plus `/api/test/schema/`, which tells which schema served the request."""

import os
import threading

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

from saas.urls_tenant import handler400, handler403, handler404, handler500  # noqa: F401
from saas.urls_tenant import urlpatterns as product


def current_schema(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), pg_backend_pid()")
        row = cursor.fetchone()
    return JsonResponse(
        {
            "schema": row[0] if row else None,
            "tenant": request.tenant.schema_name,  # type: ignore[attr-defined]
            "host": request.META.get("HTTP_HOST"),
            "secure": request.is_secure(),
            "requestId": request.headers.get("X-Request-ID"),
            "worker": f"{os.getpid()}:{threading.get_ident()}",
            "backend": row[1] if row else None,  # the PostgreSQL connection that served it
        }
    )


urlpatterns = [path("api/test/schema/", current_schema), *product]
