"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A secret is `whsec_` followed by the base64 of random bytes; the HMAC key is those bytes (not the text). Each
message is signed as `v1,<base64 of HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>`. While a
rotated-out secret is still inside its overlap window, both signatures are sent, space-separated, so a receiver
may switch secrets at any moment of the window.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import datetime

from django.utils import timezone

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32  # the spec asks for 24 to 64


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("A webhook secret is 'whsec_' followed by base64.") from exc


def sign(secret: str, msg_id: str, timestamp: int, body: bytes | str) -> str:
    """The `v1,…` signature of one message."""
    payload = body.encode() if isinstance(body, str) else body
    to_sign = f"{msg_id}.{timestamp}.".encode() + payload
    digest = hmac.new(_key(secret), to_sign, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signing_secrets(endpoint, *, now: datetime | None = None) -> list[str]:
    """The endpoint's secret, then its previous one while the rotation overlap lasts."""
    now = now or timezone.now()
    found = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        found.append(endpoint.previous_secret)
    return found


def signature_headers(
    endpoint, *, msg_id: str, timestamp: int, body: bytes, now: datetime | None = None
) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` and `webhook-signature` (one signature per live secret)."""
    signatures = " ".join(sign(secret, msg_id, timestamp, body) for secret in signing_secrets(endpoint, now=now))
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": signatures}
