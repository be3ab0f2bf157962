"""The nightly ledger check: every account's cached balance (kept by the database trigger) against the sum of its
entries. A difference means something wrote a balance behind the ledger's back; it is logged as an error and kept
on a ReconciliationRun that the staff console reads (`mdf.selectors.latest_reconciliation`). Nothing is corrected
automatically: the ledger is the truth, and a person decides what happened."""

from __future__ import annotations

import logging

from django.db import transaction

from mdf.models import LedgerAccount, ReconciliationRun
from mdf.selectors import ledger_differences
from prm.tenancy import current_tenant

logger = logging.getLogger(__name__)


@transaction.atomic
def ledger_reconcile() -> ReconciliationRun:
    """Compare every account of the current tenant; record and return the run."""
    differences = ledger_differences()
    run = ReconciliationRun(accounts_checked=LedgerAccount.objects.count(), differences=differences)
    run.save(force_insert=True)
    if differences:
        logger.error(
            "MDF ledger reconciliation of tenant %s: %s account(s) differ from their ledger: %s",
            current_tenant().pk,
            len(differences),
            differences[:20],
        )
    return run
