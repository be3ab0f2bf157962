"""Certifications: what earns one, awarding it (once), renewing, revoking, and what happens as it nears its end.

Rules:
- A certification requires courses (each completed in the learner's current cycle) and optionally a final exam (a
  passed attempt of its quiz); at least one of the two. It is awarded as soon as the last requirement is met, to the
  person, counted for their partner organization.
- Awarding is idempotent: the award's key is derived from what it rests on (the completions and the exam attempt),
  and the database allows one award per key — a repeated event, a retried task or a double click never makes two.
- Renewal is by retaking: once every requirement has been met again after the last award, a new award is made
  (`renewal_of` the previous one, which is marked renewed). A renewal in the last RENEWAL_WINDOW_DAYS before expiry
  runs from the old expiry date, so renewing early loses nothing.
- An award expires `validity_months` after it was made (None: never). Reminders go out 60, 30 and 7 days before
  (each once: a reminder skipped because the run came late is not sent afterwards), `certification.expired` is
  recorded once when it has passed, and from then on the award no longer counts.
- Changing a certification's validity asks whether it applies to awards already made: only to new awards, or also
  to recompute the expiry of every active award (their credentials are signed again, reminders start over).
- Staff revoke an award with a reason; the credential's bit in the status list is set at once.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Func, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enablement.declarations import (
    CERTIFICATION_AWARDED,
    CERTIFICATION_EXPIRED,
    CERTIFICATION_EXPIRING,
    CERTIFICATION_REVOKED,
)
from enablement.models import (
    AttemptStatus,
    AwardStatus,
    Certification,
    CertificationAward,
    CertificationCourse,
    Course,
    Enrollment,
    EnrollmentStatus,
    Quiz,
    QuizAttempt,
)
from enablement.services import credentials
from prm import policy
from prm.cleaning import clean_text
from prm.errors import InvalidTransition, ValidationFailed
from prm.events import record_event, record_events
from prm.i18n import lazy_format
from prm.notifications import notify
from prm.policy import Actor
from prm.tenancy import current_tenant

REMINDER_DAYS = (60, 30, 7)
RENEWAL_WINDOW_DAYS = 60
MAX_VALIDITY_MONTHS = 120
NAME_MAX_LENGTH = Certification._meta.get_field("name").max_length
DESCRIPTION_MAX_LENGTH = 5_000
REASON_MAX_LENGTH = CertificationAward._meta.get_field("revoke_reason").max_length
# Awards handled per pass of the expiry run (each pass is one transaction; the task repeats until none is left).
EXPIRY_BATCH = 1_000

# Whether a changed validity applies to awards already made.
VALIDITY_NEW_AWARDS = "new_awards"
VALIDITY_EXISTING_AWARDS = "existing_awards"
VALIDITY_CHOICES = [
    (VALIDITY_NEW_AWARDS, gettext_lazy("Only to certificates awarded from now on")),
    (VALIDITY_EXISTING_AWARDS, gettext_lazy("Also recompute the expiry of certificates already awarded and valid")),
]


def expiry_for(awarded_at: datetime, validity_months: int | None) -> datetime | None:
    """The end of the month-based validity (31 January + 1 month is 28/29 February, as PostgreSQL counts it)."""
    return awarded_at + relativedelta(months=validity_months) if validity_months else None


def award_payload(award: CertificationAward, **extra) -> dict:
    return {
        "award_id": award.pk,
        "certification_id": award.certification_id,
        "partner_organization_id": award.partner_organization_id,
        "user_id": award.user_id,
        "expires_at": award.expires_at.isoformat() if award.expires_at else None,
        "verification_url": credentials.verification_url(award),
        **extra,
    }


def _my_certifications_url() -> str:
    return reverse("my_certifications", args=[current_tenant().slug])


# Definitions ------------------------------------------------------------------------------------------------------


def _clean_validity(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter the validity as a whole number of months."), field="validity_months") from None
    if not 1 <= months <= MAX_VALIDITY_MONTHS:
        raise ValidationFailed(
            _("A certification is valid for 1 to %(max)s months (or leave it empty: no expiry).")
            % {"max": MAX_VALIDITY_MONTHS},
            field="validity_months",
        )
    return months


def _clean_courses(course_ids, keep=()) -> list[Course]:
    """Courses of the program that are not archived (`keep`: ones already required, which may be archived since)."""
    ids = []
    for value in course_ids or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationFailed(_("Choose courses of this program."), field="courses") from None
    available = Q(archived=False) | Q(pk__in=list(keep))
    courses = list(Course.objects.filter(available, pk__in=ids).order_by("title", "id"))
    if len(courses) != len(set(ids)):
        raise ValidationFailed(_("Choose courses of this program."), field="courses")
    return courses


def _clean_final_exam(final_exam_id) -> Quiz | None:
    if final_exam_id in (None, ""):
        return None
    try:
        return Quiz.objects.get(pk=int(final_exam_id))
    except (TypeError, ValueError, Quiz.DoesNotExist):
        raise ValidationFailed(_("Choose a quiz of this program."), field="final_exam") from None


def _clean_definition(
    *, name, description, validity_months, course_ids, final_exam_id, exclude_pk=None, keep_courses=()
) -> dict:
    name = clean_text(name, field="name", max_length=NAME_MAX_LENGTH, required=_("Name the certification."))
    if Certification.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ValidationFailed(_("A certification with this name exists already."), field="name")
    description = clean_text(description, field="description", max_length=DESCRIPTION_MAX_LENGTH)
    courses = _clean_courses(course_ids, keep_courses)
    final_exam = _clean_final_exam(final_exam_id)
    if not courses and final_exam is None:
        raise ValidationFailed(_("Require at least one course or a final exam."), field="courses")
    return {
        "name": name,
        "description": description,
        "validity_months": _clean_validity(validity_months),
        "courses": courses,
        "final_exam": final_exam,
    }


def _set_courses(certification: Certification, courses: list[Course]) -> None:
    wanted = {course.pk for course in courses}
    CertificationCourse.objects.filter(certification=certification).exclude(course_id__in=wanted).delete()
    have = set(CertificationCourse.objects.filter(certification=certification).values_list("course_id", flat=True))
    CertificationCourse.objects.bulk_create(
        [CertificationCourse(certification=certification, course_id=pk) for pk in sorted(wanted - have)]
    )


@transaction.atomic
def certification_create(
    *,
    actor: Actor,
    name: str,
    description: str = "",
    validity_months: int | None = 12,
    course_ids=(),
    final_exam_id: int | None = None,
    active: bool = True,
) -> Certification:
    """Authors define a certification: its required courses and optional final exam, and how long it is valid."""
    policy.require(actor, "certifications.manage")
    cleaned = _clean_definition(
        name=name,
        description=description,
        validity_months=validity_months,
        course_ids=course_ids,
        final_exam_id=final_exam_id,
    )
    courses = cleaned.pop("courses")
    certification = Certification.objects.create(**cleaned, active=bool(active))
    _set_courses(certification, courses)
    return certification


@transaction.atomic
def certification_update(
    *,
    actor: Actor,
    certification: Certification,
    name: str,
    description: str = "",
    validity_months: int | None = None,
    course_ids=(),
    final_exam_id: int | None = None,
    active: bool = True,
    apply_to_existing: str | None = None,
) -> Certification:
    """Change a definition. Changed requirements apply to awards made from now on. A changed validity must say
    whether it also applies to awards already made (`apply_to_existing`, one of VALIDITY_CHOICES): then the expiry
    of every active award is recomputed from its award date, set-based."""
    policy.require(actor, "certifications.manage")
    certification = Certification.objects.select_for_update().get(pk=certification.pk)
    required = CertificationCourse.objects.filter(certification=certification).values_list("course_id", flat=True)
    cleaned = _clean_definition(
        name=name,
        description=description,
        validity_months=validity_months,
        course_ids=course_ids,
        final_exam_id=final_exam_id,
        exclude_pk=certification.pk,
        keep_courses=required,
    )
    validity_changed = cleaned["validity_months"] != certification.validity_months
    if validity_changed and apply_to_existing not in dict(VALIDITY_CHOICES):
        raise ValidationFailed(
            _("The validity changed: choose whether it applies to certificates already awarded."),
            field="apply_to_existing",
        )
    courses = cleaned.pop("courses")
    for field, value in cleaned.items():
        setattr(certification, field, value)
    certification.active = bool(active)
    certification.save()
    _set_courses(certification, courses)
    if validity_changed and apply_to_existing == VALIDITY_EXISTING_AWARDS:
        _recompute_expiry(certification)
    return certification


def _recompute_expiry(certification: Certification) -> int:
    """Every active award's expiry from its award date and the new validity, in two UPDATEs. Their credentials are
    cleared (signed again, with the new `validUntil`, when next downloaded) and their reminders start over; an award
    whose expiry was recorded and that is valid again may expire (and be recorded) once more."""
    awards = CertificationAward.objects.filter(certification=certification, status=AwardStatus.ACTIVE)
    months = certification.validity_months
    if months:
        interval = Func(Value(0), Value(months), function="make_interval", output_field=DurationField())
        new_expiry = ExpressionWrapper(F("awarded_at") + interval, output_field=DateTimeField())
    else:
        new_expiry = Value(None, output_field=DateTimeField())
    now = timezone.now()
    changed = awards.update(expires_at=new_expiry, credential="", reminders_sent=[], updated_at=now)
    awards.filter(expiry_recorded=True).exclude(expires_at__lte=now).update(expiry_recorded=False, updated_at=now)
    return changed


# Awarding ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Basis:
    """What an award rests on: the completed enrollments (current cycle) and the passed final-exam attempt."""

    enrollment_ids: tuple[int, ...]
    exam_attempt_id: int | None
    met_at: datetime

    def key(self, certification_id: int, user_id: int) -> str:
        basis = json.dumps({"enrollments": self.enrollment_ids, "exam": self.exam_attempt_id}, sort_keys=True)
        return f"{certification_id}:{user_id}:{hashlib.sha256(basis.encode()).hexdigest()[:40]}"


def _current_enrollments(user_id: int, course_ids: set[int]) -> dict[int, Enrollment]:
    """The learner's current (latest, not withdrawn) cycle of each course, in one query."""
    current: dict[int, Enrollment] = {}
    rows = (
        Enrollment.objects.filter(user_id=user_id, course_id__in=course_ids)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .order_by("course_id", "-cycle")
        .only("id", "course_id", "cycle", "status", "completed_at", "updated_at")
    )
    for enrollment in rows:
        current.setdefault(enrollment.course_id, enrollment)
    return current


def _passed_exams(user_id: int, quiz_ids: set[int]) -> dict[int, QuizAttempt]:
    latest: dict[int, QuizAttempt] = {}
    attempts = (
        QuizAttempt.objects.filter(user_id=user_id, quiz_id__in=quiz_ids, passed=True)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .order_by("quiz_id", "-submitted_at", "-id")
        .only("id", "quiz_id", "submitted_at", "started_at")
    )
    for attempt in attempts:
        latest.setdefault(attempt.quiz_id, attempt)
    return latest


def _basis_for(certification, course_ids, enrollments, exams, since: datetime | None) -> _Basis | None:
    """The basis of an award of `certification` now, or None when a requirement is missing (or, for a renewal, was
    met before the previous award)."""
    times, enrollment_ids = [], []
    for course_id in course_ids:
        enrollment = enrollments.get(course_id)
        if enrollment is None or enrollment.status != EnrollmentStatus.COMPLETED:
            return None
        times.append(enrollment.completed_at or enrollment.updated_at)
        enrollment_ids.append(enrollment.pk)
    attempt = None
    if certification.final_exam_id:
        attempt = exams.get(certification.final_exam_id)
        if attempt is None:
            return None
        times.append(attempt.submitted_at or attempt.started_at)
    if since is not None and any(moment <= since for moment in times):
        return None
    return _Basis(tuple(sorted(enrollment_ids)), attempt.pk if attempt else None, max(times))


@transaction.atomic
def certifications_award_for_learner(
    *, user_id: int, partner_organization_id: int, course_id: int | None = None, quiz_id: int | None = None
) -> list[CertificationAward]:
    """Award every active certification whose requirements the learner now meets (those requiring `course_id`, or
    with `quiz_id` as their final exam, when given). Safe to run again: returns only the awards it made."""
    certifications = Certification.objects.filter(active=True)
    if course_id is not None:
        certifications = certifications.filter(required_courses__course_id=course_id)
    if quiz_id is not None:
        certifications = certifications.filter(final_exam_id=quiz_id)
    certifications = list(certifications.distinct().prefetch_related("required_courses"))
    if not certifications:
        return []
    required = {cert.pk: sorted(link.course_id for link in cert.required_courses.all()) for cert in certifications}
    enrollments = _current_enrollments(user_id, {pk for ids in required.values() for pk in ids})
    exams = _passed_exams(user_id, {cert.final_exam_id for cert in certifications if cert.final_exam_id})
    made = []
    for certification in certifications:
        previous = (
            CertificationAward.objects.select_for_update()
            .filter(certification=certification, user_id=user_id)
            .order_by("-awarded_at", "-id")
            .first()
        )
        since = previous.awarded_at if previous is not None else None
        basis = _basis_for(certification, required[certification.pk], enrollments, exams, since)
        if basis is None:
            continue
        award = _award(certification, user_id, partner_organization_id, basis, previous)
        if award is not None:
            made.append(award)
    return made


def _award(certification, user_id, partner_organization_id, basis: _Basis, previous) -> CertificationAward | None:
    if CertificationAward.objects.filter(award_key=basis.key(certification.pk, user_id)).exists():
        return None
    user = get_user_model().objects.get(pk=user_id)
    renews = previous if previous is not None and previous.status == AwardStatus.ACTIVE else None
    award = _award_made(certification, user, partner_organization_id, basis, renews)
    if award is None:
        return None
    record_event(CERTIFICATION_AWARDED, subject=award, payload=award_payload(award))
    notify(
        users=[user],
        kind="certification.awarded",
        title=lazy_format(gettext_lazy("You earned the certification %(name)s"), name=certification.name),
        body=gettext_lazy("Download your certificate and your Open Badge from My certifications."),
        url=_my_certifications_url(),
    )
    return award


def _award_made(certification, user, partner_organization_id, basis: _Basis, renews) -> CertificationAward | None:
    """The award row for `basis` (not made yet), dated when it was met, inserted (None when a concurrent relay made it
    first) and signed."""
    expires_at = expiry_for(basis.met_at, certification.validity_months)
    if (
        renews is not None
        and renews.expires_at is not None
        and expires_at is not None
        and basis.met_at < renews.expires_at <= basis.met_at + timedelta(days=RENEWAL_WINDOW_DAYS)
    ):
        expires_at = expiry_for(renews.expires_at, certification.validity_months)
    award = CertificationAward(
        certification=certification,
        user=user,
        partner_organization_id=partner_organization_id,
        recipient_name=(user.get_full_name() or user.email)[:200],
        awarded_at=basis.met_at,
        expires_at=expires_at,
        award_key=basis.key(certification.pk, user.pk),
        renewal_of=renews,
    )
    if not _insert(award):
        return None  # a concurrent relay made it first
    if renews is not None:
        renews.status = AwardStatus.RENEWED
        renews.save(update_fields=["status", "updated_at"])
    credentials.credential_sign(award)
    return award


@transaction.atomic
def certification_award_record_history(
    *, certification: Certification, user, partner_organization_id: int, enrollments, exam_attempt=None
) -> CertificationAward | None:
    """An award earned in the past, recorded as history (the demo program's weeks of use, an import): made exactly
    as awarding makes it — dated when the last of the completed `enrollments` and the passed `exam_attempt` was met,
    keyed by them so awarding never makes it twice, signed — but without the event and the notification of an
    award happening now. None when it exists already."""
    times = [enrollment.completed_at for enrollment in enrollments]
    if exam_attempt is not None:
        times.append(exam_attempt.submitted_at)
    basis = _Basis(
        tuple(sorted(enrollment.pk for enrollment in enrollments)),
        exam_attempt.pk if exam_attempt is not None else None,
        max(times),
    )
    if CertificationAward.objects.filter(award_key=basis.key(certification.pk, user.pk)).exists():
        return None
    return _award_made(certification, user, partner_organization_id, basis, renews=None)


def _insert(award: CertificationAward, attempts: int = 20) -> bool:
    """Insert with a random place in the status list; False when an award with the same key exists (made by a
    concurrent relay: the unique constraint decides). A place taken by chance is drawn again."""
    for _attempt in range(attempts):
        award.status_list_index = credentials.status_list_index_draw()
        try:
            with transaction.atomic():
                award.save(force_insert=True)
            return True
        except IntegrityError:
            award.pk = None
            if CertificationAward.objects.filter(award_key=award.award_key).exists():
                return False
    raise RuntimeError("No free place in the status list after several draws.")


def certifications_award_from_event(event) -> list[CertificationAward]:
    """`course.completed`: the learner may now meet a certification's requirements."""
    payload = event.payload or {}
    try:
        user_id = int(payload["user_id"])
        partner_id = int(payload["partner_organization_id"])
        course_id = int(payload["course_id"])
    except (KeyError, TypeError, ValueError):
        return []
    return certifications_award_for_learner(user_id=user_id, partner_organization_id=partner_id, course_id=course_id)


# Revoking ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def certification_award_revoke(*, actor: Actor, award: CertificationAward, reason: str) -> CertificationAward:
    """Staff withdraw an award, saying why: it stops counting at once, its verification page says revoked, and its
    credential's bit in the status list is set. A revoked or renewed award cannot be revoked."""
    policy.require(actor, "certifications.revoke")
    reason = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=_("Say why it is revoked."))
    award = CertificationAward.objects.select_for_update().get(pk=award.pk)
    if award.status != AwardStatus.ACTIVE:
        raise InvalidTransition(
            _("This certificate is %(status)s: only a valid one can be revoked.")
            % {"status": AwardStatus(award.status).label.lower()}
        )
    user = getattr(actor, "user", None)
    award.status = AwardStatus.REVOKED
    award.revoked_at = timezone.now()
    award.revoked_by = user if getattr(user, "pk", None) else None
    award.revoke_reason = reason
    award.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    record_event(CERTIFICATION_REVOKED, subject=award, payload=award_payload(award, reason=reason), actor=actor)
    return award


# Expiry -----------------------------------------------------------------------------------------------------------


@dataclass
class ExpiryRun:
    reminded: int = 0
    expired: int = 0

    @property
    def done(self) -> int:
        return self.reminded + self.expired


@transaction.atomic
def certification_expiry_run(*, now: datetime | None = None, batch: int = EXPIRY_BATCH) -> ExpiryRun:
    """One pass over the current tenant's awards (the beat calls it per tenant until a pass does nothing):
    reminders 60, 30 and 7 days before expiry — only the nearest one due, each once — and `certification.expired`
    once for each award past its expiry. Rows another run holds are skipped (SKIP LOCKED), so overlapping runs send
    nothing twice."""
    now = now or timezone.now()
    run = ExpiryRun()
    active = CertificationAward.objects.filter(status=AwardStatus.ACTIVE, expires_at__isnull=False)
    lower = now
    for days in sorted(REMINDER_DAYS):
        upper = now + timedelta(days=days)
        due = list(
            active.filter(expires_at__gt=lower, expires_at__lte=upper)
            .exclude(reminders_sent__contains=[days])
            .select_for_update(of=("self",), skip_locked=True)
            .select_related("certification")
            .order_by("expires_at", "id")[:batch]
        )
        lower = upper
        if due:
            _remind(due, days, now)
            run.reminded += len(due)
    expired = list(
        active.filter(expires_at__lte=now, expiry_recorded=False)
        .select_for_update(skip_locked=True)
        .order_by("expires_at", "id")[:batch]
    )
    if expired:
        CertificationAward.objects.filter(pk__in=[a.pk for a in expired]).update(expiry_recorded=True, updated_at=now)
        record_events([(CERTIFICATION_EXPIRED, award, award_payload(award)) for award in expired])
        run.expired = len(expired)
    return run


def _remind(awards: list[CertificationAward], days: int, now: datetime) -> None:
    sent = [d for d in REMINDER_DAYS if d >= days]
    CertificationAward.objects.filter(pk__in=[a.pk for a in awards]).update(reminders_sent=sent, updated_at=now)
    record_events([(CERTIFICATION_EXPIRING, award, award_payload(award, days_left=days)) for award in awards])
    # One notification call per certification: everyone whose award of it is due hears the same words.
    by_certification = defaultdict(list)
    for award in awards:
        by_certification[award.certification].append(award.user_id)
    url = _my_certifications_url()
    for certification, user_ids in by_certification.items():
        notify(
            users=get_user_model().objects.filter(pk__in=user_ids),
            kind="certification.expiring",
            title=lazy_format(
                gettext_lazy("Your certification %(name)s expires in %(days)s days"),
                name=certification.name,
                days=days,
            ),
            body=gettext_lazy("Retake its courses to renew it before it expires."),
            url=url,
        )
