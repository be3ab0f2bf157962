"""Learning paths from the learner's side: starting a path enrolls the learner in each of its courses offered to
them (as "from a learning path"); courses they already have are left as they are."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from enablement.models import Enrollment, EnrollmentSource, LearningPath
from enablement.selectors.catalogue import audience_of, audience_q, courses_for
from enablement.services.enrollments import check_learner, enroll_once
from prm import policy
from prm.errors import ValidationFailed
from prm.models import Membership


@transaction.atomic
def learning_path_start(*, actor: Membership, path: LearningPath) -> list[Enrollment]:
    """Enroll the learner in the path's courses offered to them, in the path's order. Returns the enrollments made
    now (none when the learner had every course already: starting twice changes nothing)."""
    policy.require(actor, "learning.take")
    check_learner(actor)
    audience = audience_of(actor)
    if not LearningPath.objects.filter(audience_q(audience), pk=path.pk, published=True).exists():
        raise ValidationFailed(_("This learning path is not offered to you."), field="path")
    courses = courses_for(audience).filter(pk__in=path.steps.values("course_id"))
    positions = dict(path.steps.values_list("course_id", "position"))
    created = []
    for course in sorted(courses, key=lambda c: (positions.get(c.pk, 0), c.pk)):
        enrollment, was_created = enroll_once(actor=actor, course=course, learner=actor, source=EnrollmentSource.PATH)
        if was_created:
            created.append(enrollment)
    return created
