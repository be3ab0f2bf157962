"""Sending by endpoint, fast: kept-alive connections that still go only where the URL guard allows, concurrent
batches, and endpoints that ask for their events in order (one at a time, none ahead of an earlier one waiting for
its retry)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest

from partners.services import partner_create
from prm.tenancy import tenant_context
from prm.webhooks.services import webhook_endpoint_create
from prm.webhooks.tasks import deliver_webhook
from tests.webhooks.conftest import Receiver, deliveries

pytestmark = pytest.mark.django_db


class KeepAliveReceiver:
    """An HTTP/1.1 receiver (connections kept alive, as real web servers do) on `host`, recording for each POST
    the client's port, which stays the same while one connection is reused."""

    def __init__(self, host="127.0.0.1", port=0):
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"client_port": self.client_address[1], "body": body})
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format, *args):
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def keep_alive():
    made = []

    def make(host="127.0.0.1", port=0):
        made.append(KeepAliveReceiver(host, port))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def resolving(answers):
    """socket.getaddrinfo answering `answers[host]` for the names in it (changed by the test as it goes)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    return mock.patch("socket.getaddrinfo", side_effect=getaddrinfo)


def event_ids(receiver):
    return [json.loads(request["body"])["data"]["id"] for request in receiver.requests]


# Kept-alive connections and the URL guard ------------------------------------------------------------------------


def test_deliveries_to_one_host_reuse_a_kept_alive_connection(
    tenant, tenant_admin, keep_alive, record_partner, allow_private
):
    receiver = keep_alive()
    with tenant_context(tenant):
        webhook_endpoint_create(actor=tenant_admin, url=f"http://127.0.0.1:{receiver.port}/hook")
    for name in ("Contoso", "Fabrikam", "Northwind"):
        record_partner(name)
    assert len(receiver.requests) == 3
    assert len({request["client_port"] for request in receiver.requests}) == 1


def test_a_kept_alive_connection_is_not_used_once_the_name_resolves_elsewhere(
    tenant, tenant_admin, keep_alive, record_partner, allow_private
):
    """The connection pool is keyed by the checked address: when DNS moves the name, the next delivery connects to
    the new address (checked again), not through the connection still open to the old one."""
    first = keep_alive("127.0.0.1")
    second = keep_alive("127.0.0.2", first.port)
    answers = {"hooks.moving.test": "127.0.0.1"}
    with resolving(answers):
        with tenant_context(tenant):
            webhook_endpoint_create(actor=tenant_admin, url=f"http://hooks.moving.test:{first.port}/hook")
        record_partner("Contoso")
        answers["hooks.moving.test"] = "127.0.0.2"
        record_partner("Fabrikam")
    assert len(first.requests) == 1
    assert len(second.requests) == 1


def test_a_kept_alive_connection_does_not_let_a_refused_address_through(
    tenant, tenant_admin, keep_alive, record_partner, settings
):
    """Private targets allowed, one delivery opens a connection to loopback; once they are refused, the next
    delivery is refused by the guard although that connection is still open."""
    receiver = keep_alive()
    settings.PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    with tenant_context(tenant):
        webhook_endpoint_create(actor=tenant_admin, url=f"http://127.0.0.1:{receiver.port}/hook")
    record_partner("Contoso")
    settings.PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    record_partner("Fabrikam")
    assert len(receiver.requests) == 1
    refused = deliveries(tenant)[-1]
    assert refused.status == "pending" and refused.last_status_code is None
    assert "loopback" in refused.last_error


# Batches and order --------------------------------------------------------------------------------------------


def record_partners(tenant, tenant_admin, names, django_capture_on_commit_callbacks):
    """Several partners in one transaction: their events are relayed, then sent in one batch per endpoint."""
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
        for name in names:
            partner_create(actor=tenant_admin, name=name)


NAMES = ["Contoso", "Fabrikam", "Northwind", "Tailspin", "Woodgrove", "Litware", "Proseware"]


def test_a_burst_reaches_every_endpoint_once_and_an_in_order_one_in_event_order(
    tenant, tenant_admin, allow_private, django_capture_on_commit_callbacks
):
    ordered, unordered = Receiver(), Receiver()
    try:
        with tenant_context(tenant):
            webhook_endpoint_create(actor=tenant_admin, url=ordered.url, deliver_in_order=True)
            webhook_endpoint_create(actor=tenant_admin, url=unordered.url)
        record_partners(tenant, tenant_admin, NAMES, django_capture_on_commit_callbacks)
        sent = event_ids(ordered)
        assert len(sent) == len(NAMES) and sent == sorted(sent)
        assert sorted(event_ids(unordered)) == sent
        assert all(delivery.status == "succeeded" for delivery in deliveries(tenant))
        assert {delivery.attempt_count for delivery in deliveries(tenant)} == {1}
    finally:
        ordered.down()
        unordered.down()


@pytest.mark.parametrize("in_order", [True, False])
def test_an_in_order_endpoint_holds_later_events_behind_one_waiting_for_its_retry(
    tenant, tenant_admin, receiver, allow_private, record_partner, clock, run, in_order
):
    with tenant_context(tenant):
        webhook_endpoint_create(actor=tenant_admin, url=receiver.url, deliver_in_order=in_order)
    receiver.status = 503
    record_partner("Contoso")
    receiver.status = 200
    record_partner("Fabrikam")
    first, second = deliveries(tenant)
    assert first.status == "pending" and first.last_status_code == 503
    if not in_order:
        # Without the flag the later event goes at once, ahead of the earlier one's retry.
        assert second.status == "succeeded"
        assert event_ids(receiver) == [first.event_id, second.event_id]
        return

    assert second.status == "pending" and second.attempt_count == 0
    assert event_ids(receiver) == [first.event_id]
    # Its own task (a sweep, a lost countdown) does not send it either.
    clock.move_to(first.next_attempt_at)
    assert run(deliver_webhook, tenant_id=tenant.pk, delivery_id=second.pk).startswith("skipped: waiting")
    # The earlier one's retry succeeds, and the later one follows.
    assert run(deliver_webhook, tenant_id=tenant.pk, delivery_id=first.pk) == "succeeded"
    assert event_ids(receiver) == [first.event_id, first.event_id, second.event_id]
    assert {delivery.status for delivery in deliveries(tenant)} == {"succeeded"}
