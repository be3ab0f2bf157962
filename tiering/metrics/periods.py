"""The days a metric looks at: `as_of` is a whole day, and a trailing window of N days ends with it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tiering.metrics import MetricScope


def end_of_day(as_of: date) -> datetime:
    """The last instant of `as_of` in the current time zone: what happened that day counts."""
    return timezone.make_aware(datetime.combine(as_of, time.max))


def window(scope: MetricScope) -> tuple[date, date]:
    """The first and last day of the trailing window, both inclusive: `window_days` days ending on `as_of` (365
    days: from a year ago, the day after the same date, to `as_of`)."""
    return scope.as_of - timedelta(days=scope.window_days - 1), scope.as_of
