"""A channel manager's decisions: approve (with co-sell), reject, ask the partner; bulk decisions; every decision
recorded, announced and notified; every illegal transition refused naming both states."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from dealreg import services
from dealreg.models import (
    DEAL_TRANSITIONS,
    DealActivity,
    DealRegistration,
    DealStatus,
    RejectionReason,
)
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.tenancy import tenant_context
from tests.dealreg.helpers import events_of, notifications_of, refreshed

pytestmark = pytest.mark.django_db


def timeline(tenant, registration):
    with tenant_context(tenant):
        return list(
            DealActivity.objects.filter(registration=registration)
            .order_by("id")
            .values_list("kind", "from_status", "to_status", "visible_to_partner")
        )


def test_approval_protects_the_deal_until_a_date_and_tells_the_partner(
    tenant, partner_admin, channel_manager, rules, register
):
    rules(protection_days=90)
    registration = register()
    with time_machine.travel(datetime.datetime(2030, 6, 3, 9, 30, tzinfo=datetime.UTC), tick=False):
        with tenant_context(tenant):
            approved = services.deal_approve(actor=channel_manager, registration=registration, note="Go get it")

    assert approved.status == DealStatus.APPROVED
    assert approved.protected_until == datetime.date(2030, 9, 1)
    assert approved.decided_by == channel_manager.user
    assert approved.auto_approved is False
    assert timeline(tenant, registration)[-1] == ("approved", "submitted", "approved", True)
    [event] = events_of(tenant, "deal.approved")
    assert event.payload["protected_until"] == "2030-09-01"
    assert event.actor_user_id == channel_manager.user_id
    [notification] = notifications_of(tenant, partner_admin.user, "deal.approved")
    assert "protected until 1 Sep 2030" in notification.title
    assert notification.body == "Go get it"


def test_each_reader_gets_the_decision_in_their_own_language(tenant, partner_admin, channel_manager, register):
    """The channel manager decides in English; the partner reads the notification in French, and a refusal
    in German names the reason and the date the German way."""
    partner_admin.user.language, partner_admin.user.time_zone = "fr", "Europe/Paris"
    partner_admin.user.save(update_fields=["language", "time_zone"])
    registration = register()
    with time_machine.travel(datetime.datetime(2030, 6, 3, 9, 30, tzinfo=datetime.UTC), tick=False):
        with tenant_context(tenant):
            services.deal_reject(
                actor=channel_manager, registration=registration, reason=RejectionReason.INCOMPLETE, note="Merci"
            )
    [notification] = notifications_of(tenant, partner_admin.user, "deal.rejected")
    assert notification.title == "Votre enregistrement de Initech GmbH a été refusé"
    assert notification.body == "Informations incomplètes. Merci"
    with translation.override("de"), tenant_context(tenant), pytest.raises(InvalidTransition) as refused:
        services.deal_approve(actor=channel_manager, registration=registration)
    assert refused.value.message.startswith("Bereits am 3. Juni 2030, 09:30 UTC von Casey Manager abgelehnt.")


def test_approve_and_assign_a_vendor_seller_for_co_sell(tenant, channel_manager, tenant_admin, register):
    registration = register()
    with tenant_context(tenant):
        approved = services.deal_approve(actor=channel_manager, registration=registration, assign_to=tenant_admin.user)
    assert approved.assigned_to == tenant_admin.user
    assert [row[0] for row in timeline(tenant, registration)][-2:] == ["approved", "assigned"]
    assert notifications_of(tenant, tenant_admin.user, "deal.assigned")
    assert events_of(tenant, "deal.approved")[0].payload["assigned_to_id"] == tenant_admin.user_id


def test_only_the_vendors_people_can_be_assigned(tenant, channel_manager, partner_admin, register):
    registration = register()
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.deal_approve(actor=channel_manager, registration=registration, assign_to=partner_admin.user)
    assert refused.value.field == "assign_to"
    assert refreshed(tenant, registration).status == DealStatus.SUBMITTED


def test_rejection_needs_a_reason_from_the_list_and_words_for_other(tenant, partner_admin, channel_manager, register):
    registration = register()
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.deal_reject(actor=channel_manager, registration=registration, reason="no_reason")
        assert refused.value.field == "reason"
        with pytest.raises(ValidationFailed) as refused:
            services.deal_reject(actor=channel_manager, registration=registration, reason=RejectionReason.OTHER)
        assert refused.value.field == "note"
        rejected = services.deal_reject(
            actor=channel_manager,
            registration=registration,
            reason=RejectionReason.NOT_QUALIFIED,
            note="No budget this year.",
        )
    assert (rejected.status, rejected.rejection_reason, rejected.decision_note) == (
        DealStatus.REJECTED,
        "not_qualified",
        "No budget this year.",
    )
    [event] = events_of(tenant, "deal.rejected")
    assert event.payload["rejection_reason"] == "not_qualified"
    [notification] = notifications_of(tenant, partner_admin.user, "deal.rejected")
    assert notification.body == "Opportunity not qualified. No budget this year."


def test_asking_the_partner_pauses_the_sla_and_the_answer_resumes_it_for_the_time_left(
    tenant, partner_admin, channel_manager, register
):
    monday_9 = datetime.datetime(2030, 3, 4, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(monday_9, tick=False):
        registration = register(expected_close_date=datetime.date(2030, 6, 1))
    assert registration.review_due_at == datetime.datetime(2030, 3, 6, 9, 0, tzinfo=datetime.UTC)  # Wednesday 9:00

    # Tuesday 9:00 (one business day left) the channel manager asks a question…
    with time_machine.travel(datetime.datetime(2030, 3, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        with tenant_context(tenant):
            asked = services.deal_request_info(
                actor=channel_manager, registration=registration, question="Who is the economic buyer?"
            )
    assert asked.status == DealStatus.INFO_REQUESTED
    [notification] = notifications_of(tenant, partner_admin.user, "deal.info_requested")
    assert notification.body == "Who is the economic buyer?"
    assert events_of(tenant, "deal.info_requested")[0].payload["question"] == "Who is the economic buyer?"

    # …the partner answers on Friday 15:00: one business day is left, so the review is due Monday 15:00.
    with time_machine.travel(datetime.datetime(2030, 3, 8, 15, 0, tzinfo=datetime.UTC), tick=False):
        with tenant_context(tenant):
            answered = services.deal_answer(actor=partner_admin, registration=registration, answer="The CFO, Ms Park.")
    assert answered.status == DealStatus.SUBMITTED
    assert answered.review_due_at == datetime.datetime(2030, 3, 11, 15, 0, tzinfo=datetime.UTC)
    assert timeline(tenant, registration)[-1] == ("info_provided", "info_requested", "submitted", True)
    [told] = notifications_of(tenant, channel_manager.user, "deal.info_provided")
    assert told.body == "The CFO, Ms Park."


def test_an_answer_needs_words(tenant, partner_admin, channel_manager, register):
    registration = register()
    with tenant_context(tenant):
        services.deal_request_info(actor=channel_manager, registration=registration, question="Budget?")
        with pytest.raises(ValidationFailed) as refused:
            services.deal_answer(actor=partner_admin, registration=registration, answer="  ")
    assert refused.value.field == "answer"
    assert refreshed(tenant, registration).status == DealStatus.INFO_REQUESTED


def test_partners_and_analysts_cannot_decide(tenant, partner_admin, register):
    from tests.factories import StaffFactory

    analyst = StaffFactory(tenant=tenant, role="analyst")
    registration = register()
    for actor in (partner_admin, analyst):
        with tenant_context(tenant), pytest.raises(PermissionDenied):
            services.deal_approve(actor=actor, registration=registration)
    assert refreshed(tenant, registration).status == DealStatus.SUBMITTED


def test_a_second_decision_names_who_decided_first(tenant, channel_manager, second_manager, register):
    registration = register()
    with time_machine.travel(datetime.datetime(2030, 1, 7, 10, 15, tzinfo=datetime.UTC), tick=False):
        with tenant_context(tenant):
            services.deal_approve(actor=channel_manager, registration=registration)
    with tenant_context(tenant), pytest.raises(InvalidTransition) as refused:
        services.deal_reject(actor=second_manager, registration=registration, reason=RejectionReason.DUPLICATE)
    assert refused.value.message.startswith("Already approved by Casey Manager at 7 Jan 2030, 10:15 UTC.")
    assert "from Approved to Rejected" in refused.value.message


def test_bulk_decisions_decide_each_and_report_the_ones_decided_meanwhile(
    tenant, channel_manager, second_manager, partner_admin, other_partner, register
):
    first = register()
    second = register(actor=other_partner, customer_name="Globex Corporation", customer_website="globex.com")
    third = register(customer_name="Hooli", customer_website="hooli.com")
    with tenant_context(tenant):
        services.deal_reject(actor=second_manager, registration=third, reason=RejectionReason.NOT_QUALIFIED)
        result = services.deals_bulk_decide(
            actor=channel_manager, registration_ids=[first.pk, second.pk, third.pk, 999999], decision="approve"
        )
    assert [r.pk for r in result.decided] == [first.pk, second.pk]
    assert [pk for pk, _ in result.refused] == [third.pk, 999999]
    assert "Already rejected by Robin Second" in result.refused[0][1]
    assert len(events_of(tenant, "deal.approved")) == 2


def test_bulk_reject_needs_a_reason(tenant, channel_manager, register):
    registration = register()
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.deals_bulk_decide(actor=channel_manager, registration_ids=[registration.pk], decision="reject")
    assert refused.value.field == "reason"


# Every illegal transition -------------------------------------------------------------------------------------

STEPS = {
    DealStatus.SUBMITTED: lambda actor, r: services.deal_submit(actor=actor, registration=r),
    DealStatus.UNDER_REVIEW: lambda actor, r: services.deal_start_review(actor=actor, registration=r),
    DealStatus.INFO_REQUESTED: lambda actor, r: services.deal_request_info(actor=actor, registration=r, question="?"),
    DealStatus.APPROVED: lambda actor, r: services.deal_approve(actor=actor, registration=r),
    DealStatus.REJECTED: lambda actor, r: services.deal_reject(actor=actor, registration=r, reason="duplicate"),
    DealStatus.WON: lambda actor, r: services.deal_mark_won(actor=actor, registration=r, closed_amount="1000"),
    DealStatus.LOST: lambda actor, r: services.deal_mark_lost(actor=actor, registration=r, reason="Went elsewhere"),
    DealStatus.EXPIRED: lambda actor, r: services.deal_expire(registration=r),
    DealStatus.WITHDRAWN: lambda actor, r: services.deal_withdraw(actor=actor, registration=r),
}
ILLEGAL = [(before, after) for before in DealStatus.values for after in STEPS if after not in DEAL_TRANSITIONS[before]]


def test_the_table_of_illegal_transitions_is_not_empty():
    assert len(ILLEGAL) > 40
    # "draft" is never a target: no step leads back to a draft.
    assert all(DealStatus.DRAFT not in targets for targets in DEAL_TRANSITIONS.values())


@pytest.mark.parametrize(("before", "after"), ILLEGAL)
def test_every_illegal_transition_is_refused_naming_both_states(tenant, channel_manager, register, before, after):
    registration = register(submit=False)
    with tenant_context(tenant):
        DealRegistration.objects.filter(pk=registration.pk).update(
            status=before, protected_until=timezone.localdate() - datetime.timedelta(days=1)
        )
        registration.refresh_from_db()
        with pytest.raises(InvalidTransition) as refused:
            STEPS[after](channel_manager, registration)
        registration.refresh_from_db()
    assert registration.status == before
    assert f"from {DealStatus(before).label} to {DealStatus(after).label}" in refused.value.message


def test_amounts_of_a_won_deal_are_checked(tenant, channel_manager, register):
    registration = register()
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=registration)
        with pytest.raises(ValidationFailed) as refused:
            services.deal_mark_won(actor=channel_manager, registration=registration, closed_amount=Decimal("0"))
        assert refused.value.field == "closed_amount"
        with pytest.raises(ValidationFailed) as refused:
            services.deal_mark_won(
                actor=channel_manager,
                registration=registration,
                closed_amount=Decimal("10"),
                closed_date=timezone.localdate() + datetime.timedelta(days=1),
            )
        assert refused.value.field == "closed_date"
    assert refreshed(tenant, registration).status == DealStatus.APPROVED
