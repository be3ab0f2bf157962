from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Stable pages however rows are added meanwhile: `?cursor=` from `next`, `?page_size=` up to 200."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200
