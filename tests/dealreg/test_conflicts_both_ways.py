"""Conflicts between registrations are symmetric and kept current (issue 16, 4.2): the earlier of two registrations
of the same customer lists the later one, in the queue's count and on its page, as the later lists the earlier; a
registration that is withdrawn, rejected, expired, won or lost stops counting on the others; a registration whose
customer changes is screened again on both sides."""

import importlib
import re

import pytest
from django.db import connection

from dealreg import selectors, services
from dealreg.models import DealConflict, DealRegistration, DealStatus
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.dealreg.helpers import in_days, refreshed

pytestmark = pytest.mark.django_db


def queue_row(body: str, registration) -> str:
    match = re.search(rf'<tr data-registration="{registration.pk}">(.*?)</tr>', body, re.S)
    assert match, f"registration {registration.pk} is not in the queue"
    return match.group(1)


def conflicts_cell(row: str) -> str:
    """The row's last cell: the conflict count (a badge) or a dash."""
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]


def test_the_earlier_registration_lists_the_later_one_in_the_queue_and_on_its_page(
    client, tenant, channel_manager, other_partner, register
):
    earlier = register()
    later = register(actor=other_partner)
    login(client, channel_manager)

    queue = client.get("/t/acme/deals/review/").content.decode()
    assert ">1</span>" in conflicts_cell(queue_row(queue, earlier))
    assert ">1</span>" in conflicts_cell(queue_row(queue, later))

    page = client.get(f"/t/acme/deals/{earlier.pk}/").content.decode()
    assert "Conflicts (1)" in page
    assert f'href="/t/acme/deals/{later.pk}/"' in page
    assert other_partner.partner_organization.name in page
    assert "registered after this one" in page
    later_page = client.get(f"/t/acme/deals/{later.pk}/").content.decode()
    assert "Conflicts (1)" in later_page and "registered before this one" in later_page


def test_the_staff_list_and_the_filter_count_conflicts_both_ways(
    client, tenant, channel_manager, other_partner, register
):
    earlier = register()
    lone = register(customer_name="Globex Corporation", customer_website="globex.com")
    register(actor=other_partner)
    login(client, channel_manager)

    with_conflicts = client.get("/t/acme/deals/review/?has_conflicts=true").content.decode()
    without = client.get("/t/acme/deals/review/?has_conflicts=false").content.decode()
    assert f'data-registration="{earlier.pk}"' in with_conflicts
    assert f'data-registration="{lone.pk}"' not in with_conflicts
    assert f'data-registration="{earlier.pk}"' not in without and f'data-registration="{lone.pk}"' in without
    listing = client.get("/t/acme/deals/?search=Initech").content.decode()
    assert listing.count('<span class="badge text-bg-warning">1</span>') == 2


def end_by_withdrawal(tenant, registration, other_partner, channel_manager):
    services.deal_withdraw(actor=other_partner, registration=registration, reason="Customer went elsewhere")


def end_by_rejection(tenant, registration, other_partner, channel_manager):
    services.deal_reject(actor=channel_manager, registration=registration, reason="duplicate")


def end_by_expiry(tenant, registration, other_partner, channel_manager):
    services.deal_approve(actor=channel_manager, registration=registration)
    DealRegistration.objects.filter(pk=registration.pk).update(protected_until=in_days(-1))
    services.deal_expire(registration=registration)


def end_by_winning(tenant, registration, other_partner, channel_manager):
    services.deal_approve(actor=channel_manager, registration=registration)
    services.deal_mark_won(actor=other_partner, registration=registration, closed_amount="48000")


def end_by_losing(tenant, registration, other_partner, channel_manager):
    services.deal_approve(actor=channel_manager, registration=registration)
    services.deal_mark_lost(actor=other_partner, registration=registration, reason="No budget")


@pytest.mark.parametrize(
    "end", [end_by_withdrawal, end_by_rejection, end_by_expiry, end_by_winning, end_by_losing], ids=lambda f: f.__name__
)
def test_a_registration_that_ends_stops_counting_on_the_others(
    client, tenant, channel_manager, other_partner, register, end
):
    earlier = register()
    later = register(actor=other_partner)
    with tenant_context(tenant):
        end(tenant, later, other_partner, channel_manager)
    login(client, channel_manager)

    assert "Conflicts (0)" in client.get(f"/t/acme/deals/{earlier.pk}/").content.decode()
    assert conflicts_cell(queue_row(client.get("/t/acme/deals/review/").content.decode(), earlier)).strip() == "—"
    # The one that ended still shows the registration it met (which is active).
    assert "Conflicts (1)" in client.get(f"/t/acme/deals/{later.pk}/").content.decode()


def test_the_earlier_one_ending_stops_counting_on_the_later(tenant, channel_manager, other_partner, register):
    earlier = register()
    later = register(actor=other_partner)
    with tenant_context(tenant):
        services.deal_withdraw(actor=channel_manager, registration=earlier)
        assert [r.id for r in selectors.conflict_records(later)] == []
        counted = selectors.with_conflict_counts(DealRegistration.objects.filter(pk=later.pk)).get()
        assert selectors.conflict_count(counted) == 0


def test_a_changed_customer_is_screened_again_on_both_sides(tenant, other_partner, register):
    earlier = register()
    later = register(actor=other_partner)
    globex = register(customer_name="Globex Corporation", customer_website="globex.com")
    with tenant_context(tenant):
        services.deal_update(
            actor=other_partner, registration=later, customer_name="Globex Corp", customer_website="globex.com"
        )
        assert [r.id for r in selectors.conflict_records(earlier)] == []
        assert [r.id for r in selectors.conflict_records(globex)] == [later.pk]
        assert [r.id for r in selectors.conflict_records(refreshed(tenant, later))] == [globex.pk]


def test_the_pairs_are_kept_both_ways_whatever_wrote_the_conflicts(tenant, other_partner, register):
    earlier = register()
    later = register(actor=other_partner)
    with tenant_context(tenant):
        pairs = set(DealConflict.objects.values_list("registration_id", "other_id"))
        assert pairs == {(earlier.pk, later.pk), (later.pk, earlier.pk)}
        # A write of the column (a bulk update, another code path) keeps the pairs in step, through the trigger.
        DealRegistration.objects.filter(pk=later.pk).update(conflicts=[])
        assert not DealConflict.objects.exists()


def test_the_migration_writes_the_pairs_of_registrations_screened_before_it(tenant, other_partner, register):
    earlier = register()
    later = register(actor=other_partner)
    migration = importlib.import_module("dealreg.migrations.0005_registration_conflicts_both_ways")
    with tenant_context(tenant):
        DealConflict.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(migration._sql(migration.BACKFILL, "dealreg_dealregistration AS r"))
        pairs = set(DealConflict.objects.values_list("registration_id", "other_id"))
    assert pairs == {(earlier.pk, later.pk), (later.pk, earlier.pk)}


def test_the_queue_counts_conflicts_in_a_fixed_number_of_queries(client, tenant, channel_manager, other_org, register):
    from tests.factories import PartnerOrganizationFactory, PartnerUserFactory
    from tests.prm.query_counts import queries_for

    register()
    login(client, channel_manager)
    few = queries_for(client, "/t/acme/deals/review/")
    for _ in range(4):
        user = PartnerUserFactory(tenant=tenant, partner_organization=PartnerOrganizationFactory(tenant=tenant))
        register(actor=user)
    register(customer_name="Globex Corporation", customer_website="globex.com")
    assert queries_for(client, "/t/acme/deals/review/") == few
    with tenant_context(tenant):
        assert DealRegistration.objects.filter(status=DealStatus.SUBMITTED).count() == 6


def test_the_api_gives_staff_the_conflicts_as_they_stand_and_partners_what_they_were_told(
    tenant, partner_org, other_partner, channel_manager, register
):
    from tests.api.conftest import key_client
    from tests.factories import make_api_key

    earlier = register()
    later = register(actor=other_partner)
    staff = key_client(make_api_key(tenant, scopes=["deals:read"], name="CRM")[1])
    partner = key_client(make_api_key(tenant, scopes=["deals:read"], partner_organization=partner_org, name="P")[1])

    assert [c["id"] for c in staff.get(f"/api/v1/deals/{earlier.pk}/").json()["conflicts"]] == [later.pk]
    listed = {row["id"]: row["conflicts"] for row in staff.get("/api/v1/deals/").json()["results"]}
    assert [c["id"] for c in listed[earlier.pk]] == [later.pk] and [c["id"] for c in listed[later.pk]] == [earlier.pk]
    # The partner registered first: it was told of no conflict then, and learns nothing of who came later.
    assert partner.get(f"/api/v1/deals/{earlier.pk}/").json()["conflicts"] == []

    with tenant_context(tenant):
        services.deal_withdraw(actor=channel_manager, registration=later)
    assert staff.get(f"/api/v1/deals/{earlier.pk}/").json()["conflicts"] == []
