"""My tier names the courses that close the next tier's skilling gap: the courses a certification it counts requires,
which the reader has not completed yet (issue 12 item 6, issue 13 item 6)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.certifications_support import complete, program
from tiering.models import EvaluationModel, Tier, TierCriterion, TierProgram
from tiering.services.recalculation import tiers_recalculate

pytestmark = pytest.mark.django_db


def tier_program_counting(p, certification_ids):
    with tenant_context(p.tenant):
        tiers = TierProgram.objects.create(name="Tiers", evaluation_model=EvaluationModel.ALL, grace_period_days=90)
        Tier.objects.create(program=tiers, name="Registered", rank=0)
        silver = Tier.objects.create(program=tiers, name="Silver", rank=1)
        TierCriterion.objects.create(
            program=tiers,
            tier=silver,
            metric_key="certified_people",
            threshold=Decimal(1),
            options={"certification_ids": certification_ids},
        )
        tiers_recalculate()


def gap_courses_on_my_tier(client, p) -> str:
    page = login(client, p.learner).get(reverse("my_tier", args=[p.tenant.slug])).content.decode()
    start = page.find('data-testid="tier-gap-courses"')
    return page[start : page.find("</ul>", start)] if start >= 0 else ""


def test_the_certifications_required_courses_not_yet_completed_are_offered(client):
    p = program()
    tier_program_counting(p, [p.certification.pk])
    first, second = p.courses

    listed = gap_courses_on_my_tier(client, p)
    assert first.title in listed and second.title in listed
    assert reverse("learning_course_overview", args=[p.tenant.slug, first.pk]) in listed

    complete(p, first)
    listed = gap_courses_on_my_tier(client, p)
    assert first.title not in listed and second.title in listed


def test_no_courses_when_the_gap_names_a_certification_they_do_not_lead_to(client):
    p = program()
    tier_program_counting(p, [p.certification.pk + 1000])
    assert gap_courses_on_my_tier(client, p) == ""


def test_the_portal_cards_next_course_is_the_first_that_closes_the_gap(client):
    p = program()
    tier_program_counting(p, [p.certification.pk])
    first, second = sorted(p.courses, key=lambda course: (course.title, course.pk))
    complete(p, first)

    page = login(client, p.learner).get(reverse("portal", args=[p.tenant.slug])).content.decode()

    start = page.index('data-testid="tier-card-course"')
    card_line = page[start : page.index("</div>", start)]
    assert second.title in card_line and first.title not in card_line
