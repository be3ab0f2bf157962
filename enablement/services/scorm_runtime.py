"""Playing a SCORM lesson: what the runtime starts from, and what it commits.

`scorm_launch` opens an item for its learner (the lesson counts as started, "Resume" comes back here) and builds the
CMI data the runtime loads (`loadFromJSON`): the stored data of the item's attempt, so a relaunch resumes, with the
values only the LMS sets (learner, entry, credit, mode, launch data, mastery score, completion threshold).

`scorm_commit` stores a commit of the learner's own attempt (checked by enablement.scorm.cmi), reads its status,
score and time, rolls the package's items up into the lesson's result and records it through the progress service
when it changed: completion or a pass of a package counts like any lesson's. One attempt per item and enrollment: a
relaunch continues it (a retake is the enrollment's next cycle).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enablement.models import Enrollment, Lesson, ScormAttempt, ScormSco
from enablement.scorm import cmi as cmis
from enablement.scorm.delivery import flatten_seed
from enablement.services.progress import lesson_result_record, lesson_start
from prm import policy
from prm.errors import PermissionDenied

MAX_RAW = Decimal("9999999.99")


@dataclass(frozen=True)
class Launch:
    version: str
    cmi: dict
    # The same data as the bridge in the package's pages caches it ("cmi.core.lesson_status" -> value).
    seed: dict


@dataclass(frozen=True)
class CommitResult:
    attempt: ScormAttempt
    outcome: cmis.Outcome
    lesson: cmis.LessonResult


def learner_name(user) -> str:
    """SCORM's convention: "Last, First"."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if first and last:
        return f"{last}, {first}"
    return first or last or user.email.split("@", 1)[0]


def _check(actor, enrollment: Enrollment, lesson: Lesson, sco: ScormSco) -> None:
    policy.require(actor, "learning.take", enrollment)
    user = getattr(actor, "user", None)
    if user is None or enrollment.user_id != user.pk:
        raise PermissionDenied(_("You do not have access to this."))
    if lesson.scorm_package_id is None or sco.package_id != lesson.scorm_package_id:
        raise PermissionDenied(_("You do not have access to this."))
    if lesson.module.version_id != enrollment.course_version_id:
        raise PermissionDenied(_("You do not have access to this."))


def launch_cmi(*, version: str, sco: ScormSco, attempt: ScormAttempt | None, user) -> dict:
    settings = sco.sequencing or {}
    data = copy.deepcopy(attempt.cmi) if attempt is not None else {}
    started = attempt is not None and attempt.commit_count > 0
    if version == "1.2":
        core = data.get("core") if isinstance(data.get("core"), dict) else {}
        previous_exit = core.pop("exit", "")
        core.pop("session_time", None)
        core.update(
            student_id=str(user.pk),
            student_name=learner_name(user),
            credit="credit",
            lesson_mode="normal",
            entry="resume" if previous_exit == "suspend" else ("" if started else "ab-initio"),
        )
        core.setdefault("lesson_status", "not attempted")
        data["core"] = core
        data["launch_data"] = settings.get("data_from_lms", "")
        data["student_data"] = {
            "mastery_score": settings.get("mastery_score", ""),
            "max_time_allowed": settings.get("max_time_allowed", ""),
            "time_limit_action": settings.get("time_limit_action", ""),
        }
        return data
    previous_exit = data.pop("exit", "")
    data.pop("session_time", None)
    data.update(
        learner_id=str(user.pk),
        learner_name=learner_name(user),
        credit="credit",
        mode="normal",
        entry="resume" if previous_exit == "suspend" else ("" if started else "ab-initio"),
        launch_data=settings.get("data_from_lms", ""),
        scaled_passing_score=settings.get("mastery_score", ""),
        completion_threshold=settings.get("completion_threshold", ""),
        time_limit_action=settings.get("time_limit_action") or "continue,no message",
    )
    data.setdefault("completion_status", "unknown")
    data.setdefault("success_status", "unknown")
    return data


def seed_of(version: str, data: dict) -> dict:
    with_rows = {**data, "interactions": data.get("interactions") or {}, "objectives": data.get("objectives") or {}}
    seed = flatten_seed(with_rows)
    seed["cmi._version"] = "3.4" if version == "1.2" else "1.0"
    return seed


def preview_launch(*, version: str, sco: ScormSco, user) -> Launch:
    data = launch_cmi(version=version, sco=sco, attempt=None, user=user)
    return Launch(version=version, cmi=data, seed=seed_of(version, data))


def scorm_launch(*, actor, enrollment: Enrollment, lesson: Lesson, sco: ScormSco) -> Launch:
    """Open an item of the learner's own SCORM lesson: the lesson is started, and the runtime's data returned."""
    _check(actor, enrollment, lesson, sco)
    lesson_start(enrollment=enrollment, lesson=lesson)
    attempt = ScormAttempt.objects.filter(enrollment=enrollment, lesson=lesson, sco=sco).order_by("-number").first()
    version = lesson.scorm_package.scorm_version
    data = launch_cmi(version=version, sco=sco, attempt=attempt, user=actor.user)
    return Launch(version=version, cmi=data, seed=seed_of(version, data))


def launch_for_delivery(*, enrollment_id: int, sco: ScormSco, version: str, user) -> Launch:
    """The data a package's page starts its bridge from (the content view, which has only its token's ids)."""
    attempt = ScormAttempt.objects.filter(enrollment_id=enrollment_id, sco=sco).order_by("-number").first()
    data = launch_cmi(version=version, sco=sco, attempt=attempt, user=user)
    return Launch(version=version, cmi=data, seed=seed_of(version, data))


def outcome_of(attempt: ScormAttempt | None, *, sco: ScormSco, version: str) -> cmis.Outcome:
    settings = sco.sequencing or {}
    if attempt is None or attempt.commit_count == 0:
        return cmis.NOT_ATTEMPTED
    return cmis.outcome(attempt.cmi, version=version, settings=settings, scorm_type=settings.get("scorm_type", "sco"))


def lesson_rollup(*, scos: list[ScormSco], attempts: dict[int, ScormAttempt], version: str) -> cmis.LessonResult:
    """The lesson's result from its items. Items hidden from the table of contents (isvisible="false") cannot be
    chosen, so they do not hold the lesson back."""
    return cmis.rollup(
        [
            (sco.sequencing or {}, outcome_of(attempts.get(sco.pk), sco=sco, version=version))
            for sco in scos
            if (sco.sequencing or {}).get("visible", True)
        ]
    )


def _decimal_or_none(value: Decimal | None, places: str, limit: Decimal) -> Decimal | None:
    if value is None or abs(value) > limit:
        return None
    return value.quantize(Decimal(places))


def scorm_commit(*, actor, enrollment: Enrollment, lesson: Lesson, sco: ScormSco, payload) -> CommitResult:
    """Store a commit of the learner's own attempt at an item and record the lesson's result when it changed.
    Refuses another learner's attempt (as not found) and a commit whose values break SCORM's data model (naming
    the element); an asset's commit only says it was launched, which completes it."""
    _check(actor, enrollment, lesson, sco)
    version = lesson.scorm_package.scorm_version
    settings = sco.sequencing or {}
    is_asset = settings.get("scorm_type") == "asset"
    data = {} if is_asset else cmis.clean_commit(payload, version=version)
    with transaction.atomic():
        Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
        scos = list(ScormSco.objects.filter(package_id=sco.package_id).order_by("position", "id"))
        attempts = {
            a.sco_id: a
            for a in ScormAttempt.objects.select_for_update()
            .filter(enrollment=enrollment, lesson=lesson)
            .order_by("id")
        }
        before = lesson_rollup(scos=scos, attempts=attempts, version=version)
        attempt = attempts.get(sco.pk) or ScormAttempt(
            sco=sco,
            enrollment=enrollment,
            lesson=lesson,
            user_id=enrollment.user_id,
            partner_organization_id=enrollment.partner_organization_id,
            number=1,
        )
        first = attempt.commit_count == 0
        if is_asset:
            data = {"completion_status": "completed"} if version == "2004" else {"core": {"lesson_status": "completed"}}
        elif version == "2004" and "total_time" not in data and "total_time" in (attempt.cmi or {}):
            # 2004 commits carry total_time only when the session ends: keep the last one known.
            data["total_time"] = attempt.cmi["total_time"]
        facts = cmis.facts(data, version=version)
        attempt.cmi = data
        attempt.completion_status = facts.completion_status[:32]
        attempt.success_status = facts.success_status[:32]
        attempt.score_scaled = _decimal_or_none(facts.score_scaled, "0.0001", Decimal(1))
        attempt.score_raw = _decimal_or_none(facts.score_raw, "0.01", MAX_RAW)
        if facts.total_seconds is not None:
            attempt.total_seconds = min(facts.total_seconds, 2**31 - 1)
        attempt.commit_count += 1
        outcome = outcome_of(attempt, sco=sco, version=version)
        if outcome.completed and attempt.completed_at is None:
            attempt.completed_at = timezone.now()
        attempt.save()
        attempts[sco.pk] = attempt
        after = lesson_rollup(scos=scos, attempts=attempts, version=version)
        if first or after != before:
            lesson_result_record(
                enrollment=enrollment,
                lesson=lesson,
                completed=after.completed,
                passed=after.passed,
                score=after.score,
            )
    return CommitResult(attempt=attempt, outcome=outcome, lesson=after)
