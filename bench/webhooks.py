"""Webhook relay throughput: events recorded → outbox relay → deliveries → signed POSTs to a local receiver.

Runs the whole pipeline in this process with Celery eager (one worker's worth of work, no broker), against an
HTTP receiver on 127.0.0.1, and reports deliveries per second.
"""

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


def relay_throughput(tenant, *, events: int = 300) -> dict:
    from prm.events import record_event
    from prm.models import Membership, WebhookEndpoint
    from prm.progress import Progress
    from prm.roles import Role
    from prm.tenancy import tenant_context
    from prm.webhooks.services import webhook_endpoint_create

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Receiver.received, _Receiver.expected = 0, events
    _Receiver.done.clear()
    try:
        with override_settings(PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS=True), tenant_context(tenant):
            admin = Membership.objects.filter(role=Role.TENANT_ADMIN, is_active=True).first()
            WebhookEndpoint.objects.filter(description="bench receiver").delete()
            endpoint = webhook_endpoint_create(
                actor=admin,
                url=f"http://127.0.0.1:{server.server_port}/hook",
                description="bench receiver",
                event_types=["bench.ping"],
            )
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
