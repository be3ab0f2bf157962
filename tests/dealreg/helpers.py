"""Helpers of the deal registration tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from prm.models import Event, Notification
from prm.tenancy import tenant_context


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def deal_fields(**overrides) -> dict:
    fields = {
        "customer_name": "Initech GmbH",
        "customer_website": "https://www.initech.de/about",
        "customer_country": "DE",
        "amount": Decimal("48000.00"),
        "currency": "USD",
        "expected_close_date": in_days(45),
        "contact_name": "Bill Lumbergh",
        "contact_email": "bill@initech.de",
    }
    fields.update(overrides)
    return fields


def events_of(tenant, event_type: str) -> list[Event]:
    with tenant_context(tenant):
        return list(Event.objects.filter(type=event_type).order_by("id"))


def notifications_of(tenant, user, kind: str | None = None) -> list[Notification]:
    with tenant_context(tenant):
        queryset = Notification.objects.filter(user=user).order_by("id")
        if kind:
            queryset = queryset.filter(kind=kind)
        return list(queryset)


def refreshed(tenant, obj):
    with tenant_context(tenant):
        obj.refresh_from_db()
    return obj
