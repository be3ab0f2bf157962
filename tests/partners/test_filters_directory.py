"""The directory's filters, search and sorting: one PartnerFilterSet behind the page and the API list."""

import pytest

from partners.models import CustomPartnerType, PartnerStatus, PartnerType
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.api.conftest import key_client
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, make_api_key
from tests.partners.test_views_directory import listed
from tests.prm.query_counts import queries_for

LIST = "/t/acme/partners/"


@pytest.fixture
def manager(tenant):
    return StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER, user__email="carla@acme.example")


@pytest.fixture
def directory(tenant, manager):
    with tenant_context(tenant):
        CustomPartnerType.objects.create(key="marketplace", label="Cloud marketplace")
    return {
        "alpine": PartnerOrganizationFactory(
            tenant=tenant,
            name="Alpine Networks",
            legal_name="Alpine Networks GmbH",
            tier="gold",
            region="EMEA",
            ipp_score=82,
            owner=manager.user,
            email_domains=["alpine.example"],
        ),
        "bayside": PartnerOrganizationFactory(
            tenant=tenant,
            name="Bayside IT",
            tier="silver",
            region="NA",
            ipp_score=55,
            partner_type=PartnerType.MSP,
            status=PartnerStatus.ONBOARDING,
        ),
        "cumulus": PartnerOrganizationFactory(
            tenant=tenant, name="Cumulus Market", partner_type="marketplace", region="APAC", ipp_score=None
        ),
    }


@pytest.fixture
def staff(client, tenant, manager):
    return login(client, manager)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"tier": "gold"}, ["Alpine Networks"]),
        ({"region": "na"}, ["Bayside IT"]),
        ({"min_score": "60"}, ["Alpine Networks"]),
        ({"min_score": "50"}, ["Alpine Networks", "Bayside IT"]),
        ({"partner_type": "marketplace"}, ["Cumulus Market"]),  # a type the program added
        ({"status": "onboarding"}, ["Bayside IT"]),
        ({"search": "gmbh"}, ["Alpine Networks"]),  # legal name
        ({"search": "alpine.example"}, ["Alpine Networks"]),  # email domain
        ({"tier": "gold", "region": "NA"}, []),
    ],
)
def test_each_filter_narrows_the_directory(staff, directory, query, names):
    assert listed(staff.get(LIST, query)) == names


def test_owner_filter_lists_the_partners_a_channel_manager_owns(staff, directory, manager):
    html = staff.get(LIST).content.decode()

    assert listed(staff.get(LIST, {"owner": manager.user.pk})) == ["Alpine Networks"]
    assert f'<option value="{manager.user.pk}">' in html  # offered in the owner filter


def test_type_filter_offers_built_in_and_custom_types(staff, directory):
    html = staff.get(LIST).content.decode()

    assert '<option value="msp">' in html
    assert '<option value="marketplace">Cloud marketplace</option>' in html


@pytest.mark.parametrize(
    ("ordering", "names"),
    [
        ("name", ["Alpine Networks", "Bayside IT", "Cumulus Market"]),
        ("-name", ["Cumulus Market", "Bayside IT", "Alpine Networks"]),
        ("score", ["Alpine Networks", "Bayside IT", "Cumulus Market"]),  # unscored last
        ("-score", ["Bayside IT", "Alpine Networks", "Cumulus Market"]),
        ("created", ["Cumulus Market", "Bayside IT", "Alpine Networks"]),
        ("nonsense", ["Alpine Networks", "Bayside IT", "Cumulus Market"]),
    ],
)
def test_directory_sorts_by_name_score_or_creation(staff, directory, ordering, names):
    assert listed(staff.get(LIST, {"ordering": ordering})) == names


def test_an_invalid_score_is_ignored_not_an_error(staff, directory):
    response = staff.get(LIST, {"min_score": "lots"})

    assert response.status_code == 200
    assert len(listed(response)) == 3


def test_htmx_filtering_returns_only_the_rows(staff, directory):
    response = staff.get(LIST, {"tier": "silver"}, HTTP_HX_REQUEST="true")

    assert listed(response) == ["Bayside IT"]
    assert "<html" not in response.content.decode()


def test_the_api_list_takes_the_same_filters(tenant, directory):
    _, raw = make_api_key(tenant, scopes=["partners:read"])
    api = key_client(raw)

    response = api.get("/api/v1/partners/", {"tier": "gold", "min_score": 80, "search": "alpine.example"})
    custom = api.get("/api/v1/partners/", {"partner_type": "marketplace"})

    assert [row["name"] for row in response.json()["results"]] == ["Alpine Networks"]
    assert [row["name"] for row in custom.json()["results"]] == ["Cumulus Market"]


def test_api_refuses_an_unknown_type_naming_the_filter(tenant, directory):
    _, raw = make_api_key(tenant, scopes=["partners:read"])

    response = key_client(raw).get("/api/v1/partners/", {"partner_type": "spaceship"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "partner_type"


def test_filtered_directory_query_count_does_not_grow_with_partners(client, tenant, tenant_admin, directory):
    login(client, tenant_admin)
    url = f"{LIST}?region=EMEA&min_score=10&ordering=score"

    def add(count):
        for partner in PartnerOrganizationFactory.create_batch(count, tenant=tenant, region="EMEA", ipp_score=40):
            PartnerUserFactory(tenant=tenant, partner_organization=partner, role=Role.PARTNER_SALES)

    add(2)
    with_3 = (queries_for(client, url), queries_for(client, url, HTTP_HX_REQUEST="true"))
    add(27)
    with_30 = (queries_for(client, url), queries_for(client, url, HTTP_HX_REQUEST="true"))

    assert with_30 == with_3
