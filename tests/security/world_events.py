"""The isolation world's failed event handler: one of tenant A, on the event about organization X (its error text
carries tenant A's marker)."""

from django.utils import timezone

from prm.models import EventHandlerFailure

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS = {
    "failure_id": lambda w: w.event_failure.pk,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "event-failure": lambda w: w.event_failure.pk,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    world.event_failure = EventHandlerFailure.objects.create(
        event=world.event,
        subscriber="prm.webhooks.subscribers.create_webhook_deliveries",
        attempts=5,
        last_error="ValueError: Alpha Vendor CRM refused Xylophone Secure",
        dead_lettered_at=timezone.now(),
    )
