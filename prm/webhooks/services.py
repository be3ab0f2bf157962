"""Webhook use cases: endpoints, secret rotation and manual redelivery. Tenant admins (and tenant API keys with
`webhooks:write`) only.

Changes to webhook configuration record no domain event: an event would be delivered to webhooks again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm import policy
from prm.errors import InvalidTransition, ValidationFailed
from prm.models import WebhookDelivery, WebhookEndpoint
from prm.tenancy import current_tenant
from prm.webhooks import urlguard
from prm.webhooks.signing import generate_secret

# The overlap during which a rotated-out secret still signs (receivers switch at their own pace).
ROTATION_OVERLAP = timedelta(hours=24)
EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
MAX_EVENT_TYPES = 50
MAX_DESCRIPTION = 200


def _require(actor, obj=None) -> None:
    policy.require(actor, "webhooks.manage", obj)


def clean_event_types(event_types: Iterable[str] | str | None) -> list[str]:
    """A sorted list of distinct, well-formed event types (`partner.created`); empty means every type."""
    if event_types is None:
        return []
    if isinstance(event_types, str):
        event_types = event_types.replace("\n", ",").split(",")
    cleaned = sorted({str(t).strip().lower() for t in event_types if str(t).strip()})
    malformed = [t for t in cleaned if not EVENT_TYPE_PATTERN.match(t) or len(t) > 64]
    if malformed:
        raise ValidationFailed(
            _("Not an event type: %(types)s. Event types look like partner.created.") % {"types": ", ".join(malformed)},
            field="event_types",
        )
    if len(cleaned) > MAX_EVENT_TYPES:
        raise ValidationFailed(
            _("Choose at most %(limit)s event types.") % {"limit": MAX_EVENT_TYPES}, field="event_types"
        )
    return cleaned


def _clean_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(_("Use at most %(limit)s characters.") % {"limit": MAX_DESCRIPTION}, field="description")
    return description


def _clean_url(url: str) -> str:
    """The URL, if webhooks may be sent there (http(s), public addresses: prm.webhooks.urlguard)."""
    url = (url or "").strip()
    urlguard.check(url)
    return url


@transaction.atomic
def webhook_endpoint_create(
    *,
    actor,
    url: str,
    description: str = "",
    event_types: Iterable[str] | str | None = None,
    is_active: bool = True,
    deliver_in_order: bool = False,
) -> WebhookEndpoint:
    """Subscribe a URL to the program's events (or create it disabled, to switch on later). The signing secret
    is generated here; the caller shows it."""
    _require(actor)
    endpoint = WebhookEndpoint.objects.create(
        url=_clean_url(url),
        description=_clean_description(description),
        event_types=clean_event_types(event_types),
        secret=generate_secret(),
        is_active=is_active,
        disabled_reason="" if is_active else _("Created disabled."),
        deliver_in_order=bool(deliver_in_order),
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_update(
    *,
    actor,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    description: str | None = None,
    event_types: Iterable[str] | str | None = None,
    is_active: bool | None = None,
    deliver_in_order: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint (None leaves a field as it is). Activating it again clears the failure count and the
    reason it was disabled, and its pending deliveries resume."""
    _require(actor, endpoint)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None and url.strip() != endpoint.url:
        endpoint.url = _clean_url(url)
    if description is not None:
        endpoint.description = _clean_description(description)
    if event_types is not None:
        endpoint.event_types = clean_event_types(event_types)
    if deliver_in_order is not None:
        endpoint.deliver_in_order = bool(deliver_in_order)
    if is_active is not None and is_active != endpoint.is_active:
        endpoint.is_active = is_active
        endpoint.consecutive_failures = 0
        if is_active:
            endpoint.disabled_reason = ""
        else:
            who = getattr(actor, "user", None) or actor
            endpoint.disabled_reason = (_("Deactivated by %(who)s.") % {"who": who})[:200]
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint with its delivery log; nothing more is sent to it."""
    _require(actor, endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


@transaction.atomic
def webhook_secret_rotate(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new signing secret; the old one keeps signing too for ROTATION_OVERLAP (both signatures are sent), so
    the receiver can switch without losing a message. Rotating again drops the older previous secret."""
    _require(actor, endpoint)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = generate_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return endpoint


@transaction.atomic
def webhook_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now, whatever its state (a receiver that lost or mishandled it): one more attempt,
    marked manual in the log, with the same `webhook-id`. The endpoint must be active."""
    _require(actor, delivery)
    endpoint = WebhookEndpoint.objects.get(pk=delivery.endpoint_id)
    if not endpoint.is_active:
        raise InvalidTransition(_("This endpoint is disabled: activate it before redelivering."))
    from prm.webhooks.tasks import deliver_webhook

    tenant_id, delivery_id = current_tenant().pk, delivery.pk
    transaction.on_commit(lambda: deliver_webhook.delay(tenant_id=tenant_id, delivery_id=delivery_id, manual=True))
    return delivery
