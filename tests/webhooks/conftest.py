"""A real HTTP receiver on 127.0.0.1, a clock the tests move, and helpers to record events and run deliveries."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.utils import timezone

from partners.services import partner_create
from prm.models import WebhookDelivery
from prm.tenancy import tenant_context
from prm.webhooks.services import webhook_endpoint_create


class Receiver:
    """Records every POST and answers with `status`. `down()` closes the port (connection refused), `up()`
    opens it again on the same port."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self._arrived = threading.Condition()
        self._server = None
        self._thread = None
        self.port = 0
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/prm"

    def up(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._arrived:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    receiver._arrived.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()

    def down(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """True once `count` requests have arrived (they arrive before the sender's call returns; this guards
        against a slow handler thread all the same)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout=timeout)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.down()


@pytest.fixture
def allow_private(settings):
    """The local receiver is on a loopback address: allowed for these tests only."""
    settings.PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True


class Clock:
    """django.utils.timezone.now, frozen at `now` and moved by the test (no sleeping)."""

    def __init__(self):
        self.now = timezone.now()

    def advance(self, **delta):
        self.now += timedelta(**delta)

    def move_to(self, moment):
        self.now = moment


@pytest.fixture
def clock():
    frozen = Clock()
    with mock.patch("django.utils.timezone.now", lambda: frozen.now):
        yield frozen


@pytest.fixture
def endpoint(tenant, tenant_admin, receiver, allow_private):
    with tenant_context(tenant):
        return webhook_endpoint_create(actor=tenant_admin, url=receiver.url, description="CRM")


@pytest.fixture
def record_partner(tenant, tenant_admin, django_capture_on_commit_callbacks):
    """record_partner(name) creates a partner through its service and commits: the partner.created event is
    relayed and delivered (Celery runs eagerly in tests)."""

    def record(name="Contoso Defence", *, execute=True):
        with django_capture_on_commit_callbacks(execute=execute) as callbacks, tenant_context(tenant):
            partner_create(actor=tenant_admin, name=name)
        return callbacks

    return record


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(fn, *args) calls fn and then every on-commit callback it (and they) registered: tasks it enqueues."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


def deliveries(tenant):
    with tenant_context(tenant):
        return list(WebhookDelivery.objects.select_related("endpoint", "event").order_by("id"))


def the_delivery(tenant):
    [delivery] = deliveries(tenant)
    return delivery


@pytest.fixture(autouse=True)
def _fresh_connections():
    """Each test opens its own connections: a kept-alive one to an earlier test's receiver is never reused."""
    from prm.webhooks.delivery import clients

    clients.close()
    yield
    clients.close()
