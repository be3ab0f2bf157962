"""Webhook relay throughput: events recorded → outbox relay → deliveries → signed POSTs to a local receiver.

Two modes, both in this process against an HTTP receiver on 127.0.0.1 that keeps connections alive:

- `relay_throughput` (eager): Celery eager, events recorded 50 per transaction, each event relayed and delivered
  by its own task as its relay commits (no batching across events): what the test settings do, not production.
- `relay_backlog_throughput` (as a worker runs it): N events are recorded with their tasks enqueued (to a queue no
  worker reads), then the tasks a worker would run are run here, one after the other as one worker process would:
  the relay task over the backlog of N events (subscribers, one delivery row per event), then the endpoint's
  delivery task, batch after batch, until nothing is due. Deliveries per second over both (outbox to receiver),
  and each phase apart.
"""

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import override_settings


class _Receiver(BaseHTTPRequestHandler):
    # HTTP/1.1: connections kept alive between deliveries, as real receivers (any web server) keep them.
    protocol_version = "HTTP/1.1"
    received = 0
    lock = threading.Lock()
    done = threading.Event()
    expected = 0

    def do_POST(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()
        with _Receiver.lock:
            _Receiver.received += 1
            if _Receiver.received >= _Receiver.expected:
                _Receiver.done.set()

    def log_message(self, *args):
        pass


def _receiver(events: int) -> ThreadingHTTPServer:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one log line per POST otherwise
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Receiver.received, _Receiver.expected = 0, events
    _Receiver.done.clear()
    return server


def _bench_endpoint(tenant, server: ThreadingHTTPServer, *, deliver_in_order: bool = False):
    from prm.models import Membership, WebhookEndpoint
    from prm.roles import Role
    from prm.tenancy import tenant_context
    from prm.webhooks.services import webhook_endpoint_create

    with override_settings(PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS=True), tenant_context(tenant):
        admin = Membership.objects.filter(role=Role.TENANT_ADMIN, is_active=True).first()
        WebhookEndpoint.objects.filter(description="bench receiver").delete()
        endpoint = webhook_endpoint_create(
            actor=admin,
            url=f"http://127.0.0.1:{server.server_port}/hook",
            description="bench receiver",
            event_types=["bench.ping"],
        )
        if deliver_in_order:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(deliver_in_order=True)
    return endpoint


def relay_throughput(tenant, *, events: int = 300) -> dict:
    from prm.events import record_event
    from prm.models import WebhookEndpoint
    from prm.progress import Progress
    from prm.tenancy import tenant_context

    server = _receiver(events)
    try:
        endpoint = _bench_endpoint(tenant, server)
        subject = endpoint
        progress = Progress(events, "webhook deliveries")
        started = time.perf_counter()
        with override_settings(PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS=True):
            batch = 50
            for first in range(0, events, batch):
                # Each transaction records a batch; its commit relays and delivers (Celery eager).
                with tenant_context(tenant):
                    for i in range(first, min(events, first + batch)):
                        record_event("bench.ping", subject=subject, payload={"n": i})
                progress.advance(min(batch, events - first))
            delivered_all = _Receiver.done.wait(timeout=120)
        seconds = time.perf_counter() - started
    finally:
        server.shutdown()
        server.server_close()
    with tenant_context(tenant):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    return {
        "events": events,
        "delivered": _Receiver.received,
        "complete": delivered_all,
        "seconds": round(seconds, 2),
        "deliveries_per_second": round(_Receiver.received / seconds, 1),
        "mode": "one process, Celery eager (each event relayed and then delivered by its own task as its relay "
        "commits: no batching across events), receiver on 127.0.0.1 keeping connections alive (HTTP/1.1)",
    }


def relay_backlog_throughput(tenant, *, events: int = 1000, deliver_in_order: bool = False) -> dict:
    """The relay and delivery tasks run over a backlog of `events` events, as one worker process runs them."""
    from bench.dealreg.measure import tasks_enqueued
    from prm.events import record_event
    from prm.events.relay import relay_tenant
    from prm.models import Event, WebhookEndpoint
    from prm.tenancy import tenant_context
    from prm.webhooks.tasks import deliver_endpoint_webhooks

    server = _receiver(events)
    try:
        endpoint = _bench_endpoint(tenant, server, deliver_in_order=deliver_in_order)
        with tasks_enqueued():
            relay_tenant(tenant=tenant)  # an earlier run's leftovers are not this run's work
            for first in range(0, events, 100):
                with tenant_context(tenant):
                    for i in range(first, min(events, first + 100)):
                        record_event("bench.ping", subject=endpoint, payload={"n": i})
            with tenant_context(tenant):
                pending = Event.objects.filter(relayed_at__isnull=True).count()
            with override_settings(PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS=True):
                started = time.perf_counter()
                relayed = relay_tenant(tenant=tenant)  # the relay task's work (prm.tasks.relay_events)
                relay_seconds = time.perf_counter() - started
                batches = 0
                # The delivery task as a worker runs it (a batch each; the next is enqueued while some are due).
                while deliver_endpoint_webhooks.apply(
                    kwargs={"tenant_id": tenant.pk, "endpoint_id": endpoint.pk}
                ).get():
                    batches += 1
                seconds = time.perf_counter() - started
            delivered_all = _Receiver.done.wait(timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    with tenant_context(tenant):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    delivery_seconds = seconds - relay_seconds
    return {
        "events": events,
        "pending_events_relayed": pending,
        "relayed": relayed,
        "delivered": _Receiver.received,
        "complete": delivered_all,
        "deliver_in_order": deliver_in_order,
        "delivery_batches": batches,
        "relay_seconds": round(relay_seconds, 2),
        "delivery_seconds": round(delivery_seconds, 2),
        "seconds": round(seconds, 2),
        "relay_events_per_second": round(relayed / relay_seconds, 1),
        "delivery_only_per_second": round(_Receiver.received / delivery_seconds, 1),
        "deliveries_per_second": round(_Receiver.received / seconds, 1),
        "mode": "one process, as one worker runs the tasks: the relay task over a backlog of events, then the "
        "endpoint's delivery task batch after batch; deliveries_per_second is outbox to receiver (relay and delivery); "
        "receiver on 127.0.0.1 keeping connections alive (HTTP/1.1)",
    }


def main(argv=None) -> int:
    """`python -m bench.webhooks`: both modes on the bench tenant (made by `make bench`), JSON to stdout."""
    import argparse
    import json
    import os

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenant", default="bench")
    parser.add_argument("--events", type=int, default=300, help="events of the eager mode")
    parser.add_argument("--backlog", type=int, default=2000, help="events of the backlog mode")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.test")
    import django

    django.setup()
    from prm.models import Tenant

    tenant = Tenant.objects.get(slug=args.tenant)
    report = {
        "eager": relay_throughput(tenant, events=args.events),
        "backlog": relay_backlog_throughput(tenant, events=args.backlog),
        "backlog_in_order": relay_backlog_throughput(tenant, events=args.backlog, deliver_in_order=True),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
