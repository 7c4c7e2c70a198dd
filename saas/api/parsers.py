"""Request parsers: camelCase in, with limits that turn hostile bodies into 4xx instead of 500s."""

from __future__ import annotations

import io
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from djangorestframework_camel_case.parser import CamelCaseJSONParser
from rest_framework.exceptions import ParseError

from saas.api.exceptions import RequestTooLarge


class JSONParser(CamelCaseJSONParser):
    """camelCase JSON, at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes and no deeper than Python can recurse.

    DRF hands a parser the raw request stream, so Django's body size limit never applies to JSON: the
    size is checked here. Deep nesting makes `json.loads` (or the camelCase conversion after it) raise
    RecursionError, which is the client's malformed input, not our failure.
    """

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if stream is not None and limit is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestTooLarge
            stream = io.BytesIO(body)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - nested too deeply.")) from exc
