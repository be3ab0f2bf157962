"""Signatures after the Standard Webhooks spec, checked with its reference library (`standardwebhooks`)."""

import base64
import json
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from prm.webhooks.signing import generate_secret, sign, signature_headers


def endpoint_with(secret, previous_secret="", previous_expires_at=None):
    return SimpleNamespace(
        secret=secret, previous_secret=previous_secret, previous_secret_expires_at=previous_expires_at
    )


def test_secret_is_whsec_and_base64_of_32_random_bytes():
    secret = generate_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert generate_secret() != secret


def test_signature_verifies_with_the_reference_library():
    secret = generate_secret()
    body = json.dumps({"type": "partner.created", "data": {"name": "Zoë & Co"}}, ensure_ascii=False).encode()
    headers = signature_headers(endpoint_with(secret), msg_id="msg_1", timestamp=int(time.time()), body=body)

    assert Webhook(secret).verify(body, headers) == {"type": "partner.created", "data": {"name": "Zoë & Co"}}


def test_signature_is_exactly_the_reference_signature():
    secret = generate_secret()
    now = timezone.now().replace(microsecond=0)
    expected = Webhook(secret).sign(msg_id="msg_7", timestamp=now, data='{"a":1}')
    assert sign(secret, "msg_7", int(now.timestamp()), b'{"a":1}') == expected


def test_a_wrong_secret_or_a_changed_body_does_not_verify():
    secret = generate_secret()
    body = b'{"type":"partner.created"}'
    headers = signature_headers(endpoint_with(secret), msg_id="msg_1", timestamp=int(time.time()), body=body)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"created", b"deleted"), headers)


def test_both_secrets_sign_during_the_rotation_overlap():
    old, new = generate_secret(), generate_secret()
    rotating = endpoint_with(new, previous_secret=old, previous_expires_at=timezone.now() + timedelta(hours=23))
    body = b'{"type":"partner.updated"}'
    headers = signature_headers(rotating, msg_id="msg_2", timestamp=int(time.time()), body=body)

    assert len(headers["webhook-signature"].split(" ")) == 2
    assert all(part.startswith("v1,") for part in headers["webhook-signature"].split(" "))
    Webhook(new).verify(body, headers)
    Webhook(old).verify(body, headers)


def test_only_the_new_secret_signs_after_the_overlap():
    old, new = generate_secret(), generate_secret()
    rotated = endpoint_with(new, previous_secret=old, previous_expires_at=timezone.now() - timedelta(seconds=1))
    body = b'{"type":"partner.updated"}'
    headers = signature_headers(rotated, msg_id="msg_3", timestamp=int(time.time()), body=body)

    assert " " not in headers["webhook-signature"]
    Webhook(new).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(body, headers)
