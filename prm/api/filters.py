from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the view's filters: building and validating the
    FilterSet's form costs more than the rest of a small list request."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not set(filterset_class.base_filters).intersection(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
