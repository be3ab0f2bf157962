"""One delivery attempt: claim the row, check the target, POST the signed message, log it, decide what next.

Called by the `deliver_webhook` task inside the tenant's transaction. The row lock taken by the claim is held
until that transaction ends, so one delivery is never attempted twice at once (a second task skips it), and a
worker killed during the POST leaves the delivery pending and due: the `deliver_due_webhooks` sweep sends it
again. Delivery is therefore at least once; receivers drop repeats by the `webhook-id` header, which is the same
for every attempt of a delivery.

Retries follow RETRY_SCHEDULE, measured from the delivery's creation (about the time of the event), each
moment moved by ±15 % so that an endpoint coming back is not hit by every delivery at once (the schedule's steps
are more than 15 % apart, so jitter never swaps two retries). A retry moment that
has passed already (a worker was down) is skipped rather than tried in a burst. When no moment is left (24 h),
the delivery has failed: tenant admins are told, and after PRM_WEBHOOK_DISABLE_AFTER deliveries in a row have
failed the endpoint is disabled. A `410 Gone` answer disables the endpoint at once.

Speed. New deliveries are sent by endpoint (`deliver_due`): a batch of the endpoint's due deliveries is claimed in
one query, its URL checked once, the POSTs sent concurrently (SEND_THREADS) over kept-alive connections, and the
attempts recorded with one INSERT. Connections are reused through one httpx client per process and target origin
(scheme, host name, port): a connection is only ever used for the host name it was opened and verified for, and
goes to an address pinned by the URL guard's check of this batch (a pooled connection to an address the name no
longer resolves to is never used again). An endpoint that asks for its events in order (`deliver_in_order`) gets
them one at a time, in event order: its row is locked while a batch is sent, the batch stops at the first failure,
and no delivery is attempted while an earlier one of the endpoint waits for its retry.
"""

from __future__ import annotations

import functools
import json
import os
import random
import ssl
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import certifi
import httpx
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from prm.i18n import lazy_format
from prm.models import Notification, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from prm.models.webhooks import DeliveryStatus
from prm.tenancy import current_tenant
from prm.webhooks import urlguard
from prm.webhooks.signing import signature_headers

RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
RETRY_JITTER = 0.15
MIN_RETRY_GAP = timedelta(seconds=1)
DISABLE_AFTER = 20
TIMEOUT = httpx.Timeout(15.0, connect=10.0)
MAX_ADDRESSES_TRIED = 3  # keeps one attempt well inside the task's time limit
USER_AGENT = "PRM-Webhooks/1"
MAX_ERROR_LENGTH = 500
# Deliveries claimed and sent together, and how many POSTs of a batch are in flight at once.
BATCH_SIZE = 32
SEND_THREADS = 8
# A receiver's answer body is read (so the connection can be reused) up to this size; a longer one closes it.
MAX_RESPONSE_BODY = 64 * 1024
# Clients (and their connection pools) kept per process; the least recently used beyond this are closed.
MAX_CLIENTS = 64
# At most one "deliveries are failing" notice per endpoint in this period (an endpoint down for a day would
# otherwise notify once per event).
FAILURE_NOTICE_PERIOD = timedelta(hours=24)
# Notification kinds (registered in prm.notifications.kinds), sent to the tenant admins.
KIND_DELIVERY_FAILED = "webhook.delivery_failed"
KIND_ENDPOINT_DISABLED = "webhook.endpoint_disabled"


def retry_schedule() -> tuple[timedelta, ...]:
    configured = getattr(settings, "PRM_WEBHOOK_RETRY_SCHEDULE", None)
    if configured is None:
        return RETRY_SCHEDULE
    return tuple(step if isinstance(step, timedelta) else timedelta(seconds=step) for step in configured)


def disable_after() -> int:
    return int(getattr(settings, "PRM_WEBHOOK_DISABLE_AFTER", DISABLE_AFTER))


def next_attempt_time(
    *, first_attempt_at: datetime, now: datetime, attempts_made: int, rng: random.Random | None = None
) -> datetime | None:
    """When to try again after the `attempts_made`-th automatic attempt failed at `now`, or None when the retry
    window is over.

    The n-th retry is due RETRY_SCHEDULE[n - 1] after the first attempt, moved by up to ±RETRY_JITTER. A moment
    that has passed already (workers were down) is skipped, so a late delivery does not retry in a burst."""
    rng = rng or random
    schedule = retry_schedule()
    for offset in schedule[max(attempts_made - 1, 0) :]:
        moment = first_attempt_at + offset
        if moment > now:
            spread = offset.total_seconds() * RETRY_JITTER
            moment += timedelta(seconds=rng.uniform(-spread, spread))
            # Jitter never pushes a retry past the window's end, nor before now.
            return max(min(moment, first_attempt_at + schedule[-1]), now + MIN_RETRY_GAP)
    return None


def message_id(delivery: WebhookDelivery) -> str:
    """The `webhook-id`: one per event and endpoint, the same for every attempt (receivers deduplicate on it)."""
    return f"msg_{delivery.pk}"


def message_body(event) -> bytes:
    """The Standard Webhooks envelope; `data` is the event as `GET /api/v1/events/{id}/` shows it."""
    return message_bodies([event])[0]


def message_bodies(events: list) -> list[bytes]:
    """message_body of several events: one serializer for all (a serializer builds its fields once per instance,
    which cost more than the rest of a delivery's message)."""
    from prm.api.views import EventSerializer

    return [
        json.dumps(
            {"type": event.type, "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"), "data": data},
            cls=DjangoJSONEncoder,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        for event, data in zip(events, EventSerializer(events, many=True).data, strict=True)
    ]


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class AttemptResult:
    delivery: WebhookDelivery | None
    outcome: Outcome | None = None
    retry_at: datetime | None = None
    skipped: str = ""


def _describe(exc: httpx.HTTPError) -> str:
    kind = {
        httpx.ConnectTimeout: "Connection timed out",
        httpx.ReadTimeout: "No answer within 15 seconds",
        httpx.WriteTimeout: "Sending timed out",
        httpx.ConnectError: "Could not connect",
    }.get(type(exc), type(exc).__name__)
    detail = str(exc)
    return (f"{kind}: {detail}" if detail else kind)[:MAX_ERROR_LENGTH]


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: building it (loading the CA bundle) costs ~20 ms per client."""
    return ssl.create_default_context(cafile=certifi.where())  # the CA bundle httpx itself would use


class _Clients:
    """One httpx client per target origin (scheme, host name, port) in this process, so that connections are kept
    alive and reused between deliveries (threads share a client safely). Keyed by the process too: a client made
    before a fork is never used by the child."""

    def __init__(self):
        self._lock = threading.Lock()
        self._clients: OrderedDict[tuple, httpx.Client] = OrderedDict()

    def get(self, target: urlguard.Target) -> httpx.Client:
        key = (os.getpid(), target.url.scheme, target.url.raw_host, target.url.port)
        with self._lock:
            client = self._clients.get(key)
            if client is not None:
                self._clients.move_to_end(key)
                return client
            # trust_env=False: no proxy from the environment, whose address the URL guard never checked.
            client = httpx.Client(
                timeout=TIMEOUT,
                follow_redirects=False,
                trust_env=False,
                verify=_tls_context(),
                limits=httpx.Limits(max_connections=SEND_THREADS, max_keepalive_connections=SEND_THREADS),
            )
            self._clients[key] = client
            while len(self._clients) > MAX_CLIENTS:
                _key, evicted = self._clients.popitem(last=False)
                evicted.close()
            return client

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()


clients = _Clients()


def post(target: urlguard.Target, *, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST to the checked addresses in turn (the next one only if connecting fails); never follows redirects.
    The connection goes to a checked address (the pinned URL) and may be one kept alive from an earlier delivery to
    the same origin and address."""
    started = time.monotonic()
    extensions = {"sni_hostname": target.tls_server_name} if target.url.scheme == "https" else {}
    error = "Could not connect"
    client = clients.get(target)
    for address in target.addresses[:MAX_ADDRESSES_TRIED]:
        request = client.build_request(
            "POST",
            target.pinned_url(address),
            content=body,
            headers={**headers, "Host": target.host_header},
            extensions=extensions,
        )
        try:
            response = client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            error = _describe(exc)
            continue
        except httpx.HTTPError as exc:
            return Outcome(None, _elapsed_ms(started), _describe(exc))
        try:
            _read_capped(response)
        except httpx.HTTPError:
            pass  # the answer's status is known; its body is not ours to judge
        finally:
            response.close()
        return Outcome(response.status_code, _elapsed_ms(started))
    return Outcome(None, _elapsed_ms(started), error)


def _read_capped(response: httpx.Response) -> None:
    """Read a short answer to its end, so its connection goes back to the pool; a long one is left (and closed)."""
    length = response.headers.get("Content-Length")
    if length is not None and length.isdigit() and int(length) > MAX_RESPONSE_BODY:
        return
    received = 0
    for chunk in response.iter_raw():
        received += len(chunk)
        if received > MAX_RESPONSE_BODY:
            return


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def check_target(endpoint: WebhookEndpoint) -> urlguard.Target | Outcome:
    """The endpoint's URL checked again now (DNS may have changed), or the refusal as the attempt's outcome."""
    try:
        return urlguard.check(endpoint.url)
    except urlguard.TargetRefused as refused:
        return Outcome(None, 0, refused.message[:MAX_ERROR_LENGTH])


def signed_message(
    delivery: WebhookDelivery, *, now: datetime, body: bytes | None = None
) -> tuple[bytes, dict[str, str]]:
    if body is None:
        body = message_body(delivery.event)
    headers = {
        **signature_headers(
            delivery.endpoint, msg_id=message_id(delivery), timestamp=int(time.time()), body=body, now=now
        ),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    return body, headers


def send(delivery: WebhookDelivery, *, now: datetime) -> Outcome:
    """Check the endpoint's URL again (DNS may have changed) and POST the signed message."""
    target = check_target(delivery.endpoint)
    if isinstance(target, Outcome):
        return target
    body, headers = signed_message(delivery, now=now)
    return post(target, body=body, headers=headers)


def waits_for_earlier(delivery: WebhookDelivery) -> bool:
    """For an endpoint that wants its events in order: whether an earlier event's delivery is still pending."""
    return (
        WebhookDelivery.objects.filter(
            endpoint_id=delivery.endpoint_id, status=DeliveryStatus.PENDING, event_id__lt=delivery.event_id
        )
        .exclude(pk=delivery.pk)
        .exists()
    )


def _lock_endpoint(endpoint_id: int) -> WebhookEndpoint | None:
    """The endpoint's row, locked until the transaction ends: one sender at a time for an in-order endpoint."""
    return WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()


def attempt(*, delivery_id: int, manual: bool = False) -> AttemptResult:
    """Make one attempt of a delivery that is due (or any delivery, for a manual redelivery) and record it."""
    now = timezone.now()
    candidates = WebhookDelivery.objects.select_related("endpoint", "event").filter(pk=delivery_id)
    if not manual:
        candidates = candidates.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    # A redelivery asked for by a person waits for an automatic attempt in progress; automatic ones skip it.
    delivery = candidates.select_for_update(of=("self",), skip_locked=not manual).first()
    if delivery is None:
        return AttemptResult(None, skipped="not due, already done, or being attempted")
    if not delivery.endpoint.is_active:
        return AttemptResult(delivery, skipped="endpoint disabled")
    if delivery.endpoint.deliver_in_order and not manual:
        # One sender at a time, and never ahead of an earlier event (a person's redelivery is theirs to order).
        delivery.endpoint = _lock_endpoint(delivery.endpoint_id)
        if waits_for_earlier(delivery):
            return AttemptResult(delivery, skipped="waiting for an earlier delivery to this endpoint")

    outcome = send(delivery, now=now)
    WebhookAttempt.objects.create(
        delivery=delivery,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        error=outcome.error,
        manual=manual,
    )
    retry_at = _record_outcome(delivery, outcome, now=now, manual=manual)
    return AttemptResult(delivery, outcome=outcome, retry_at=retry_at)


def _record_outcome(delivery: WebhookDelivery, outcome: Outcome, *, now: datetime, manual: bool) -> datetime | None:
    """Update the delivery after an attempt (its WebhookAttempt is written by the caller); the retry time, if any."""
    delivery.attempt_count += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_duration_ms = outcome.duration_ms
    delivery.last_error = outcome.error
    retry_at = None
    if outcome.succeeded:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).exclude(consecutive_failures=0).update(
            consecutive_failures=0, updated_at=now
        )
    elif outcome.status_code == 410:
        if delivery.status == DeliveryStatus.PENDING:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        disable_endpoint(
            delivery.endpoint, reason=gettext("The receiver answered 410 Gone: it asked for no more webhooks.")
        )
    elif not manual:
        automatic = WebhookAttempt.objects.filter(delivery=delivery, manual=False).count()
        retry_at = next_attempt_time(first_attempt_at=delivery.created_at, now=now, attempts_made=automatic)
        delivery.next_attempt_at = retry_at
        if retry_at is None:
            delivery.status = DeliveryStatus.FAILED
            _record_failed_delivery(delivery, now=now)
    # A failed manual attempt leaves the delivery as it was (still scheduled, failed, or delivered before).
    delivery.save(
        update_fields=[
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_status_code",
            "last_duration_ms",
            "last_error",
            "delivered_at",
            "updated_at",
        ]
    )
    return retry_at


@dataclass(frozen=True)
class BatchResult:
    sent: int
    retries: list[tuple[int, datetime]]  # (delivery id, when) to enqueue
    more: bool  # due deliveries may remain


def deliver_due(*, endpoint_id: int) -> BatchResult:
    """Send a batch of an endpoint's due deliveries, oldest event first (see the module's docstring)."""
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True).first()
    if endpoint is None:
        return BatchResult(0, [], False)
    in_order = endpoint.deliver_in_order
    if in_order:
        endpoint = _lock_endpoint(endpoint_id)
        if endpoint is None or not endpoint.is_active:
            return BatchResult(0, [], False)
    due = WebhookDelivery.objects.filter(endpoint_id=endpoint_id, status=DeliveryStatus.PENDING)
    if in_order:
        # The head of the line decides: when the oldest pending delivery is not due (it waits for a retry), nothing
        # after it is sent.
        head = due.order_by("event_id", "id").values_list("next_attempt_at", flat=True).first()
        if head is None or head > now:
            return BatchResult(0, [], False)
    batch = list(
        due.filter(next_attempt_at__lte=now)
        .select_related("event")
        .order_by("event_id", "id")
        .select_for_update(of=("self",), skip_locked=True)[:BATCH_SIZE]
    )
    if not batch:
        return BatchResult(0, [], False)
    for delivery in batch:
        delivery.endpoint = endpoint
    target = check_target(endpoint)
    if isinstance(target, Outcome):
        outcomes = [target] * len(batch)
    else:
        bodies = message_bodies([delivery.event for delivery in batch])
        messages = [signed_message(delivery, now=now, body=body) for delivery, body in zip(batch, bodies, strict=True)]
        if in_order:
            outcomes = []
            for body, headers in messages:
                outcomes.append(post(target, body=body, headers=headers))
                if not outcomes[-1].succeeded:
                    break  # the rest wait behind this one
        else:
            outcomes = list(
                _executor().map(lambda message: post(target, body=message[0], headers=message[1]), messages)
            )
    attempted = batch[: len(outcomes)]
    WebhookAttempt.objects.bulk_create(
        [
            WebhookAttempt(
                delivery=delivery, status_code=outcome.status_code, duration_ms=outcome.duration_ms, error=outcome.error
            )
            for delivery, outcome in zip(attempted, outcomes, strict=True)
        ]
    )
    retries = []
    succeeded = [delivery for delivery, outcome in zip(attempted, outcomes, strict=True) if outcome.succeeded]
    _record_successes(
        succeeded,
        outcomes=dict(zip(attempted, outcomes, strict=True)),
        now=now,
        endpoint_failing=bool(endpoint.consecutive_failures),
    )
    for delivery, outcome in zip(attempted, outcomes, strict=True):
        if outcome.succeeded:
            continue
        retry_at = _record_outcome(delivery, outcome, now=now, manual=False)
        if retry_at is not None:
            retries.append((delivery.pk, retry_at))
    stopped = len(attempted) < len(batch)
    return BatchResult(len(attempted), retries, more=len(batch) == BATCH_SIZE and not stopped)


def _record_successes(
    deliveries: list[WebhookDelivery], *, outcomes: dict, now: datetime, endpoint_failing: bool
) -> None:
    """What _record_outcome does for a success, for a batch's successes at once: one UPDATE (and one more when the
    endpoint, as this batch read it, counted failures in a row). The rows differ only in the answer's status and
    duration, so they are written from a VALUES list (Django's bulk_update builds a CASE per field and row, which
    cost more than sending the batch)."""
    if not deliveries:
        return
    rows = []
    for delivery in deliveries:
        outcome = outcomes[delivery]
        delivery.attempt_count += 1
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.last_status_code = outcome.status_code
        delivery.last_duration_ms = outcome.duration_ms
        delivery.last_error = ""
        delivery.updated_at = now
        rows.append((delivery.pk, outcome.status_code, outcome.duration_ms))
    values = ", ".join(["(%s::bigint, %s::integer, %s::integer)"] * len(rows))
    table = WebhookDelivery._meta.db_table
    with connection.cursor() as cursor:
        # Row-level security applies as to any query: only the current tenant's rows can match.
        cursor.execute(
            f"UPDATE {table} AS d SET status = %s, attempt_count = d.attempt_count + 1, next_attempt_at = NULL, "  # noqa: S608 - our table's name
            f"last_status_code = v.code, last_duration_ms = v.ms, last_error = '', delivered_at = %s, updated_at = %s "
            f"FROM (VALUES {values}) AS v (id, code, ms) WHERE d.id = v.id",
            [DeliveryStatus.SUCCEEDED, now, now, *(value for row in rows for value in row)],
        )
    if endpoint_failing:
        WebhookEndpoint.objects.filter(pk=deliveries[0].endpoint_id).exclude(consecutive_failures=0).update(
            consecutive_failures=0, updated_at=now
        )


@functools.cache
def _executor_for(pid: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=SEND_THREADS, thread_name_prefix="webhook-send")


def _executor() -> ThreadPoolExecutor:
    """The process's sending threads (made after a fork, never inherited). They only POST: no database work."""
    return _executor_for(os.getpid())


def _endpoint_url(endpoint: WebhookEndpoint) -> str:
    return reverse("webhook_detail", args=[current_tenant().slug, endpoint.pk])


def _tenant_admins():
    from prm.roles import Role
    from prm.selectors import members_list

    return [membership.user for membership in members_list().filter(role=Role.TENANT_ADMIN, is_active=True)]


def _record_failed_delivery(delivery: WebhookDelivery, *, now: datetime) -> None:
    """A delivery ran out of retries: count it against the endpoint, tell the admins, disable if sustained."""
    from prm.notifications import notify

    endpoint = delivery.endpoint
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1, updated_at=now
    )
    endpoint.refresh_from_db(fields=["consecutive_failures", "is_active"])
    if endpoint.consecutive_failures >= disable_after():
        disable_endpoint(
            endpoint,
            reason=gettext("Disabled after %(count)s deliveries in a row failed for 24 hours.")
            % {"count": endpoint.consecutive_failures},
        )
        return
    url = _endpoint_url(endpoint)
    recently_told = Notification.objects.filter(
        kind=KIND_DELIVERY_FAILED, url=url, created_at__gte=now - FAILURE_NOTICE_PERIOD
    ).exists()
    if not recently_told:
        notify(
            users=_tenant_admins(),
            kind=KIND_DELIVERY_FAILED,
            title=lazy_format(gettext_lazy("A webhook delivery to %(url)s failed"), url=endpoint.url),
            body=lazy_format(
                gettext_lazy(
                    "The %(event_type)s event could not be delivered for 24 hours (last answer: %(answer)s). "
                    "You can redeliver it from the endpoint's delivery log once the receiver works again."
                ),
                event_type=delivery.event.type,
                answer=delivery.last_status_code or delivery.last_error or gettext_lazy("none"),
            ),
            url=url,
        )


def disable_endpoint(endpoint: WebhookEndpoint, *, reason: str) -> None:
    """Stop delivering to an endpoint and tell the tenant admins why (once: a disabled endpoint stays quiet)."""
    from prm.notifications import notify

    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_reason=reason[:200], updated_at=timezone.now()
    )
    endpoint.is_active, endpoint.disabled_reason = False, reason[:200]
    if changed:
        notify(
            users=_tenant_admins(),
            kind=KIND_ENDPOINT_DISABLED,
            title=lazy_format(gettext_lazy("Webhook endpoint %(url)s was disabled"), url=endpoint.url),
            body=lazy_format(
                gettext_lazy(
                    "%(reason)s Fix the receiver, then activate the endpoint again: pending deliveries resume."
                ),
                reason=reason,
            ),
            url=_endpoint_url(endpoint),
        )
