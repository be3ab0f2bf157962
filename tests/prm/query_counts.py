"""Query counting for list pages: the count must not grow with the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url, **extra) -> int:
    """How many SQL queries one GET of `url` runs (the page must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return len(captured)
