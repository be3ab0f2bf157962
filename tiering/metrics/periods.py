"""The days a metric looks at: `as_of` is a whole day of the program (in its time zone, whoever asks), and a
trailing window of N days ends with it."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from prm.i18n import time_zone_for
from prm.tenancy import current_tenant
from tiering.metrics import MetricScope


def end_of_day(as_of: date) -> datetime:
    """The last instant of `as_of` in the program's time zone: what happened that day counts. The program's zone,
    not the reader's, so the nightly recalculation and a partner's page in another zone agree."""
    zone = zoneinfo.ZoneInfo(time_zone_for(tenant=current_tenant()))
    return datetime.combine(as_of, time.max, tzinfo=zone)


def window(scope: MetricScope) -> tuple[date, date]:
    """The first and last day of the trailing window, both inclusive: `window_days` days ending on `as_of` (365
    days: from a year ago, the day after the same date, to `as_of`)."""
    return scope.as_of - timedelta(days=scope.window_days - 1), scope.as_of
