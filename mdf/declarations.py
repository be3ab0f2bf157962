"""What market development funds bring to the platform: policy rules, API resources, event types, notification
kinds and demo data (collected by `prm.registry` at start-up). Pages and API routes add themselves here."""

from django.utils.translation import gettext_lazy as _

from prm.notifications.kinds import Kind
from prm.registry import EventType
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role

# Who decides fund requests and claims: marketing, channel managers and tenant admins.
REVIEWERS = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.MARKETING})
# Who pays approved claims.
PAYERS = frozenset({Role.TENANT_ADMIN, Role.FINANCE})

RULES: dict[str, frozenset[str]] = {
    # A partner's own funds, requests and claims.
    "mdf.view_own": PARTNER_ROLES,
    # Asking for funds and claiming them: a partner's people for their own organization.
    "mdf.request": PARTNER_ROLES,
    # Every fund, allocation, request, claim and payout.
    "mdf.view_all": STAFF_ROLES,
    # Deciding requests and claims (and acting for a partner, which then bars the same person from deciding).
    "mdf.review": REVIEWERS,
    # Payout batches, marking claims paid, the payout file.
    "mdf.pay": PAYERS,
    # Funds, allocations, reallocations and allocation rules.
    "mdf.manage": frozenset({Role.TENANT_ADMIN}),
}

API_RESOURCES = ("mdf",)

# What every mdf.request.* event carries (mdf.services.common.request_payload).
_REQUEST = {
    "fund_request_id": "",
    "fund_id": "",
    "partner_organization_id": "the partner the event concerns",
    "status": "status after the change",
    "activity_type": "",
    "title": "",
    "campaign_code": "",
    "requested_amount": "decimal string",
    "approved_amount": "decimal string or null",
    "currency": "ISO 4217 code",
    "start_date": "YYYY-MM-DD",
    "end_date": "YYYY-MM-DD",
}
# What every mdf.claim.* event carries (mdf.services.common.claim_payload).
_CLAIM = {
    "claim_id": "",
    "fund_request_id": "",
    "fund_id": "",
    "partner_organization_id": "the partner the event concerns",
    "status": "status after the change",
    "claimed_amount": "decimal string",
    "approved_amount": "decimal string or null",
    "currency": "ISO 4217 code",
    "invoice_number": "",
    "flags": "what the reviewer should check (duplicate invoice, split claims)",
}

REQUEST_SUBMITTED = EventType("mdf.request.submitted", _("A partner asked for market development funds."), _REQUEST)
REQUEST_APPROVED = EventType(
    "mdf.request.approved", _("A fund request was approved: the amount is committed."), _REQUEST
)
REQUEST_REJECTED = EventType("mdf.request.rejected", _("A fund request was turned down."), {**_REQUEST, "reason": ""})
REQUEST_EXPIRED = EventType(
    "mdf.request.expired",
    _("An approved activity was not claimed in time: its commitment returned to the partner's allocation."),
    {**_REQUEST, "released": "decimal string"},
)
CLAIM_SUBMITTED = EventType("mdf.claim.submitted", _("A partner claimed funds for an approved activity."), _CLAIM)
CLAIM_APPROVED = EventType(
    "mdf.claim.approved", _("A claim was approved (fully or in part) and queued for payout."), _CLAIM
)
CLAIM_REJECTED = EventType("mdf.claim.rejected", _("A claim was turned down."), {**_CLAIM, "reason": ""})
CLAIM_PAID = EventType(
    "mdf.claim.paid",
    _("An approved claim was paid."),
    {**_CLAIM, "payout_reference": "", "payout_batch_id": "or null", "paid_at": "ISO 8601"},
)

EVENT_TYPES = [
    REQUEST_SUBMITTED,
    REQUEST_APPROVED,
    REQUEST_REJECTED,
    REQUEST_EXPIRED,
    CLAIM_SUBMITTED,
    CLAIM_APPROVED,
    CLAIM_REJECTED,
    CLAIM_PAID,
]

NOTIFICATION_KINDS = [
    Kind(
        "mdf.request.submitted",
        _("Fund requests to review"),
        _("A partner asked for market development funds."),
        audience="mdf.review",
    ),
    Kind(
        "mdf.request.decided",
        _("Decisions on your fund requests"),
        _("Your fund request was approved, turned down, sent back for changes or expired."),
        audience="mdf.request",
    ),
    Kind(
        "mdf.claim.submitted",
        _("Claims to review"),
        _("A partner claimed market development funds with proof of performance."),
        audience="mdf.review",
    ),
    Kind(
        "mdf.claim.decided",
        _("Decisions on your claims"),
        _("Your claim was approved, turned down or needs more proof."),
        audience="mdf.request",
    ),
    Kind(
        "mdf.claim.paid",
        _("Claims paid"),
        _("An approved claim of yours was paid."),
        audience="mdf.request",
    ),
]


def seed_demo(tenant, admin) -> None:
    from mdf.services.demo import seed_mdf

    seed_mdf(tenant, admin)
