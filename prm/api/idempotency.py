"""`Idempotency-Key` on POST (after Stripe's design): the first response is stored and replayed for retries.

The key is claimed with INSERT … ON CONFLICT DO NOTHING inside the request's transaction. A concurrent request
with the same key waits on the unique index until the first commits, then replays its response; if the first
rolled back, the second proceeds as if it were first. The same key with another body is refused with 422.
"""

import hashlib

from django.db import connection
from rest_framework.response import Response

from prm.api.exceptions import IdempotencyConflict, IdempotencyMismatch
from prm.models import IdempotencyRecord
from prm.tenancy import current_tenant

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
IN_FLIGHT = 0  # status_code of a claimed key whose response is not stored yet


def request_fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.get_full_path().encode())
    digest.update(request.body)
    return digest.hexdigest()


def claim(request, key: str) -> Response | None:
    """Claim `key` for this request, or return the stored response of the request that claimed it."""
    fingerprint = request_fingerprint(request._request)
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
    response = Response(status=record.status_code, content_type=record.content_type)
    response.replayed_content = record.response_body.encode()
    response["Idempotent-Replayed"] = "true"
    return response


def store(key: str, response) -> None:
    response.render()
    IdempotencyRecord.objects.filter(key=key).update(
        status_code=response.status_code,
        response_body=response.content.decode(),
        content_type=response.get("Content-Type", "application/json"),
    )
