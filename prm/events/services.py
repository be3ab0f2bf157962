"""What people do with failed event subscribers: retry one now, or dismiss it. Tenant admins (and tenant API keys
with `events:write`) only.

These steps record no domain event: an event about event handling would be relayed to the same subscribers (and
webhooks) that may be the ones failing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm import policy
from prm.errors import InvalidTransition, PermissionDenied
from prm.events import relay
from prm.models import EventHandlerFailure


def _require(actor, failure: EventHandlerFailure) -> None:
    if not policy.can(actor, "events.manage_failures", failure):
        raise PermissionDenied(_("You may not manage failed event handlers."))


def _locked(failure: EventHandlerFailure) -> EventHandlerFailure:
    return EventHandlerFailure.objects.select_for_update(of=("self",)).select_related("event").get(pk=failure.pk)


@transaction.atomic
def event_failure_retry(*, actor, failure: EventHandlerFailure) -> EventHandlerFailure:
    """Run the failed subscriber on its event now, in a savepoint: success resolves the failure, another error
    counts one more attempt (a dead-lettered failure stays in the list). A dismissed or resolved failure is not
    retried."""
    _require(actor, failure)
    failure = _locked(failure)
    if failure.dismissed_at is not None:
        raise InvalidTransition(_("This failure was dismissed: it is not retried any more."))
    if failure.resolved_at is not None:
        raise InvalidTransition(_("This failure is resolved already: the handler succeeded."))
    return relay.attempt(failure)


@transaction.atomic
def event_failure_dismiss(*, actor, failure: EventHandlerFailure) -> EventHandlerFailure:
    """Set a failure aside for good, with who and when: it is kept, but never retried again. Only a failure that
    is still open (retrying or dead-lettered) can be dismissed."""
    _require(actor, failure)
    failure = _locked(failure)
    if failure.dismissed_at is not None:
        raise InvalidTransition(_("This failure was dismissed already."))
    if failure.resolved_at is not None:
        raise InvalidTransition(_("This failure is resolved: there is nothing to dismiss."))
    failure.dismissed_at = timezone.now()
    failure.dismissed_by = getattr(actor, "user", None)
    failure.next_attempt_at = None
    failure.save(update_fields=["dismissed_at", "dismissed_by", "next_attempt_at", "updated_at"])
    return failure
