"""Agreement pages: staff write, publish and follow acceptance; partners read and click to accept."""

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings

from partners import services
from partners.models import Agreement, AgreementAcceptance, AgreementVersion, PartnerType
from prm.models import Event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import (
    PartnerOrganizationFactory,
    PartnerUserFactory,
    StaffFactory,
    TenantFactory,
    make_agreement,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 2, 14, 5, tzinfo=UTC)
TODAY = date(2025, 6, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def page(response) -> str:
    return response.content.decode()


# Staff ------------------------------------------------------------------------------------------------------------


def test_admin_creates_an_agreement_writes_a_draft_and_publishes_it(client, tenant, tenant_admin, partner_admin):
    login(client, tenant_admin)
    response = client.post("/t/acme/agreements/new/", {"name": "Partner program agreement", "partner_type": ""})
    with tenant_context(tenant):
        agreement = Agreement.objects.get()
    assert response.url == f"/t/acme/agreements/{agreement.pk}/versions/new/"

    response = client.post(response.url, {"body": "# Terms\n\nBe nice."})
    with tenant_context(tenant):
        version = AgreementVersion.objects.get()
    assert response.url == f"/t/acme/agreements/{agreement.pk}/versions/{version.pk}/"
    draft_page = page(client.get(response.url))
    assert "Publish v1" in draft_page and 'value="2025-07-02"' in draft_page  # 30 days ahead by default

    response = client.post(f"{response.url}publish/", {"reaccept_by": "2025-06-20"}, follow=True)
    assert "v1 of Partner program agreement is published" in page(response)
    with tenant_context(tenant):
        version.refresh_from_db()
        assert version.reaccept_by == date(2025, 6, 20) and version.published_by == tenant_admin.user
        assert Event.objects.filter(type="agreement.published").count() == 1


def test_bad_input_gets_field_named_errors_and_saves_nothing(client, tenant, tenant_admin):
    login(client, tenant_admin)
    response = client.post("/t/acme/agreements/new/", {"name": "", "partner_type": "pirate"})
    assert response.status_code == 400
    assert 'id="id_name-error"' in page(response) and 'id="id_partner_type-error"' in page(response)

    agreement, draft = make_agreement(tenant, actor=tenant_admin, publish=False, body="Draft text.")
    response = client.post(f"/t/acme/agreements/{agreement.pk}/versions/{draft.pk}/edit/", {"body": "   "})
    assert response.status_code == 400
    assert 'id="id_body-error"' in page(response)

    url = f"/t/acme/agreements/{agreement.pk}/versions/{draft.pk}/publish/"
    for day in ("2025-06-01", "2025-06-02", "not-a-date"):
        response = client.post(url, {"reaccept_by": day})
        assert response.status_code == 400
        assert 'id="id_reaccept_by-error"' in page(response)
    assert "must be in the future" in page(client.post(url, {"reaccept_by": "2025-05-01"}))
    with tenant_context(tenant):
        assert list(Agreement.objects.values_list("name", flat=True)) == ["Partner program agreement"]
        draft.refresh_from_db()
        assert (draft.body, draft.published_at) == ("Draft text.", None)
        assert not Event.objects.filter(type="agreement.published").exists()


def test_an_empty_first_version_is_refused(client, tenant, tenant_admin):
    login(client, tenant_admin)
    agreement, _ = make_agreement(tenant, actor=tenant_admin, publish=False)
    with tenant_context(tenant):
        AgreementVersion.objects.all().delete()
    response = client.post(f"/t/acme/agreements/{agreement.pk}/versions/new/", {"body": ""})
    assert response.status_code == 400
    assert "Write the agreement&#x27;s text." in page(response)
    with tenant_context(tenant):
        assert not AgreementVersion.objects.exists()


def test_a_published_text_cannot_be_edited_through_the_page(client, tenant, tenant_admin):
    login(client, tenant_admin)
    agreement, version = make_agreement(tenant, actor=tenant_admin, body="Final text.")
    response = client.post(f"/t/acme/agreements/{agreement.pk}/versions/{version.pk}/edit/", {"body": "Changed."})
    assert response.status_code == 400
    assert "is published: its text never changes" in page(response)
    assert "Save draft" not in page(response)
    with tenant_context(tenant):
        version.refresh_from_db()
    assert version.body == "Final text."


def test_a_new_version_starts_from_the_current_text_and_an_open_draft_is_edited_instead(client, tenant, tenant_admin):
    login(client, tenant_admin)
    agreement, _ = make_agreement(tenant, actor=tenant_admin, body="Current wording.")
    url = f"/t/acme/agreements/{agreement.pk}/versions/new/"
    assert "Current wording." in page(client.get(url))
    client.post(url, {"body": "Next wording."})
    with tenant_context(tenant):
        draft = AgreementVersion.objects.get(number=2)
    response = client.get(url)
    assert response.url == f"/t/acme/agreements/{agreement.pk}/versions/{draft.pk}/"


def test_staff_see_who_accepted_when_and_from_where_and_who_is_pending(client, tenant, tenant_admin, partner_org):
    accepter = PartnerUserFactory(
        tenant=tenant, partner_organization=partner_org, user__first_name="Ada", user__last_name="Lovelace"
    )
    late = PartnerOrganizationFactory(tenant=tenant, name="Laggard Networks")
    agreement, version = make_agreement(tenant, actor=tenant_admin, reaccept_by=TODAY + timedelta(days=3))
    with tenant_context(tenant):
        services.agreement_accept(actor=accepter, version=version, ip_address="198.51.100.23")
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    login(client, manager)
    url = f"/t/acme/agreements/{agreement.pk}/versions/{version.pk}/"

    accepted = page(client.get(url))
    assert "Northwind Secure" in accepted and "Ada Lovelace" in accepted
    assert "2 Jun 2025, 14:05" in accepted and "198.51.100.23" in accepted
    assert "Accepted (1)" in accepted and "Pending (1)" in accepted

    pending = page(client.get(url + "?show=pending"))
    assert "Laggard Networks" in pending and "Northwind Secure" not in pending

    with time_machine.travel(NOW + timedelta(days=4), tick=False):
        login(client, manager)  # the session of four days ago has expired
        overdue = page(client.get(url + "?show=pending"))
        listing = page(client.get("/t/acme/agreements/"))
    assert "Overdue (1)" in overdue and "Overdue since 5 Jun 2025" in overdue
    assert "1 overdue" in listing
    assert late.name in overdue


def test_channel_managers_view_but_do_not_write(client, tenant, tenant_admin):
    agreement, draft = make_agreement(tenant, actor=tenant_admin, publish=False)
    login(client, StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER))
    listing = client.get("/t/acme/agreements/")
    assert listing.status_code == 200 and "New agreement" not in page(listing)
    assert "Publish v1" not in page(client.get(f"/t/acme/agreements/{agreement.pk}/versions/{draft.pk}/"))
    base = f"/t/acme/agreements/{agreement.pk}/versions/{draft.pk}"
    assert client.post("/t/acme/agreements/new/", {"name": "Mine"}).status_code == 404
    assert client.post(f"{base}/publish/", {"reaccept_by": "2025-07-01"}).status_code == 404
    assert client.post(f"{base}/edit/", {"body": "Mine"}).status_code == 404
    with tenant_context(tenant):
        draft.refresh_from_db()
    assert draft.published_at is None


def test_partners_and_other_tenants_do_not_reach_the_staff_pages(client, tenant, tenant_admin, partner_admin):
    agreement, version = make_agreement(tenant, actor=tenant_admin)
    urls = [
        "/t/acme/agreements/",
        f"/t/acme/agreements/{agreement.pk}/",
        f"/t/acme/agreements/{agreement.pk}/versions/{version.pk}/",
    ]
    login(client, partner_admin)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    other_admin = StaffFactory(tenant=TenantFactory(slug="globex"))
    login(client, other_admin)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert client.get(f"/t/globex/agreements/{agreement.pk}/").status_code == 404


def test_the_text_is_rendered_safely(client, tenant, tenant_admin, partner_admin):
    body = "# Terms\n\n<script>alert('x')</script> **bold** and *soft*\n- one\n- two\n\n<img src=x onerror=alert(1)>"
    agreement, _ = make_agreement(tenant, actor=tenant_admin, body=body)
    login(client, partner_admin)
    html = page(client.get(f"/t/acme/portal/agreements/{agreement.pk}/"))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert '<h3 class="h5">Terms</h3>' in html
    assert "<strong>bold</strong> and <em>soft</em><br>- one" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# Partner portal ---------------------------------------------------------------------------------------------------


def test_partner_admin_reads_and_accepts_with_evidence(client, tenant, tenant_admin, partner_org, partner_admin):
    body = "The partner follows the program's rules."
    agreement, version = make_agreement(tenant, actor=tenant_admin, body=body)
    login(client, partner_admin)
    url = f"/t/acme/portal/agreements/{agreement.pk}/"
    before = page(client.get(url))
    assert "I accept on behalf of Northwind Secure" in before and "Needs acceptance by 2 Jul 2025" in before

    response = client.post(f"{url}accept/", {"version": version.pk}, REMOTE_ADDR="203.0.113.9", follow=True)

    assert "You accepted Partner program agreement v1 on behalf of Northwind Secure." in page(response)
    assert "Accepted v1 on 2 Jun 2025" in page(response)
    assert "I accept on behalf of" not in page(response)
    with tenant_context(tenant):
        acceptance = AgreementAcceptance.objects.get()
        [event] = Event.objects.filter(type="agreement.accepted")
    assert (acceptance.user, acceptance.accepted_at, acceptance.ip_address) == (partner_admin.user, NOW, "203.0.113.9")
    assert acceptance.partner_organization_id == partner_org.pk
    assert (acceptance.text, acceptance.text_sha256) == (body, hashlib.sha256(body.encode()).hexdigest())
    assert event.payload["partner_organization_id"] == partner_org.pk and event.payload["version_id"] == version.pk


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_acceptance_evidence_records_the_partners_address_behind_the_proxy(client, tenant, tenant_admin, partner_admin):
    agreement, version = make_agreement(tenant, actor=tenant_admin)
    login(client, partner_admin)
    client.post(
        f"/t/acme/portal/agreements/{agreement.pk}/accept/",
        {"version": version.pk},
        REMOTE_ADDR="10.0.0.2",
        headers={"X-Forwarded-For": "203.0.113.66, 203.0.113.9"},
    )
    with tenant_context(tenant):
        assert AgreementAcceptance.objects.get().ip_address == "203.0.113.9"


def test_clicking_twice_keeps_one_acceptance_and_shows_no_error(client, tenant, tenant_admin, partner_admin):
    agreement, version = make_agreement(tenant, actor=tenant_admin)
    login(client, partner_admin)
    url = f"/t/acme/portal/agreements/{agreement.pk}/accept/"
    first = client.post(url, {"version": version.pk})
    second = client.post(url, {"version": version.pk}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "was accepted already, by" in page(second)
    with tenant_context(tenant):
        assert AgreementAcceptance.objects.count() == 1
        assert Event.objects.filter(type="agreement.accepted").count() == 1


def test_accepting_a_version_replaced_meanwhile_is_refused_with_a_message(client, tenant, tenant_admin, partner_admin):
    agreement, v1 = make_agreement(tenant, actor=tenant_admin, body="Old terms.")
    login(client, partner_admin)
    assert "Old terms." in page(client.get(f"/t/acme/portal/agreements/{agreement.pk}/"))
    with tenant_context(tenant):
        v2 = services.agreement_version_create(actor=tenant_admin, agreement=agreement, body="New terms.")
        services.agreement_version_publish(actor=tenant_admin, version=v2)

    response = client.post(f"/t/acme/portal/agreements/{agreement.pk}/accept/", {"version": v1.pk})

    assert response.status_code == 400
    assert "was replaced by version 2" in page(response) and "New terms." in page(response)
    with tenant_context(tenant):
        assert not AgreementAcceptance.objects.exists()


def test_other_partner_users_see_the_text_and_who_accepted_but_cannot_accept(
    client, tenant, tenant_admin, partner_org, partner_admin
):
    agreement, version = make_agreement(tenant, actor=tenant_admin, body="Shared terms.")
    with tenant_context(tenant):
        services.agreement_accept(actor=partner_admin, version=version)
    sales = PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES)
    login(client, sales)
    html = page(client.get(f"/t/acme/portal/agreements/{agreement.pk}/"))
    accepted_by = f"accepted by {partner_admin.user.get_full_name()} on 2 Jun 2025, 14:05 UTC"
    assert "Shared terms." in html and accepted_by in html
    _, v2 = make_agreement(tenant, actor=tenant_admin, name="Second agreement")
    html = page(client.get(f"/t/acme/portal/agreements/{v2.agreement_id}/"))
    assert "I accept on behalf of" not in html and "A partner admin of Northwind Secure accepts" in html
    response = client.post(f"/t/acme/portal/agreements/{v2.agreement_id}/accept/", {"version": v2.pk})
    assert response.status_code == 404


def test_a_partner_sees_only_its_own_acceptances_and_agreements_that_apply_to_it(
    client, tenant, tenant_admin, partner_admin
):
    agreement, version = make_agreement(tenant, actor=tenant_admin)
    msp, msp_v1 = make_agreement(tenant, actor=tenant_admin, name="MSP addendum", partner_type=PartnerType.MSP)
    make_agreement(tenant, actor=tenant_admin, name="Unpublished terms", publish=False)
    other = PartnerUserFactory(
        tenant=tenant, partner_organization__name="Quokka Secure", user__email="q@quokka.example"
    )
    with tenant_context(tenant):
        services.agreement_accept(actor=other, version=version)
    login(client, partner_admin)
    listing = page(client.get("/t/acme/portal/agreements/"))
    assert "Partner program agreement" in listing
    assert "MSP addendum" not in listing and "Unpublished terms" not in listing
    detail = page(client.get(f"/t/acme/portal/agreements/{agreement.pk}/"))
    assert "Quokka" not in detail and "q@quokka.example" not in detail and "No version accepted yet." in detail
    assert client.get(f"/t/acme/portal/agreements/{msp.pk}/").status_code == 404
    assert client.post(f"/t/acme/portal/agreements/{msp.pk}/accept/", {"version": msp_v1.pk}).status_code == 404
    # The version of another agreement, sent to this agreement's address, is not found either.
    response = client.post(f"/t/acme/portal/agreements/{agreement.pk}/accept/", {"version": msp_v1.pk})
    assert response.status_code == 400
    with tenant_context(tenant):
        assert AgreementAcceptance.objects.count() == 1


def test_a_partner_of_another_tenant_gets_404(client, tenant, tenant_admin):
    agreement, version = make_agreement(tenant, actor=tenant_admin)
    stranger = PartnerUserFactory(tenant=TenantFactory(slug="globex"))
    login(client, stranger)
    assert client.get(f"/t/acme/portal/agreements/{agreement.pk}/").status_code == 404
    assert client.get(f"/t/globex/portal/agreements/{agreement.pk}/").status_code == 404
    response = client.post(f"/t/globex/portal/agreements/{agreement.pk}/accept/", {"version": version.pk})
    assert response.status_code == 404


def test_re_acceptance_after_a_new_version_in_the_portal(client, tenant, tenant_admin, partner_admin):
    agreement, v1 = make_agreement(tenant, actor=tenant_admin)
    login(client, partner_admin)
    client.post(f"/t/acme/portal/agreements/{agreement.pk}/accept/", {"version": v1.pk})
    assert "Accepted v1 on 2 Jun 2025" in page(client.get("/t/acme/portal/agreements/"))

    with tenant_context(tenant):
        v2 = services.agreement_version_create(actor=tenant_admin, agreement=agreement, body="Version two.")
        services.agreement_version_publish(actor=tenant_admin, version=v2, reaccept_by=date(2025, 6, 30))
    listing = page(client.get("/t/acme/portal/agreements/"))
    assert "Needs acceptance by 30 Jun 2025" in listing and "You accepted v1 on 2 Jun 2025." in listing
    home = page(client.get("/t/acme/portal/"))
    assert "Please accept <strong>Partner program agreement v2</strong> by 30 Jun 2025" in home

    client.post(f"/t/acme/portal/agreements/{agreement.pk}/accept/", {"version": v2.pk})
    assert "Accepted v2 on 2 Jun 2025" in page(client.get("/t/acme/portal/agreements/"))
    assert "Please accept" not in page(client.get("/t/acme/portal/"))


def test_the_portal_banner_names_every_pending_agreement_and_overdue_ones(
    client, tenant, tenant_admin, partner_org, partner_admin, frozen
):
    make_agreement(tenant, actor=tenant_admin, name="Program agreement", reaccept_by=TODAY + timedelta(days=1))
    make_agreement(tenant, actor=tenant_admin, name="Data processing addendum", reaccept_by=TODAY + timedelta(days=9))
    frozen.move_to(NOW + timedelta(days=2))
    login(client, partner_admin)
    home = page(client.get("/t/acme/portal/"))
    assert "Please accept <strong>Program agreement v1</strong> by 3 Jun 2025 (overdue)" in home
    assert "Please accept <strong>Data processing addendum v1</strong> by 11 Jun 2025." in home
    login(client, PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES))
    assert "Northwind Secure has yet to accept" in page(client.get("/t/acme/portal/"))


# Query counts -----------------------------------------------------------------------------------------------------


def _count(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


def add_agreements(tenant, admin, count, start):
    for n in range(start, start + count):
        _, version = make_agreement(tenant, actor=admin, name=f"Agreement {n}")
        for partner in PartnerOrganizationFactory.create_batch(2, tenant=tenant):
            member = PartnerUserFactory(tenant=tenant, partner_organization=partner)
            with tenant_context(tenant):
                services.agreement_accept(actor=member, version=version)
        make_agreement(tenant, actor=admin, name=f"Draft {n}", publish=False)


def test_staff_list_query_count_does_not_grow(client, tenant, tenant_admin, django_assert_max_num_queries):
    from tests.prm.query_counts import queries_for

    login(client, tenant_admin)
    add_agreements(tenant, tenant_admin, 2, 0)
    few = queries_for(client, "/t/acme/agreements/")
    add_agreements(tenant, tenant_admin, 6, 2)
    many = queries_for(client, "/t/acme/agreements/")
    assert many == few
    _count(client, "/t/acme/agreements/", django_assert_max_num_queries, few)


def test_version_page_query_count_does_not_grow(client, tenant, tenant_admin):
    from tests.prm.query_counts import queries_for

    agreement, version = make_agreement(tenant, actor=tenant_admin)

    def add(count):
        for partner in PartnerOrganizationFactory.create_batch(count, tenant=tenant):
            member = PartnerUserFactory(tenant=tenant, partner_organization=partner)
            PartnerOrganizationFactory(tenant=tenant)  # one pending partner per accepting one
            with tenant_context(tenant):
                services.agreement_accept(actor=member, version=version)

    login(client, tenant_admin)
    url = f"/t/acme/agreements/{agreement.pk}/versions/{version.pk}/"
    add(2)
    few = (queries_for(client, url), queries_for(client, url + "?show=pending"))
    add(8)
    assert (queries_for(client, url), queries_for(client, url + "?show=pending")) == few


def test_portal_list_and_home_query_counts_do_not_grow(client, tenant, tenant_admin, partner_admin):
    from tests.prm.query_counts import queries_for

    login(client, partner_admin)

    def add(count, start):
        for n in range(start, start + count):
            agreement, v1 = make_agreement(tenant, actor=tenant_admin, name=f"Agreement {n}")
            with tenant_context(tenant):
                services.agreement_accept(actor=partner_admin, version=v1)
                v2 = services.agreement_version_create(actor=tenant_admin, agreement=agreement, body="Next.")
                services.agreement_version_publish(actor=tenant_admin, version=v2)

    add(1, 0)
    few = (queries_for(client, "/t/acme/portal/agreements/"), queries_for(client, "/t/acme/portal/"))
    add(5, 1)
    assert (queries_for(client, "/t/acme/portal/agreements/"), queries_for(client, "/t/acme/portal/")) == few
    assert "Agreement 5 v2" in page(client.get("/t/acme/portal/"))
