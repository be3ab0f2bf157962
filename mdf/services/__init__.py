"""Writes of market development funds (keyword-only use cases, each one transaction). Pages, the API and tasks call
these; the ledger (`mdf.services.ledger`) is written only through them."""

from mdf.services.claims import (
    claim_add_proof,
    claim_approve,
    claim_limit,
    claim_reject,
    claim_request_proof,
    claim_submit,
)
from mdf.services.funds import allocate, fund_add_budget, fund_close, fund_create, fund_update, reallocate
from mdf.services.ledger import InsufficientFunds, ledger_reverse
from mdf.services.payouts import claim_pay, payout_batch_confirm, payout_batch_create, payout_batch_remove_claim
from mdf.services.requests import (
    fund_request_approve,
    fund_request_cancel,
    fund_request_create,
    fund_request_expire,
    fund_request_reject,
    fund_request_request_changes,
    fund_request_submit,
    fund_request_update,
    fund_requests_expire_due,
    request_commitment,
)

__all__ = [
    "InsufficientFunds",
    "allocate",
    "claim_add_proof",
    "claim_approve",
    "claim_limit",
    "claim_pay",
    "claim_reject",
    "claim_request_proof",
    "claim_submit",
    "fund_add_budget",
    "fund_close",
    "fund_create",
    "fund_request_approve",
    "fund_request_cancel",
    "fund_request_create",
    "fund_request_expire",
    "fund_request_reject",
    "fund_request_request_changes",
    "fund_request_submit",
    "fund_request_update",
    "fund_requests_expire_due",
    "fund_update",
    "ledger_reverse",
    "payout_batch_confirm",
    "payout_batch_create",
    "payout_batch_remove_claim",
    "reallocate",
    "request_commitment",
]
