from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination

INVALID_CURSOR = _("This cursor is not valid here: start again from the first page (without `cursor`).")


class CursorPagination(pagination.CursorPagination):
    """Stable pages however rows are added meanwhile: `?cursor=` from `next`, `?page_size=` up to 200.

    A cursor is opaque to clients, but it is only base64: a tampered one (or one from a list with another
    `ordering`) can name a position the database cannot compare. That is a 400 naming `cursor`, not a 500."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        if request.query_params.get(self.cursor_query_param) is None:
            return super().paginate_queryset(queryset, request, view)
        try:
            # A savepoint, so that a position the database refuses does not abort the request's transaction.
            with transaction.atomic():
                return super().paginate_queryset(queryset, request, view)
        except (exceptions.NotFound, ValueError, TypeError, OverflowError, DjangoValidationError, DataError) as error:
            raise exceptions.ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from error
