from prm.models.api import ApiKey, IdempotencyRecord
from prm.models.core import (
    HEX_COLOUR,
    Invitation,
    Membership,
    Tenant,
    User,
    UserManager,
    hash_token,
    invitation_link_token,
    invitation_ttl_hours,
    partner_organization_model,
)
from prm.models.events import Event, EventHandlerFailure
from prm.models.notifications import Notification, NotificationPreference
from prm.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "HEX_COLOUR",
    "ApiKey",
    "Event",
    "EventHandlerFailure",
    "IdempotencyRecord",
    "Invitation",
    "Membership",
    "Notification",
    "NotificationPreference",
    "Tenant",
    "User",
    "UserManager",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "partner_organization_model",
    "hash_token",
    "invitation_link_token",
    "invitation_ttl_hours",
]
