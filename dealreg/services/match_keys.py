"""Keeping the stored conflict keys current: after a change to dealreg.matching (MATCHING_VERSION raised), every
registration's, CRM account's and CRM opportunity's derived domain and match keys are computed again
(`manage.py rebuild_match_keys`)."""

from __future__ import annotations

import json
from contextlib import nullcontext

from django.db import connection, transaction

from dealreg import matching
from dealreg.models import CrmAccount, CrmOpportunity, DealRegistration
from prm.domains import registrable_domain

# (model, its customer name column, the column its domain is derived from, the stored domain column)
_KEYED_TABLES = (
    (DealRegistration, "customer_name", "customer_website", "customer_domain"),
    (CrmAccount, "name", "website", "domain"),
    (CrmOpportunity, "customer_name", "domain", "domain"),
)


def keyed_row_counts() -> dict[str, int]:
    """How many rows of the current tenant carry match keys, per table (for a progress bar)."""
    return {model._meta.label: model.objects.count() for model, *_ in _KEYED_TABLES}


def match_keys_rebuild(*, batch_size: int = 2000, on_progress=None) -> dict[str, int]:
    """Recompute the derived domain and the match keys of every registration, CRM account and CRM opportunity of
    the current tenant, after a change to dealreg.matching (MATCHING_VERSION raised). Batches by id, one UPDATE per
    batch that rewrites only the rows whose keys changed; returns how many rows changed per table.

    Neither `updated_at` nor the registration history changes: the keys are derived data, not an edit (API sync
    clients must not see every row as changed)."""
    import pgtrigger

    changed: dict[str, int] = {}
    for model, name_column, domain_source, domain_column in _KEYED_TABLES:
        label = model._meta.label
        changed[label] = 0
        last_id = 0
        while True:
            # Only registrations are tracked by pghistory (its update trigger); CRM tables have no trigger.
            ignored = pgtrigger.ignore(f"{label}:update_update") if model is DealRegistration else nullcontext()
            with transaction.atomic(), ignored:
                batch = list(
                    model.objects.filter(pk__gt=last_id)
                    .order_by("pk")
                    .values_list("pk", name_column, domain_source, domain_column, "match_keys")[:batch_size]
                )
                if not batch:
                    break
                last_id = batch[-1][0]
                updates = []
                for pk, name, source, stored_domain, stored_keys in batch:
                    # A domain derived from what was typed follows the current rules; one that no longer parses
                    # keeps its stored value (the record was valid when written).
                    domain = registrable_domain(source) if source else ""
                    domain = domain or (stored_domain if source else "")
                    keys = matching.match_keys(name, domain)
                    if keys != list(stored_keys) or domain != stored_domain:
                        updates.append({"id": pk, "domain": domain, "match_keys": keys})
                if updates:
                    changed[label] += _update_keys(model, domain_column, updates)
            if on_progress is not None:
                on_progress(label, len(batch))
    return changed


def _update_keys(model, domain_column: str, updates: list[dict]) -> int:
    table = model._meta.db_table
    # Identifiers come from the table list above, never from input; the data is one JSON parameter.
    statement = f"""
        UPDATE {table} AS t SET match_keys = r.match_keys, {domain_column} = r.domain
        FROM jsonb_to_recordset(%s::jsonb) AS r(id bigint, domain text, match_keys text[])
        WHERE t.id = r.id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, [json.dumps(updates)])
        return cursor.rowcount
