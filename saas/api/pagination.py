from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`{count, next, previous, results}`; clients pick `pageSize` up to a cap."""

    page_size_query_param = "pageSize"
    max_page_size = 100
