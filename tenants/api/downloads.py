from __future__ import annotations

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.views import APIView

from ..routed import routed_tenant
from ..storage import download_token_grant, shared_download_token_grant, tenant_storage


class DownloadView(APIView):
    """Development storage only (no S3): serves an object for a signed, expiring `downloadUrl` token.

    The token is the credential, like a presigned URL: bound to this organisation and one key, or to one
    key under a shared prefix (an avatar: `shared_download_url`).
    """

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(exclude=True)
    def get(self, request: Request) -> FileResponse:
        tenant = routed_tenant(request)
        if tenant is None:  # only routed on tenant hosts; belt and braces
            raise exceptions.NotFound
        token = request.query_params.get("token", "")
        grant = download_token_grant(tenant=tenant, token=token)
        if grant is not None:
            storage, (key, filename) = tenant_storage(tenant), grant
        elif (shared := shared_download_token_grant(token=token)) is not None:
            storage, key, filename = shared
        else:
            raise exceptions.NotFound
        try:
            found = storage.exists(key)
        except SuspiciousFileOperation:  # a key escaping the storage's root: only a token signed with our key
            found = False  # could name one, and it names nothing here
        if not found:
            raise exceptions.NotFound
        return FileResponse(storage.open(key, "rb"), as_attachment=True, filename=filename)
