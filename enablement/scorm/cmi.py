"""What a SCORM runtime commits, checked on the server, and how items roll up into the lesson's result.

The runtime in the browser (scorm-again) validates what a package sets, but a commit is a request anyone can forge,
so the server checks it again: the status vocabularies of SCORM 1.2 and 2004, score ranges, the two time formats
(1.2's HHHH:MM:SS.SS, 2004's ISO 8601 duration), the length limits of locations, suspend data and interactions, and
the overall shape (nesting, counts, sizes). A refusal names the element (`cmi.core.lesson_status`).

Rollup, kept simple (docs/enablement.md#scorm):
- an item is completed when its status says so (1.2: completed, passed or failed; 2004: completion_status
  completed, or progress_measure at the completion threshold); assets are completed once launched;
- an item is passed or failed by its success status; a mastery score from the manifest decides instead when the
  item reports a score (1.2 raw score against `masteryscore`, 2004 scaled score against `minNormalizedMeasure`);
- the lesson is completed when every tracked item that counts for completion is; it is failed when an item that
  counts for satisfaction failed, passed when those that report a success status all passed (items that report
  none, pages of content, count for completion only), and has no pass mark when none reports one;
- its score is the weighted mean (`objectiveMeasureWeight`, default 1) of the items' scores, as a percentage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from prm.errors import ValidationFailed

MAX_DEPTH = 6
MAX_LEAVES = 20_000
MAX_STRING = 64_000
MAX_ROWS = 1000
HUNDRED = Decimal(100)

STATUS_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_2004 = {"passed", "failed", "unknown"}
EXIT_12 = {"time-out", "suspend", "logout"}
EXIT_2004 = {"time-out", "suspend", "logout", "normal"}
ENTRY = {"ab-initio", "resume"}
INTERACTION_TYPES_12 = {"true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert", "numeric"}
INTERACTION_TYPES_2004 = INTERACTION_TYPES_12 | {"long-fill-in", "other"}
RESULTS_12 = {"correct", "wrong", "unanticipated", "neutral"}
RESULTS_2004 = {"correct", "incorrect", "unanticipated", "neutral"}

TIMESPAN_12 = re.compile(r"^(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?$")
DURATION_2004 = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$"
)
TIME_12 = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$")
TIMESTAMP_2004 = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,2})?)?)?(Z|[+-]\d{2}(:\d{2})?)?)?)?)?$")
KEY = re.compile(r"^[A-Za-z0-9_]{1,64}$")

TOP_12 = {
    "suspend_data", "launch_data", "comments", "comments_from_lms", "core", "objectives", "student_data",
    "student_preference", "interactions",
}  # fmt: skip
TOP_2004 = {
    "comments_from_learner", "comments_from_lms", "completion_status", "completion_threshold", "credit", "entry",
    "exit", "interactions", "launch_data", "learner_id", "learner_name", "learner_preference", "location",
    "max_time_allowed", "mode", "objectives", "progress_measure", "scaled_passing_score", "score", "session_time",
    "success_status", "suspend_data", "time_limit_action", "total_time",
}  # fmt: skip


def invalid(element: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{element}: {message}", field=element)


# Checks of one value --------------------------------------------------------------------------------------------


def _vocabulary(allowed: set[str]):
    def check(value: str) -> str | None:
        if value in allowed or value == "":
            return None
        return _("“%(value)s” is not one of %(allowed)s.") % {
            "value": value[:50],
            "allowed": ", ".join(sorted(allowed)),
        }

    return check


def _real(low: Decimal | None = None, high: Decimal | None = None):
    def check(value: str) -> str | None:
        if value == "":
            return None
        number = to_decimal(value)
        if number is None:
            return _("“%(value)s” is not a number.") % {"value": value[:50]}
        if (low is not None and number < low) or (high is not None and number > high):
            return _("%(value)s is outside %(low)s to %(high)s.") % {"value": value[:50], "low": low, "high": high}
        return None

    return check


def _pattern(regex: re.Pattern, what: str):
    def check(value: str) -> str | None:
        if value == "" or regex.match(value):
            return None
        return _("“%(value)s” is not %(what)s.") % {"value": value[:50], "what": what}

    return check


def _length(limit: int):
    def check(value: str) -> str | None:
        if len(value) <= limit:
            return None
        return _("longer than %(limit)s characters.") % {"limit": limit}

    return check


def _result(allowed: set[str]):
    vocabulary, real = _vocabulary(allowed), _real()

    def check(value: str) -> str | None:
        return None if vocabulary(value) is None or real(value) is None else vocabulary(value)

    return check


_timespan = _pattern(TIMESPAN_12, _("a time span (HHHH:MM:SS.SS)"))
_duration = _pattern(DURATION_2004, _("an ISO 8601 duration (e.g. PT1H30M5S)"))

# Element path ("*" for a row number) -> check.
RULES_12 = {
    "core.lesson_status": _vocabulary(STATUS_12),
    "core.exit": _vocabulary(EXIT_12),
    "core.entry": _vocabulary(ENTRY),
    "core.score.raw": _real(Decimal(0), HUNDRED),
    "core.score.min": _real(Decimal(0), HUNDRED),
    "core.score.max": _real(Decimal(0), HUNDRED),
    "core.session_time": _timespan,
    "core.total_time": _timespan,
    "core.lesson_location": _length(255),
    "suspend_data": _length(4096),
    "launch_data": _length(4096),
    "comments": _length(4096),
    "objectives.*.id": _length(255),
    "objectives.*.status": _vocabulary(STATUS_12),
    "objectives.*.score.raw": _real(),
    "objectives.*.score.min": _real(),
    "objectives.*.score.max": _real(),
    "interactions.*.id": _length(255),
    "interactions.*.type": _vocabulary(INTERACTION_TYPES_12),
    "interactions.*.result": _result(RESULTS_12),
    "interactions.*.latency": _timespan,
    "interactions.*.time": _pattern(TIME_12, _("a time of day (HH:MM:SS)")),
    "interactions.*.weighting": _real(),
    "interactions.*.student_response": _length(4096),
    "student_preference.audio": _real(Decimal(-1), HUNDRED),
    "student_preference.speed": _real(Decimal(-100), HUNDRED),
    "student_preference.text": _real(Decimal(-1), Decimal(1)),
}
_timestamp = _pattern(TIMESTAMP_2004, _("an ISO 8601 time"))
RULES_2004 = {
    "completion_status": _vocabulary(COMPLETION_2004),
    "success_status": _vocabulary(SUCCESS_2004),
    "exit": _vocabulary(EXIT_2004),
    "entry": _vocabulary(ENTRY),
    "score.scaled": _real(Decimal(-1), Decimal(1)),
    "score.raw": _real(),
    "score.min": _real(),
    "score.max": _real(),
    "progress_measure": _real(Decimal(0), Decimal(1)),
    "session_time": _duration,
    "total_time": _duration,
    "location": _length(1000),
    "suspend_data": _length(64000),
    "launch_data": _length(4000),
    "objectives.*.id": _length(4000),
    "objectives.*.success_status": _vocabulary(SUCCESS_2004),
    "objectives.*.completion_status": _vocabulary(COMPLETION_2004),
    "objectives.*.score.scaled": _real(Decimal(-1), Decimal(1)),
    "objectives.*.score.raw": _real(),
    "objectives.*.score.min": _real(),
    "objectives.*.score.max": _real(),
    "objectives.*.progress_measure": _real(Decimal(0), Decimal(1)),
    "objectives.*.description": _length(250),
    "interactions.*.id": _length(4000),
    "interactions.*.type": _vocabulary(INTERACTION_TYPES_2004),
    "interactions.*.result": _result(RESULTS_2004),
    "interactions.*.latency": _duration,
    "interactions.*.timestamp": _timestamp,
    "interactions.*.weighting": _real(),
    "interactions.*.description": _length(250),
    "comments_from_learner.*.comment": _length(4000),
    "comments_from_learner.*.location": _length(250),
    "comments_from_learner.*.timestamp": _timestamp,
    "learner_preference.audio_level": _real(Decimal(0)),
    "learner_preference.delivery_speed": _real(Decimal(0)),
    "learner_preference.audio_captioning": _vocabulary({"-1", "0", "1"}),
}
ROW_CONTAINERS = {"objectives", "interactions", "comments_from_learner", "comments_from_lms", "correct_responses"}


def to_decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# The commit ---------------------------------------------------------------------------------------------------


def clean_commit(payload, *, version: str) -> dict:
    """The `cmi` object of a commit (`{"cmi": {...}}`, as scorm-again sends it), checked; values as strings."""
    if not isinstance(payload, dict) or not isinstance(payload.get("cmi"), dict):
        raise invalid("cmi", _("the commit must be a JSON object with a “cmi” object."))
    allowed, rules = (TOP_12, RULES_12) if version == "1.2" else (TOP_2004, RULES_2004)
    cmi = payload["cmi"]
    for key in cmi:
        if key not in allowed:
            raise invalid(
                f"cmi.{key}"[:100], _("not an element of the SCORM %(version)s data model.") % {"version": version}
            )
    leaves = [0]
    cleaned = _walk(cmi, "cmi", 1, leaves)
    for path, value in _flatten(cleaned, ""):
        rule = rules.get(_pattern_of(path))
        message = rule(value) if rule else None
        if message:
            raise invalid(f"cmi.{path}", message)
    return cleaned


def _walk(value, path: str, depth: int, leaves: list[int]):
    if depth > MAX_DEPTH:
        raise invalid(path[:100], _("nested too deep."))
    if isinstance(value, dict):
        if len(value) > MAX_ROWS:
            raise invalid(path[:100], _("has more than %(limit)s entries.") % {"limit": MAX_ROWS})
        out = {}
        for key, inner in value.items():
            if not KEY.match(str(key)):
                raise invalid(path[:100], _("“%(key)s” is not an element name.") % {"key": str(key)[:50]})
            out[key] = _walk(inner, f"{path}.{key}", depth + 1, leaves)
        return out
    leaves[0] += 1
    if leaves[0] > MAX_LEAVES:
        raise invalid("cmi", _("too many values in one commit."))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise invalid(path[:100], _("longer than %(limit)s characters.") % {"limit": MAX_STRING})
        if "\x00" in value:
            raise invalid(path[:100], _("contains a NUL character."))
        return value
    raise invalid(path[:100], _("must be a value or an object, not a list."))


def _flatten(value: dict, prefix: str):
    for key, inner in value.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(inner, dict):
            yield from _flatten(inner, path)
        else:
            yield path, inner


def _pattern_of(path: str) -> str:
    parts = path.split(".")
    return ".".join(
        "*" if part.isdigit() and i and parts[i - 1] in ROW_CONTAINERS else part for i, part in enumerate(parts)
    )


def get(cmi: dict, path: str) -> str:
    value = cmi
    for part in path.split("."):
        if not isinstance(value, dict):
            return ""
        value = value.get(part, "")
    return value if isinstance(value, str) else ""


def seconds_of(value: str) -> int | None:
    """A 1.2 time span or a 2004 duration in whole seconds (a year as 365 days, a month as 30)."""
    if match := TIMESPAN_12.match(value or ""):
        hours, minutes, seconds, fraction = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    if (match := DURATION_2004.match(value or "")) and value:
        years, months, days, hours, minutes, seconds = (Decimal(g or 0) for g in match.groups())
        total = ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds
        return int(total)
    return None


# Facts of one item ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the lesson needs from an item's CMI data."""

    completion_status: str
    success_status: str
    score_scaled: Decimal | None
    score_raw: Decimal | None
    total_seconds: int | None
    exit: str


def facts(cmi: dict, *, version: str) -> Facts:
    if version == "1.2":
        return Facts(
            completion_status=get(cmi, "core.lesson_status"),
            success_status="",
            score_scaled=None,
            score_raw=to_decimal(get(cmi, "core.score.raw")),
            total_seconds=seconds_of(get(cmi, "core.total_time")),
            exit=get(cmi, "core.exit"),
        )
    return Facts(
        completion_status=get(cmi, "completion_status"),
        success_status=get(cmi, "success_status"),
        score_scaled=to_decimal(get(cmi, "score.scaled")),
        score_raw=to_decimal(get(cmi, "score.raw")),
        total_seconds=seconds_of(get(cmi, "total_time")),
        exit=get(cmi, "exit"),
    )


@dataclass(frozen=True)
class Outcome:
    """An item's result: `status` is what the table of contents shows."""

    status: str
    completed: bool
    passed: bool | None
    score: Decimal | None


NOT_ATTEMPTED = Outcome("not attempted", False, None, None)


def outcome(cmi: dict, *, version: str, settings: dict, scorm_type: str) -> Outcome:
    if scorm_type == "asset":
        return Outcome("completed", True, None, None)
    if version == "1.2":
        status = get(cmi, "core.lesson_status") or "not attempted"
        score = _percent(get(cmi, "core.score.raw"), get(cmi, "core.score.min"), get(cmi, "core.score.max"))
        completed = status in ("completed", "passed", "failed")
        passed = {"passed": True, "failed": False}.get(status)
        mastery, raw = to_decimal(settings.get("mastery_score")), to_decimal(get(cmi, "core.score.raw"))
        if mastery is not None and raw is not None and completed:
            passed = raw >= mastery
            status = "passed" if passed else "failed"
        return Outcome(status, completed, passed, score)
    completion = get(cmi, "completion_status")
    threshold, progress = to_decimal(settings.get("completion_threshold")), to_decimal(get(cmi, "progress_measure"))
    if threshold is not None and progress is not None:
        completion = "completed" if progress >= threshold else "incomplete"
    success = get(cmi, "success_status")
    scaled = to_decimal(get(cmi, "score.scaled"))
    mastery = to_decimal(settings.get("mastery_score"))
    if mastery is not None and scaled is not None:
        success = "passed" if scaled >= mastery else "failed"
    passed = {"passed": True, "failed": False}.get(success)
    score = (
        _scaled_percent(scaled)
        if scaled is not None
        else _percent(get(cmi, "score.raw"), get(cmi, "score.min"), get(cmi, "score.max"))
    )
    completed = completion == "completed"
    status = success if passed is not None and (completed or passed is False) else (completion or "not attempted")
    if status == "unknown":
        status = "incomplete"
    return Outcome(status, completed, passed, score)


def _scaled_percent(scaled: Decimal) -> Decimal:
    return min(max(scaled, Decimal(0)), Decimal(1)) * HUNDRED


def _percent(raw: str, low: str, high: str) -> Decimal | None:
    raw_value, low_value, high_value = to_decimal(raw), to_decimal(low), to_decimal(high)
    if raw_value is None:
        return None
    if low_value is not None and high_value is not None and high_value > low_value:
        share = (raw_value - low_value) / (high_value - low_value)
        return min(max(share, Decimal(0)), Decimal(1)) * HUNDRED
    return raw_value if 0 <= raw_value <= HUNDRED else None


# The lesson -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonResult:
    completed: bool
    passed: bool | None
    score: Decimal | None


def rollup(items: list[tuple[dict, Outcome]]) -> LessonResult:
    """The lesson's result from its items' (settings, outcome), items never launched being NOT_ATTEMPTED."""
    tracked = [(s, o) for s, o in items if s.get("tracked", True)]
    completion = [o for s, o in tracked if s.get("counts_for_completion", True)] or [o for _s, o in tracked]
    completed = bool(completion) and all(o.completed for o in completion)
    success = [o for s, o in tracked if s.get("counts_for_success", True)]
    known = [o.passed for o in success if o.passed is not None]
    # Items that report no success status (a page of content) count for completion only.
    passed = False if False in known else (True if known else None)
    weighted = [(Decimal(s.get("score_weight", "1")), o.score) for s, o in tracked if o.score is not None]
    weighted = [(w, score) for w, score in weighted if w > 0]
    score = None
    if weighted:
        score = (sum(w * v for w, v in weighted) / sum(w for w, _v in weighted)).quantize(Decimal("0.01"))
    return LessonResult(completed=completed, passed=passed, score=score)
