"""Awarding, renewing, revoking and redefining certifications (enablement.services.certifications)."""

from datetime import timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from enablement.models import AwardStatus, CertificationAward, EnrollmentStatus
from enablement.selectors.certifications import certified_people_by_partner
from enablement.services import certifications as services
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.models import Notification
from prm.tenancy import tenant_context
from tests.enablement.certifications_support import (
    awards_of,
    certify,
    complete,
    pass_exam,
    program,
    revoke,
)
from tests.enablement.factories import CourseFactory, EnrollmentFactory, QuizFactory
from tests.factories import PartnerUserFactory
from tests.partners.onboarding_support import events_of, relay

pytestmark = pytest.mark.django_db


def test_completing_the_last_required_course_awards_the_certification_with_its_expiry_and_tells_the_learner():
    p = program()
    first_done = timezone.now() - timedelta(days=3)
    complete(p, p.courses[0], at=first_done)
    assert awards_of(p) == []
    last = complete(p, p.courses[1])
    [award] = awards_of(p)
    assert award.certification == p.certification and award.partner_organization_id == p.partner.pk
    assert award.recipient_name == "Ada Byron" and award.status == AwardStatus.ACTIVE
    # Awarded when the last requirement was met; valid 12 months from then.
    assert award.awarded_at == last.completed_at
    assert award.expires_at == last.completed_at + relativedelta(months=12)
    assert award.credential.count(".") == 2 and award.status_list_index is not None
    [event] = events_of(p.tenant, "certification.awarded")
    assert event.payload["certification_id"] == p.certification.pk
    assert event.payload["partner_organization_id"] == p.partner.pk
    assert event.payload["verification_url"].endswith(f"/verify/{award.verification_code}/")
    with tenant_context(p.tenant):
        [notification] = Notification.objects.filter(kind="certification.awarded")
    assert notification.user_id == p.learner.user_id and "Certified Seller" in notification.title
    assert certified_people_by_partner_in(p) == {p.partner.pk: 1}


def certified_people_by_partner_in(p, **kwargs):
    with tenant_context(p.tenant):
        return certified_people_by_partner(**kwargs)


def test_a_repeated_event_or_a_retried_award_never_makes_a_second_certificate():
    p = program()
    certify(p)
    with tenant_context(p.tenant):
        again = services.certifications_award_for_learner(
            user_id=p.learner.user_id, partner_organization_id=p.partner.pk
        )
        event = events_of(p.tenant, "course.completed")[-1]
        from_event = services.certifications_award_from_event(event)
    assert again == [] and from_event == []
    assert len(awards_of(p)) == 1
    assert len(events_of(p.tenant, "certification.awarded")) == 1


def test_the_unique_award_key_settles_two_relays_awarding_at_once():
    """The second of two concurrent relays inserts the same key: the constraint refuses it, and no second award
    is made (nor a second event)."""
    p = program(courses=1)
    complete(p, p.courses[0], emit=False)
    with tenant_context(p.tenant):
        [award] = services.certifications_award_for_learner(
            user_id=p.learner.user_id, partner_organization_id=p.partner.pk
        )
        duplicate = CertificationAward(
            certification=p.certification,
            user=p.learner.user,
            partner_organization=p.partner,
            recipient_name="Ada Byron",
            awarded_at=award.awarded_at,
            award_key=award.award_key,
        )
        assert services._insert(duplicate) is False
        assert CertificationAward.objects.count() == 1


def test_an_award_needs_every_required_course_completed_in_the_current_cycle():
    p = program()
    complete(p, p.courses[0])
    # The second course's current cycle is the retake, still in progress.
    EnrollmentFactory(tenant=p.tenant, course=p.courses[1], membership=p.learner, cycle=1, status="completed")
    EnrollmentFactory(
        tenant=p.tenant, course=p.courses[1], membership=p.learner, cycle=2, status=EnrollmentStatus.IN_PROGRESS
    )
    with tenant_context(p.tenant):
        made = services.certifications_award_for_learner(
            user_id=p.learner.user_id, partner_organization_id=p.partner.pk, course_id=p.courses[0].pk
        )
    assert made == [] and awards_of(p) == []


def test_a_final_exam_must_be_passed_too():
    p = program(courses=1)
    quiz = QuizFactory(tenant=p.tenant, title="Final exam")
    with tenant_context(p.tenant):
        p.certification.final_exam = quiz
        p.certification.save()
    complete(p, p.courses[0])
    assert awards_of(p) == []
    pass_exam(p, quiz)
    with tenant_context(p.tenant):
        [award] = services.certifications_award_for_learner(
            user_id=p.learner.user_id, partner_organization_id=p.partner.pk, quiz_id=quiz.pk
        )
    assert award.certification == p.certification


def test_an_inactive_certification_is_not_awarded():
    p = program(courses=1)
    with tenant_context(p.tenant):
        p.certification.active = False
        p.certification.save()
    complete(p, p.courses[0])
    assert awards_of(p) == []


def test_renewal_by_retaking_makes_a_new_award_from_the_old_expiry_and_marks_the_old_one_renewed():
    p = program()
    start = timezone.now() - relativedelta(months=11)
    with time_machine.travel(start, tick=False):
        first = certify(p, at=start)
    # Retaking only one course renews nothing.
    complete(p, p.courses[0], cycle=2)
    assert len(awards_of(p)) == 1
    renewed_at = timezone.now()
    complete(p, p.courses[1], cycle=2, at=renewed_at)
    new, old = awards_of(p)
    assert old.pk == first.pk and old.status == AwardStatus.RENEWED
    assert new.renewal_of_id == old.pk and new.status == AwardStatus.ACTIVE
    # Renewed within 60 days of its expiry: the new validity runs from the old expiry, nothing is lost.
    assert new.expires_at == old.expires_at + relativedelta(months=12)
    assert certified_people_by_partner_in(p) == {p.partner.pk: 1}


def test_completions_from_before_the_previous_award_do_not_renew_it():
    p = program()
    certify(p)
    with tenant_context(p.tenant):
        made = services.certifications_award_for_learner(
            user_id=p.learner.user_id, partner_organization_id=p.partner.pk
        )
    assert made == []


def test_revoking_needs_a_reason_and_the_right_role_and_stops_the_award_counting():
    p = program()
    award = certify(p)
    with pytest.raises(ValidationFailed) as error:
        revoke(p, award, reason="  ")
    assert error.value.field == "reason"
    with tenant_context(p.tenant), pytest.raises(PermissionDenied):
        services.certification_award_revoke(actor=p.learner, award=award, reason="Mine")
    revoked = revoke(p, award)
    assert revoked.status == AwardStatus.REVOKED and revoked.revoke_reason == "Exam answers were shared"
    assert revoked.revoked_by_id == p.admin.user_id
    [event] = events_of(p.tenant, "certification.revoked")
    assert event.payload["reason"] == "Exam answers were shared" and event.payload["award_id"] == award.pk
    assert certified_people_by_partner_in(p) == {}
    with pytest.raises(InvalidTransition):
        revoke(p, award)


def _update(p, actor=None, **changes):
    cert = p.certification
    with tenant_context(p.tenant):
        cert.refresh_from_db()
    fields = {
        "name": cert.name,
        "description": cert.description,
        "validity_months": cert.validity_months,
        "course_ids": [c.pk for c in p.courses],
        "final_exam_id": cert.final_exam_id,
        "active": cert.active,
        **changes,
    }
    with tenant_context(p.tenant):
        return services.certification_update(actor=actor or p.admin, certification=cert, **fields)


def test_changing_the_validity_asks_whether_it_applies_to_certificates_already_awarded():
    p = program()
    award = certify(p)
    with pytest.raises(ValidationFailed) as error:
        _update(p, validity_months=24)
    assert error.value.field == "apply_to_existing"
    # Only new awards: the existing certificate keeps its expiry (and its signed credential).
    _update(p, validity_months=24, apply_to_existing=services.VALIDITY_NEW_AWARDS)
    [same] = awards_of(p)
    assert same.expires_at == award.expires_at and same.credential == award.credential


def test_applying_a_new_validity_to_existing_awards_recomputes_their_expiry_and_credential():
    p = program()
    award = certify(p)
    with tenant_context(p.tenant):
        CertificationAward.objects.filter(pk=award.pk).update(reminders_sent=[60])
    _update(p, validity_months=24, apply_to_existing=services.VALIDITY_EXISTING_AWARDS)
    [recomputed] = awards_of(p)
    assert recomputed.expires_at == award.awarded_at + relativedelta(months=24)
    assert recomputed.reminders_sent == [] and recomputed.credential == ""
    # Other fields may change freely without the question.
    _update(p, description="For sellers of the firewall range.")


def test_a_certification_needs_courses_of_this_program_or_a_final_exam():
    p = program()
    other = program("otherco")
    with tenant_context(p.tenant):
        with pytest.raises(ValidationFailed) as error:
            services.certification_create(actor=p.admin, name="Empty", course_ids=[])
        assert error.value.field == "courses"
        with pytest.raises(ValidationFailed) as error:
            services.certification_create(actor=p.admin, name="Foreign", course_ids=[other.courses[0].pk])
        assert error.value.field == "courses"
        with pytest.raises(ValidationFailed) as error:
            services.certification_create(actor=p.admin, name="certified seller", course_ids=[p.courses[0].pk])
        assert error.value.field == "name"
        with pytest.raises(ValidationFailed) as error:
            services.certification_create(
                actor=p.admin, name="Too long", course_ids=[p.courses[0].pk], validity_months=500
            )
        assert error.value.field == "validity_months"
        created = services.certification_create(
            actor=p.admin, name="Deployment Expert", course_ids=[c.pk for c in p.courses], validity_months=None
        )
        required = sorted(created.required_courses.values_list("course_id", flat=True))
    assert required == sorted(c.pk for c in p.courses) and created.validity_months is None


def test_certified_people_per_partner_count_people_once_and_only_valid_awards():
    p = program(courses=1)
    colleague = PartnerUserFactory(tenant=p.tenant, partner_organization=p.partner, role="partner_sales")
    other_partner_person = PartnerUserFactory(tenant=p.tenant)
    second = CourseFactory(tenant=p.tenant, title="Advanced")
    from tests.enablement.factories import CertificationFactory

    expert = CertificationFactory(tenant=p.tenant, courses=[second], name="Expert")
    certify(p)
    complete(p, second)  # the learner holds two certifications: still one person
    certify(p, colleague)
    expired = certify(p, other_partner_person)
    with tenant_context(p.tenant):
        CertificationAward.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert certified_people_by_partner_in(p) == {p.partner.pk: 2}
    assert certified_people_by_partner_in(p, certification_ids=[expert.pk]) == {p.partner.pk: 1}
    # As of yesterday the expired award still counted.
    yesterday = timezone.now() - timedelta(days=2)
    with tenant_context(p.tenant):
        CertificationAward.objects.update(awarded_at=yesterday - timedelta(days=1))
    assert certified_people_by_partner_in(p, as_of=yesterday) == {
        p.partner.pk: 2,
        other_partner_person.partner_organization_id: 1,
    }


def test_certified_people_per_partner_is_one_query(django_assert_num_queries):
    p = program(courses=1)
    for _n in range(3):
        certify(p, PartnerUserFactory(tenant=p.tenant))
    with tenant_context(p.tenant), django_assert_num_queries(1):
        counts = certified_people_by_partner()
    assert sum(counts.values()) == 3
    relay(p.tenant)


def test_a_course_archived_since_stays_required_but_cannot_be_added_anew():
    p = program()
    with tenant_context(p.tenant):
        p.courses[0].archived = True
        p.courses[0].save()
    edited = _update(p, description="Still requires both courses.")
    with tenant_context(p.tenant):
        assert edited.required_courses.count() == 2
        with pytest.raises(ValidationFailed) as error:
            services.certification_create(actor=p.admin, name="New one", course_ids=[p.courses[0].pk])
    assert error.value.field == "courses"
