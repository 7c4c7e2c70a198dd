import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import pagination, serializers
from rest_framework.request import Request

_WHOLE_NUMBER = re.compile(r"[0-9]+")


class PageNumberPagination(pagination.PageNumberPagination):
    """`{count, next, previous, results}`; clients pick `pageSize` up to a cap."""

    page_size_query_param = "pageSize"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        # DRF ignores a pageSize it cannot read; the schema says a whole number of at least 1, so anything
        # else is the client's mistake, said as a 400 naming the parameter. Over the cap is capped (API.md).
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return int(self.page_size or self.max_page_size)
        if len(values) != 1 or not _WHOLE_NUMBER.fullmatch(values[0]) or int(values[0]) < 1:
            raise serializers.ValidationError(
                {self.page_size_query_param: [_("Must be one whole number of at least 1.")]}, code="invalid"
            )
        if len(values[0]) > 9:  # over the cap whatever its value (and no 5,000-digit int() to parse)
            return self.max_page_size
        return min(int(values[0]), self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        # DRF reads `?page=` (empty) as page 1; the schema says a whole number, so it is a 400 naming it.
        if request.query_params.get(self.page_query_param, None) == "":
            raise serializers.ValidationError({self.page_query_param: [_("Must be a whole number of at least 1.")]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = f"Number of results per page, at most {self.max_page_size} (more is capped)."
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
