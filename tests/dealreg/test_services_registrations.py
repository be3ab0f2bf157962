"""Registering a deal: drafts, submission, edits before review, withdrawal, and bad input refused with the field
named and nothing saved."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from dealreg import services
from dealreg.models import (
    AttributionRole,
    DealActivity,
    DealParticipant,
    DealRegistration,
    DealStatus,
)
from partners.models import PartnerOrganization, PartnerStatus
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.tenancy import tenant_context
from tests.dealreg.helpers import deal_fields, events_of, in_days, notifications_of, refreshed

pytestmark = pytest.mark.django_db


def count_registrations(tenant) -> int:
    with tenant_context(tenant):
        return DealRegistration.objects.count()


def test_partner_saves_a_draft_with_the_customer_domain_and_itself_as_sourcing_partner(tenant, partner_admin, register):
    registration = register(submit=False)

    assert registration.status == DealStatus.DRAFT
    assert registration.customer_domain == "initech.de"
    assert registration.registered_by == partner_admin.user
    assert registration.partner_organization_id == partner_admin.partner_organization_id
    assert registration.title == "Initech GmbH"
    assert registration.submitted_at is None
    assert "d:initech.de" in registration.match_keys
    with tenant_context(tenant):
        [participant] = DealParticipant.objects.filter(registration=registration)
        assert (participant.partner_organization_id, participant.role, participant.share) == (
            partner_admin.partner_organization_id,
            AttributionRole.SOURCED,
            Decimal("100.00"),
        )
    assert [e.payload["registration_id"] for e in events_of(tenant, "deal.created")] == [registration.pk]


def test_submitting_sets_the_review_sla_stamps_the_partner_and_records_the_event(
    tenant, partner_admin, partner_org, channel_manager, register, django_capture_on_commit_callbacks
):
    # The partner's time to value is stamped by partners, from the relayed `deal.submitted` (relayed on commit).
    with (
        time_machine.travel(datetime.datetime(2030, 3, 8, 15, 0, tzinfo=datetime.UTC), tick=False),  # a Friday
        django_capture_on_commit_callbacks(execute=True),
    ):
        registration = register(expected_close_date=datetime.date(2030, 5, 1))

    assert registration.status == DealStatus.SUBMITTED
    assert registration.submitted_at == datetime.datetime(2030, 3, 8, 15, 0, tzinfo=datetime.UTC)
    # Two business days from Friday 15:00 is Tuesday 15:00: the weekend does not count.
    assert registration.review_due_at == datetime.datetime(2030, 3, 12, 15, 0, tzinfo=datetime.UTC)
    [event] = events_of(tenant, "deal.submitted")
    assert event.payload["partner_organization_id"] == partner_org.pk
    assert event.payload["registration_id"] == registration.pk
    assert event.payload["status"] == DealStatus.SUBMITTED
    # Registered and submitted at once: the registering step's event still says it made a draft.
    [created] = events_of(tenant, "deal.created")
    assert (created.payload["registration_id"], created.payload["status"]) == (registration.pk, DealStatus.DRAFT)
    stamped = refreshed(tenant, partner_org).first_deal_registered_at
    assert stamped == datetime.datetime(2030, 3, 8, 15, 0, tzinfo=datetime.UTC)

    # The second registration keeps the first time-to-value stamp.
    with django_capture_on_commit_callbacks(execute=True):
        register(customer_name="Globex Corporation", customer_website="globex.com")
    assert refreshed(tenant, partner_org).first_deal_registered_at == stamped


def test_submission_tells_the_owning_channel_manager(tenant, partner_org, channel_manager, register):
    with tenant_context(tenant):
        PartnerOrganization.objects.filter(pk=partner_org.pk).update(owner=channel_manager.user)
    registration = register()
    [notification] = notifications_of(tenant, channel_manager.user, "deal.submitted")
    assert notification.title == f"{partner_org.name} registered Initech GmbH"
    assert notification.url == f"/t/acme/deals/{registration.pk}/"


def test_a_draft_is_submitted_later(tenant, partner_admin, register):
    draft = register(submit=False)
    with tenant_context(tenant):
        submitted = services.deal_submit(actor=partner_admin, registration=draft)
    assert submitted.status == DealStatus.SUBMITTED
    with tenant_context(tenant):
        kinds = list(DealActivity.objects.filter(registration=draft).values_list("kind", flat=True))
    assert kinds == ["created", "submitted"]


def test_line_items_from_the_catalogue_make_the_amount(tenant, partner_admin, product):
    with tenant_context(tenant):
        registration = services.deal_create(
            actor=partner_admin,
            line_items=[
                {"product": product.pk, "quantity": 3},
                {"product": product, "quantity": 1, "unit_price": "9500"},
            ],
            **deal_fields(amount=None),
        )
        items = [(i.product_id, i.quantity, i.unit_price) for i in registration.line_items.all()]
    assert registration.amount == Decimal("45500.00")
    assert items == [(product.pk, 3, Decimal("12000.00")), (product.pk, 1, Decimal("9500.00"))]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": Decimal("0")}, "amount", "greater than zero"),
        ({"amount": Decimal("-5")}, "amount", "greater than zero"),
        ({"amount": "12.345"}, "amount", "two decimal places"),
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"currency": ""}, "currency", "currency"),
        ({"expected_close_date": in_days(-1)}, "expected_close_date", "in the past"),
        ({"customer_name": ""}, "customer_name", "Name the customer"),
        ({"customer_name": "   "}, "customer_name", "Name the customer"),
        ({"customer_website": "not a domain"}, "customer_website", "website or domain"),
        ({"customer_website": "acme"}, "customer_website", "website or domain"),
        ({"customer_website": "http://"}, "customer_website", "website or domain"),
        ({"customer_country": "Germany"}, "customer_country", "two-letter"),
        ({"contact_email": "bill at initech"}, "contact_email", "valid email"),
        ({"stage": "dreaming"}, "stage", "stage"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(tenant, partner_admin, overrides, field, message):
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.deal_create(actor=partner_admin, submit=True, **deal_fields(**overrides))
    assert refused.value.field == field
    assert message in refused.value.message
    assert count_registrations(tenant) == 0
    assert events_of(tenant, "deal.created") == []


def test_a_domain_is_accepted_as_a_website_or_an_email_address(tenant, partner_admin, register):
    assert register(customer_website="jane@sales.acme.co.uk").customer_domain == "acme.co.uk"
    assert register(customer_name="Hooli", customer_website="HOOLI.com.").customer_domain == "hooli.com"


def test_below_the_minimum_deal_size_is_refused_on_submit(tenant, partner_admin, rules, register):
    rules(minimum_amount=Decimal("50000"))
    draft = register(submit=False, amount=Decimal("48000"))
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.deal_submit(actor=partner_admin, registration=draft)
    assert refused.value.field == "amount"
    assert "at least 50,000.00 USD" in refused.value.message
    assert refreshed(tenant, draft).status == DealStatus.DRAFT
    assert events_of(tenant, "deal.submitted") == []


def test_a_close_date_that_passed_while_in_draft_is_refused_on_submit(tenant, partner_admin, register):
    draft = register(submit=False, expected_close_date=in_days(3))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5)):
        with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
            services.deal_submit(actor=partner_admin, registration=draft)
    assert refused.value.field == "expected_close_date"


def test_the_same_partner_registering_its_own_customer_again_is_refused_naming_the_registration(
    tenant, partner_admin, partner_sales, register
):
    first = register()
    with pytest.raises(ValidationFailed) as refused:
        register(actor=partner_sales, customer_name="INITECH", customer_website="initech.de")
    assert refused.value.field == "customer_name"
    assert f"registration #{first.pk}" in refused.value.message
    assert count_registrations(tenant) == 1


def test_a_partner_that_is_not_active_or_onboarding_cannot_register(tenant, partner_admin, partner_org):
    with tenant_context(tenant):
        PartnerOrganization.objects.filter(pk=partner_org.pk).update(status=PartnerStatus.SUSPENDED)
        with pytest.raises(ValidationFailed) as refused:
            services.deal_create(actor=partner_admin, **deal_fields())
    assert refused.value.field == "partner_organization"


def test_partner_marketing_cannot_register_deals(tenant, partner_org):
    from tests.factories import PartnerUserFactory

    marketer = PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role="partner_marketing")
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        services.deal_create(actor=marketer, **deal_fields())


def test_staff_register_on_behalf_of_a_partner_which_must_be_named(tenant, channel_manager, partner_org):
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.deal_create(actor=channel_manager, **deal_fields())
        assert refused.value.field == "partner_organization"
        registration = services.deal_create(actor=channel_manager, partner_organization=partner_org, **deal_fields())
    assert registration.partner_organization_id == partner_org.pk
    assert registration.registered_by == channel_manager.user


def test_a_partner_cannot_register_for_another_organization(tenant, partner_admin, other_org):
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.deal_create(actor=partner_admin, partner_organization=other_org, **deal_fields())
    assert refused.value.field == "partner_organization"


def test_the_partner_changes_a_submitted_registration_and_its_conflicts_are_checked_again(
    tenant, partner_admin, other_partner, register
):
    register(actor=other_partner, customer_name="Globex Corporation", customer_website="globex.com")
    mine = register()
    assert mine.conflicts == []
    with tenant_context(tenant):
        changed = services.deal_update(
            actor=partner_admin, registration=mine, customer_name="Globex Corp", customer_website="globex.com"
        )
    assert changed.customer_domain == "globex.com"
    assert [c["kind"] for c in changed.conflicts] == ["registration"]
    assert events_of(tenant, "deal.updated")[-1].payload["changed"] == [
        "customer_domain",
        "customer_name",
        "customer_website",
    ]


def test_a_registration_under_review_can_no_longer_be_changed(tenant, partner_admin, channel_manager, register):
    registration = register()
    with tenant_context(tenant):
        services.deal_start_review(actor=channel_manager, registration=registration)
        with pytest.raises(InvalidTransition) as refused:
            services.deal_update(actor=partner_admin, registration=registration, amount=Decimal("1"))
    assert "Under review" in refused.value.message or "under review" in refused.value.message
    assert refreshed(tenant, registration).amount == Decimal("48000.00")


def test_a_bad_change_saves_nothing(tenant, partner_admin, register):
    registration = register()
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.deal_update(actor=partner_admin, registration=registration, title="New title", amount=Decimal("0"))
    assert refused.value.field == "amount"
    assert refreshed(tenant, registration).title == "Initech GmbH"


def test_withdrawing_records_the_event_and_frees_the_customer(tenant, partner_admin, other_partner, register):
    registration = register()
    with tenant_context(tenant):
        services.deal_withdraw(actor=partner_admin, registration=registration, reason="Customer paused the project")
    assert refreshed(tenant, registration).status == DealStatus.WITHDRAWN
    [event] = events_of(tenant, "deal.withdrawn")
    assert event.payload["reason"] == "Customer paused the project"
    # Withdrawn registrations hold nothing: another partner meets no conflict.
    assert register(actor=other_partner).conflicts == []
