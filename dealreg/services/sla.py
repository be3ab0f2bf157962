"""Business time for the review SLA: Monday to Friday, all day, in the site's time zone (no public holidays yet).

The SLA is counted in business seconds: "2 business days" from Friday 15:00 is Tuesday 15:00, and from Saturday
10:00 (the weekend does not count) Wednesday 00:00. While information is requested from the partner the clock is
paused; the partner's answer resumes it for the business time that was left.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

DAY = timedelta(days=1)
BUSINESS_DAY_SECONDS = 24 * 60 * 60


def _is_business_day(moment: datetime) -> bool:
    return moment.weekday() < 5


def _start_of_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _next_midnight(moment: datetime) -> datetime:
    # Built from the date, then localised: a day with a daylight-saving change is 23 or 25 hours long.
    tz = moment.tzinfo
    date = moment.date() + DAY
    return timezone.make_aware(datetime(date.year, date.month, date.day), tz) if tz else datetime(*date.timetuple()[:3])


def add_business_seconds(start: datetime, seconds: float) -> datetime:
    """`start` plus `seconds` of business time (weekends skipped). A start on a weekend counts from Monday 00:00."""
    moment = timezone.localtime(start) if timezone.is_aware(start) else start
    remaining = max(0.0, float(seconds))
    while True:
        if not _is_business_day(moment):
            moment = _next_midnight(moment)
            continue
        end_of_day = _next_midnight(moment)
        available = (end_of_day - moment).total_seconds()
        if remaining <= available:
            return moment + timedelta(seconds=remaining)
        remaining -= available
        moment = end_of_day


def add_business_days(start: datetime, days: int) -> datetime:
    return add_business_seconds(start, days * BUSINESS_DAY_SECONDS)


def business_seconds_between(start: datetime, end: datetime) -> float:
    """Business time from `start` to `end` (negative when `end` is earlier)."""
    if end < start:
        return -business_seconds_between(end, start)
    moment = timezone.localtime(start) if timezone.is_aware(start) else start
    end = timezone.localtime(end) if timezone.is_aware(end) else end
    total = 0.0
    while moment < end:
        end_of_day = _next_midnight(moment)
        segment_end = min(end_of_day, end)
        if _is_business_day(moment):
            total += (segment_end - moment).total_seconds()
        moment = segment_end
    return total


def resumed_due_at(*, due_at: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
    """The new due time when the clock paused at `paused_at` restarts at `resumed_at`: the business time that was
    left is counted again from `resumed_at`. A review already overdue when paused stays overdue by as much."""
    left = business_seconds_between(paused_at, due_at)
    if left <= 0:
        return resumed_at - (paused_at - due_at)
    return add_business_seconds(resumed_at, left)
