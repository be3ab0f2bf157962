"""`Idempotency-Key` on POST (after Stripe's design): the first response is stored and replayed for retries.

The key is claimed with INSERT … ON CONFLICT DO NOTHING inside the request's transaction. A concurrent request
with the same key waits on the unique index until the first commits, then replays its response; if the first
rolled back, the second proceeds as if it were first. The same key with another request — another body, path or
credential — is refused with 422. Keys are unique per tenant and kept 24 hours (prm.tasks.prune_idempotency_records).
"""

import hashlib
import json
import re

from django.db import connection
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions

from prm.api.exceptions import IdempotencyConflict, IdempotencyMismatch
from prm.models import IdempotencyRecord
from prm.tenancy import current_tenant

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Printable ASCII, like Stripe's keys (a UUID is the usual choice); it is stored and compared as text.
KEY_PATTERN = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$")
IN_FLIGHT = 0  # status_code of a claimed key whose response is not stored yet


def validate_key(key: str) -> None:
    if len(key) > MAX_KEY_LENGTH or not KEY_PATTERN.match(key):
        raise exceptions.ValidationError(
            {
                HEADER: [
                    _("Use at most %(limit)s printable ASCII characters (a UUID, for example).")
                    % {"limit": MAX_KEY_LENGTH}
                ]
            }
        )


def _credential(request) -> str:
    api_key = getattr(request._request, "api_key", None)
    if api_key is not None:
        return f"api_key:{api_key.pk}"
    return f"user:{request.user.pk}"


def request_fingerprint(request) -> str:
    """The request a key was first used for: method, path and query, the credential (another key of the same
    tenant cannot replay this one's response), and the parsed body (key order and white space do not count)."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path(), _credential(request), body):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def claim(request, key: str) -> HttpResponse | None:
    """Claim `key` for this request, or return the stored response of the request that claimed it."""
    validate_key(key)
    fingerprint = request_fingerprint(request)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO prm_idempotencyrecord
                (tenant_id, key, request_hash, status_code, response_body, content_type, created_at, updated_at)
            VALUES (%s, %s, %s, %s, '', '', now(), now())
            ON CONFLICT (tenant_id, key) DO NOTHING
            RETURNING id
            """,
            [current_tenant().pk, key, fingerprint, IN_FLIGHT],
        )
        if cursor.fetchone() is not None:
            return None
    record = IdempotencyRecord.objects.get(key=key)
    if record.request_hash != fingerprint:
        raise IdempotencyMismatch()
    if record.status_code == IN_FLIGHT:
        raise IdempotencyConflict()
    # The stored bytes as they were sent (a plain HttpResponse: DRF would re-render, and drop the Content-Type).
    response = HttpResponse(record.response_body, status=record.status_code, content_type=record.content_type)
    response["Idempotent-Replayed"] = "true"
    response.idempotent_replay = True
    return response


def store(key: str, response) -> None:
    if getattr(response, "idempotent_replay", False):
        return
    response.render()
    IdempotencyRecord.objects.filter(key=key).update(
        status_code=response.status_code,
        response_body=response.content.decode(),
        content_type=response.get("Content-Type", "application/json"),
    )
