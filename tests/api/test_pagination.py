"""Cursor pagination: `next` walks every row exactly once, newest first, however rows are added meanwhile."""

import pytest

from tests.api.conftest import fields_of, problem_of
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db


def walk(client, url, **params):
    """Every page from `url` on, following `next`: (pages, ids in order)."""
    pages, ids = [], []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        pages.append(page)
        ids += [row["id"] for row in page["results"]]
        if not page["next"]:
            return pages, ids
        response = client.get(page["next"])


def test_next_walks_all_rows_exactly_once_newest_first(tenant, api):
    partners = PartnerOrganizationFactory.create_batch(7, tenant=tenant)
    pages, ids = walk(api, "/api/v1/partners/", page_size=3)
    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    assert ids == sorted((p.pk for p in partners), reverse=True)
    assert pages[0]["previous"] is None and pages[1]["previous"]


def test_pages_stay_stable_when_rows_are_added_between_them(tenant, api):
    before = PartnerOrganizationFactory.create_batch(6, tenant=tenant)
    first = api.get("/api/v1/partners/", {"page_size": 4}).json()
    added = PartnerOrganizationFactory.create_batch(3, tenant=tenant)
    _, rest = walk(api, first["next"])
    seen = [row["id"] for row in first["results"]] + rest
    assert seen == sorted((p.pk for p in before), reverse=True)
    # The new rows are at the head of the list, for the next sync to pick up.
    assert [row["id"] for row in api.get("/api/v1/partners/", {"page_size": 3}).json()["results"]] == sorted(
        (p.pk for p in added), reverse=True
    )


def test_cursor_pages_follow_the_ordering_asked_for(tenant, api):
    for name in ["Delta", "Alpha", "Echo", "Charlie", "Bravo"]:
        PartnerOrganizationFactory(tenant=tenant, name=name)
    pages, _ = walk(api, "/api/v1/partners/", page_size=2, ordering="name")
    assert [row["name"] for page in pages for row in page["results"]] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]


def test_page_size_is_capped_at_200(tenant, api):
    PartnerOrganizationFactory.create_batch(3, tenant=tenant)
    assert len(api.get("/api/v1/partners/", {"page_size": 10_000}).json()["results"]) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-base64!"},
        {"cursor": "cD1hYmM="},  # p=abc: not an id
        {"cursor": "cD1ub3RhZGF0ZQ==", "ordering": "updated_at"},  # p=notadate
    ],
)
def test_a_tampered_cursor_is_400_naming_cursor(tenant, api, params):
    PartnerOrganizationFactory(tenant=tenant)
    response = api.get("/api/v1/partners/", params)
    assert fields_of(problem_of(response, 400)) == ["cursor"]
    # The request's transaction is still usable afterwards (the refused query ran in a savepoint).
    assert api.get("/api/v1/partners/").status_code == 200
