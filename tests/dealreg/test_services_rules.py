"""The rules of engagement applied on submit (auto-approval, first come first served, review of conflicts) and
their settings."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from dealreg import services
from dealreg.models import ConflictPolicy, DealActivity, DealActivityKind, DealStatus, EngagementRules, RejectionReason
from partners.models import PartnerOrganization, PartnerStatus
from prm.errors import PermissionDenied, ValidationFailed
from prm.tenancy import tenant_context
from tests.dealreg.helpers import events_of, notifications_of

pytestmark = pytest.mark.django_db


def test_a_clean_registration_is_approved_at_once_when_the_rules_say_so(tenant, partner_admin, rules, register):
    rules(auto_approve=True, auto_approve_max_amount=Decimal("50000"), protection_days=120)
    registration = register(amount=Decimal("50000"))

    assert registration.status == DealStatus.APPROVED
    assert registration.auto_approved is True
    assert registration.decided_by is None
    assert registration.protected_until == timezone.localdate() + datetime.timedelta(days=120)
    [event] = events_of(tenant, "deal.approved")
    assert event.payload["auto_approved"] is True
    # The program decided: the event and the timeline name nobody (not the partner who submitted).
    assert (event.actor_user_id, event.actor_api_key_id) == (None, None)
    with tenant_context(tenant):
        [approval] = DealActivity.objects.filter(registration=registration, kind=DealActivityKind.APPROVED)
    assert approval.actor_id is None
    [notification] = notifications_of(tenant, partner_admin.user, "deal.approved")
    until = date_format(registration.protected_until)
    assert notification.title == f"Initech GmbH is approved: protected until {until}"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("above_limit", DealStatus.SUBMITTED),
        ("other_currency_with_limit", DealStatus.SUBMITTED),
        ("partner_onboarding", DealStatus.SUBMITTED),
        ("conflict_with_crm", DealStatus.SUBMITTED),
        ("auto_approval_off", DealStatus.SUBMITTED),
        ("no_limit", DealStatus.APPROVED),
    ],
)
def test_auto_approval_needs_no_conflict_a_partner_in_good_standing_and_an_amount_within_the_limit(
    tenant, partner_org, rules, register, crm_account, case, expected
):
    rules(auto_approve=case != "auto_approval_off", auto_approve_max_amount=None if case == "no_limit" else 50000)
    overrides = {}
    if case == "above_limit":
        overrides["amount"] = Decimal("50000.01")
    if case == "other_currency_with_limit":
        overrides["currency"] = "EUR"
    if case == "partner_onboarding":
        with tenant_context(tenant):
            PartnerOrganization.objects.filter(pk=partner_org.pk).update(status=PartnerStatus.ONBOARDING)
    if case == "conflict_with_crm":
        crm_account("Initech", "initech.de")
    assert register(**overrides).status == expected


def test_under_first_come_a_registration_of_a_customer_another_partner_holds_approved_is_turned_down(
    tenant, partner_admin, other_partner, channel_manager, rules, register
):
    rules(conflict_policy=ConflictPolicy.FIRST_COME)
    first = register(actor=other_partner)
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=first)

    second = register(customer_name="Initech G.m.b.H.", customer_website="initech.de")

    assert second.status == DealStatus.REJECTED
    assert second.rejection_reason == RejectionReason.DUPLICATE
    [event] = events_of(tenant, "deal.rejected")
    assert event.payload["automatic"] is True
    [notification] = notifications_of(tenant, partner_admin.user, "deal.rejected")
    # The partner learns that the customer is taken, not by whom.
    assert other_partner.partner_organization.name not in notification.title + notification.body
    assert str(first.pk) not in notification.body


def test_under_first_come_a_conflict_with_a_registration_still_in_review_goes_to_review(
    tenant, partner_admin, other_partner, rules, register
):
    """Fair to both: the earlier registration may still be turned down, so the later one is not rejected yet."""
    rules(conflict_policy=ConflictPolicy.FIRST_COME)
    first = register(actor=other_partner)
    second = register()
    assert second.status == DealStatus.SUBMITTED
    assert [(c["kind"], c["id"]) for c in second.conflicts] == [("registration", first.pk)]


def test_under_review_policy_every_conflict_goes_to_a_channel_manager(
    tenant, other_partner, channel_manager, rules, register
):
    rules(conflict_policy=ConflictPolicy.REVIEW, auto_approve=True)
    first = register(actor=other_partner)
    assert first.status == DealStatus.APPROVED  # clean: approved automatically
    second = register()
    assert second.status == DealStatus.SUBMITTED
    assert second.conflicts[0]["reason"] == "same domain"


def test_rules_are_defaults_until_an_admin_saves_them(tenant, tenant_admin):
    with tenant_context(tenant):
        rules = services.engagement_rules_get()
        assert rules.pk is None
        assert (rules.protection_days, rules.review_sla_business_days, rules.expiry_warning_days) == (90, 2, 14)
        saved = services.engagement_rules_update(actor=tenant_admin, protection_days=180, auto_approve=True)
        assert saved.pk is not None
        assert services.engagement_rules_get().protection_days == 180
        assert EngagementRules.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("protection_days", 0),
        ("protection_days", 731),
        ("max_extensions", 11),
        ("extension_days", 0),
        ("review_sla_business_days", 0),
        ("conflict_policy", "loudest_wins"),
        ("extension_approver", "anyone"),
        ("minimum_amount", "-1"),
        ("auto_approve_max_amount", "0"),
    ],
)
def test_rules_out_of_range_are_refused_naming_the_field(tenant, tenant_admin, field, value):
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.engagement_rules_update(actor=tenant_admin, **{"max_extensions": 1, field: value})
        assert refused.value.field == field
        assert EngagementRules.objects.count() == 0


def test_only_tenant_admins_set_the_rules(tenant, channel_manager):
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        services.engagement_rules_update(actor=channel_manager, protection_days=30)


def test_the_rules_in_plain_words(tenant):
    rules = EngagementRules(
        protection_days=120,
        max_extensions=1,
        extension_days=30,
        minimum_amount=Decimal("10000"),
        auto_approve=True,
        auto_approve_max_amount=Decimal("25000"),
        conflict_policy=ConflictPolicy.FIRST_COME,
        review_sla_business_days=1,
    )
    summary = dict(services.rules_summary(rules, currency="EUR"))
    assert "protected for 120 days from approval" in summary["Protection"]
    assert "once for more time, up to 30 days each" in summary["Extensions"]
    assert "at least 10,000.00 EUR" in summary["Minimum deal size"]
    assert "within 1 business day of submission" in summary["Review"]
    assert "amounts up to 25,000.00 EUR" in summary["Automatic approval"]
    assert summary["Conflicts"].startswith("First come, first served")
    assert "14 days before" in summary["Expiry"]
