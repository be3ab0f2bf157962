"""How the API role harness walks each route (tests/security/test_api_role_harness.py).

Each method the route takes gives the status each role gets on its own side (a role not listed is refused: 404 or
403). An API key acts as a tenant admin, or — bound to an organization — as its partner admin. `body` is what a
write sends: valid but for its Id fields, which carry another side's ids (so a status is mostly a refusal).
"""

from datetime import timedelta

from django.utils import timezone

from prm.roles import Role
from tests.security.walk import ADMIN, EVERYONE, MANAGERS, PARTNER_ADMIN, PARTNERS, SELLERS, STAFF, Id, may

READERS = MANAGERS | {Role.ANALYST}

METHODS = ("get", "post", "put", "patch", "delete")


class Api:
    def __init__(self, *, body=None, shared=False, other_tenant=None, **methods):
        assert set(methods) <= set(METHODS), methods
        self.body = body or {}
        self.shared = shared
        # Statuses at another tenant's collection where they differ from the own side's (method -> role -> status).
        self.other_tenant = other_tenant or {}
        self.methods = methods


# Request fields that never carry an id: a route whose request takes any other field fails the harness until the
# field is declared, as an Id in its body or here.
PLAIN_FIELDS = {
    "amount", "annual_revenue_band", "deliver_in_order", "answer", "approve", "certifications", "close_date",
    "closed_amount",
    "closed_date", "company_name", "company_size", "contact_email", "contact_first_name", "contact_job_title",
    "contact_last_name", "contact_name", "contact_phone", "contact_title", "country", "currency", "customer_count",
    "customer_country", "customer_domain", "customer_industry", "customer_name", "customer_region", "customer_size",
    "customer_website", "days", "deal_type", "description", "domain", "email", "event_types", "expected_close_date",
    "industries", "is_active", "is_closed", "is_customer", "is_primary", "is_won", "job_title", "legal_name",
    "message", "name", "note", "owner_email", "owner_name", "partner_name", "partner_type", "phone", "quantity",
    "question", "reason", "region", "regions", "role", "share", "stage", "submit", "title", "unit_price", "url",
    "website", "due_on", "period_start", "period_end", "kind",
}  # fmt: skip


def is_plain(name: str) -> bool:
    return name in PLAIN_FIELDS


def _in(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


_DEAL = {
    "partner_organization": Id("partner"),
    "customer_name": "Harness Customer",
    "customer_website": "harness-customer.com",
    "amount": "1000.00",
    "currency": "USD",
    "expected_close_date": _in(30),
    "line_items": [{"product": Id("product"), "quantity": 1}],
    "crm_opportunity": Id("crm_opportunity_external_id"),
    "external_id": Id("deal_external_id"),
}
_CONTACT = {
    "partner_organization": Id("partner"),
    "name": "Harness",
    "email": "harness@harness.example",
    "external_id": Id("contact_external_id"),
}
_PARTNER = {"name": "Harness Partners", "external_id": Id("partner_external_id")}
_ACCOUNT = {"external_id": Id("crm_account_external_id"), "name": "Harness Account"}
_OPPORTUNITY = {
    "external_id": Id("crm_opportunity_external_id"),
    "account_external_id": Id("crm_account_external_id"),
    "name": "Harness opportunity",
    "customer_name": "Harness Account",
}
_INVITATION = {"email": "newcomer@harness.example", "role": Role.PARTNER_SALES, "partner_organization": Id("partner")}

_QUIZ_ANSWERS = {"answers": [{"question": Id("attempt_question"), "choices": [Id("quiz_choice")]}]}

_COST = {
    "partner_organization": Id("partner"),
    "period_start": _in(-5),
    "kind": "enablement",
    "amount": "500.00",
    "currency": "USD",
    "note": "Harness cost",
}
# Who records partner costs.
COST_MANAGERS = ADMIN | {Role.FINANCE}

BODIES = {
    "api:deal-list": _DEAL,
    "api:deal-detail": _DEAL,
    "api:deal-approve": {"assign_to": Id("staff_user")},
    "api:deal-participants": {
        "participants": [{"partner_organization": Id("partner"), "role": "fulfillment", "share": 100}]
    },
    "api:deal-won": {"crm_opportunity": Id("crm_opportunity_external_id"), "closed_amount": "1000.00"},
    "api:invitation-list": _INVITATION,
    "api:partner-list": _PARTNER,
    "api:partner-detail": _PARTNER,
    "api:application-list": {"external_id": Id("application_external_id"), "company_name": "Harness Applicant"},
    "api:contact-list": _CONTACT,
    "api:contact-detail": _CONTACT,
    "api:crm-account-list": _ACCOUNT,
    "api:crm-account-detail": _ACCOUNT,
    "api:crm-account-bulk": {"rows": [_ACCOUNT]},
    "api:crm-opportunity-list": _OPPORTUNITY,
    "api:crm-opportunity-detail": _OPPORTUNITY,
    "api:crm-opportunity-bulk": {"rows": [_OPPORTUNITY]},
    "api:quiz-attempt-list": {"enrollment": Id("quiz_enrollment"), "lesson": Id("quiz_lesson")},
    "api:quiz-attempt-answer": _QUIZ_ANSWERS,
    "api:quiz-attempt-submit": _QUIZ_ANSWERS,
    "api:enrollment-list": {"user": Id("partner_user"), "course": Id("course"), "due_on": _in(10)},
    "api:partner-cost-list": _COST,
    "api:partner-cost-detail": _COST,
}

# Who writes courses (enablement's `courses.manage`): SCORM packages are theirs.
AUTHORS = MANAGERS | {Role.MARKETING}

API = {
    "api:agreement-acceptance-detail": Api(get=may(EVERYONE, 200)),
    "api:agreement-acceptance-list": Api(get=may(EVERYONE, 200)),
    "api:agreement-detail": Api(get=may(STAFF, 200)),
    "api:agreement-list": Api(get=may(EVERYONE, 200)),
    "api:application-approve": Api(post=may(MANAGERS, 200)),
    "api:application-decline": Api(post=may(MANAGERS, 400)),
    "api:application-detail": Api(get=may(READERS, 200)),
    "api:application-list": Api(body=BODIES["api:application-list"], get=may(READERS, 200), post=may(MANAGERS, 400)),
    "api:certification-award-detail": Api(get=may(STAFF | PARTNER_ADMIN, 200)),
    "api:certification-award-list": Api(get=may(EVERYONE, 200)),
    # A certification is the whole program's: Y's people read it as X's do.
    "api:certification-detail": Api(get=may(EVERYONE, 200), shared=True),
    "api:certification-list": Api(get=may(EVERYONE, 200)),
    "api:contact-detail": Api(
        body=BODIES["api:contact-detail"],
        get=may(STAFF | PARTNER_ADMIN, 200),
        put=may(MANAGERS | PARTNER_ADMIN, 400),
        patch=may(MANAGERS | PARTNER_ADMIN, 400),
        delete=may(MANAGERS | PARTNER_ADMIN, 204),
    ),
    "api:contact-list": Api(
        body=BODIES["api:contact-list"], get=may(STAFF | PARTNER_ADMIN, 200), post=may(MANAGERS | PARTNER_ADMIN, 400)
    ),
    "api:crm-account-bulk": Api(body=BODIES["api:crm-account-bulk"], post=may(ADMIN, 200)),
    "api:crm-account-detail": Api(
        body=BODIES["api:crm-account-detail"], get=may(STAFF, 200), put=may(ADMIN, 200), patch=may(ADMIN, 200)
    ),
    "api:crm-account-list": Api(body=BODIES["api:crm-account-list"], get=may(STAFF, 200), post=may(ADMIN, 201)),
    "api:crm-opportunity-bulk": Api(body=BODIES["api:crm-opportunity-bulk"], post=may(ADMIN, 400)),
    "api:crm-opportunity-detail": Api(
        body=BODIES["api:crm-opportunity-detail"], get=may(STAFF, 200), put=may(ADMIN, 400), patch=may(ADMIN, 400)
    ),
    "api:crm-opportunity-list": Api(body=BODIES["api:crm-opportunity-list"], get=may(STAFF, 200), post=may(ADMIN, 400)),
    "api:course-detail": Api(get=may(EVERYONE, 200), shared=True),
    "api:course-list": Api(get=may(EVERYONE, 200)),
    "api:deal-approve": Api(body=BODIES["api:deal-approve"], post=may(MANAGERS, 409)),
    "api:deal-check-conflicts": Api(post=may(MANAGERS | SELLERS, 400)),
    "api:deal-decide-extension": Api(post=may(MANAGERS, 400)),
    "api:deal-detail": Api(
        body=BODIES["api:deal-detail"],
        get=may(EVERYONE, 200),
        put=may(MANAGERS | SELLERS, 400),
        patch=may(MANAGERS | SELLERS, 400),
    ),
    "api:deal-extend": Api(post=may(MANAGERS | SELLERS, 400)),
    "api:deal-list": Api(body=BODIES["api:deal-list"], get=may(EVERYONE, 200), post=may(MANAGERS | SELLERS, 400)),
    "api:deal-lost": Api(post=may(MANAGERS | SELLERS, 400)),
    "api:deal-participants": Api(body=BODIES["api:deal-participants"], post=may(MANAGERS, 400)),
    "api:deal-reject": Api(post=may(MANAGERS, 400)),
    "api:deal-request-info": Api(post=may(MANAGERS, 400)),
    "api:deal-start-review": Api(post=may(MANAGERS, 409)),
    "api:deal-submit": Api(post=may(MANAGERS | SELLERS, 409)),
    "api:deal-withdraw": Api(post=may(MANAGERS | SELLERS, 200)),
    "api:deal-won": Api(body=BODIES["api:deal-won"], post=may(MANAGERS | SELLERS, 400)),
    # A partner's people other than its admin see only their own enrollments (the world's is X's admin's).
    "api:enrollment-detail": Api(get=may(STAFF | PARTNER_ADMIN, 200)),
    # The person named is always another side's: unknown (400) to whoever may assign.
    "api:enrollment-list": Api(
        body=BODIES["api:enrollment-list"], get=may(EVERYONE, 200), post=may(MANAGERS | PARTNER_ADMIN, 400)
    ),
    "api:event-detail": Api(get=may(STAFF, 200)),
    "api:event-failure-detail": Api(get=may(ADMIN, 200)),
    "api:event-failure-dismiss": Api(post=may(ADMIN, 200)),
    "api:event-failure-list": Api(get=may(ADMIN, 200)),
    "api:event-failure-retry": Api(post=may(ADMIN, 200)),
    "api:event-list": Api(get=may(STAFF, 200)),
    "api:invitation-detail": Api(get=may(MANAGERS | PARTNER_ADMIN, 200)),
    # A partner's invitation goes into its own organization whatever organization of the program the body names
    # (tests/api/test_partner_bound_keys.py): 201 for a partner admin naming Y; another tenant's organization is
    # unknown (400) to everyone.
    "api:invitation-list": Api(
        body=BODIES["api:invitation-list"],
        get=may(MANAGERS | PARTNER_ADMIN, 200),
        post=may(MANAGERS, 400) | may(PARTNER_ADMIN, 201),
        other_tenant={"post": may(MANAGERS | PARTNER_ADMIN, 400)},
    ),
    "api:member-detail": Api(get=may(ADMIN | PARTNER_ADMIN, 200)),
    "api:member-list": Api(get=may(ADMIN | PARTNER_ADMIN, 200)),
    "api:onboarding-detail": Api(get=may(EVERYONE, 200)),
    "api:onboarding-list": Api(get=may(EVERYONE, 200)),
    "api:partner-activate": Api(post=may(MANAGERS, 409)),
    "api:partner-detail": Api(
        body=BODIES["api:partner-detail"], get=may(EVERYONE, 200), put=may(MANAGERS, 200), patch=may(MANAGERS, 200)
    ),
    "api:partner-list": Api(body=BODIES["api:partner-list"], get=may(EVERYONE, 200), post=may(MANAGERS, 201)),
    "api:partner-offboard": Api(post=may(MANAGERS, 400)),
    "api:partner-reactivate": Api(post=may(MANAGERS, 409)),
    "api:partner-reject": Api(post=may(MANAGERS, 400)),
    "api:partner-suspend": Api(post=may(MANAGERS, 400)),
    "api:webhook-delivery-detail": Api(get=may(ADMIN, 200)),
    "api:webhook-delivery-list": Api(get=may(ADMIN, 200)),
    "api:webhook-delivery-redeliver": Api(post=may(ADMIN, 202)),
    "api:webhook-detail": Api(get=may(ADMIN, 200), put=may(ADMIN, 400), patch=may(ADMIN, 200), delete=may(ADMIN, 204)),
    "api:webhook-list": Api(get=may(ADMIN, 200), post=may(ADMIN, 400)),
    "api:webhook-rotate-secret": Api(post=may(ADMIN, 200)),
    # Quiz attempts: X's learner (its partner admin) reads and takes its own; staff and the partner's admin (a key
    # bound to it too) read them; another side's enrollment, lesson, question or choice in the body is a 400.
    "api:quiz-attempt-list": Api(body=BODIES["api:quiz-attempt-list"], get=may(EVERYONE, 200), post=may(PARTNERS, 400)),
    "api:quiz-attempt-detail": Api(get=may(STAFF | PARTNER_ADMIN, 200)),
    "api:quiz-attempt-answer": Api(body=BODIES["api:quiz-attempt-answer"], post=may(PARTNER_ADMIN, 400)),
    "api:quiz-attempt-submit": Api(body=BODIES["api:quiz-attempt-submit"], post=may(PARTNER_ADMIN, 400)),
    # A package is imported by a multipart upload: a JSON body is refused as unsupported (415).
    "api:scorm-package-list": Api(get=may(AUTHORS, 200), post=may(AUTHORS, 415)),
    "api:scorm-package-detail": Api(get=may(AUTHORS, 200)),
    # Tier programs are the vendor's (staff); a partner's tier is its own, recalculated by channel managers only.
    "api:tier-program-list": Api(get=may(STAFF, 200)),
    "api:tier-program-detail": Api(get=may(STAFF, 200)),
    "api:partner-tier-detail": Api(get=may(EVERYONE, 200)),
    "api:partner-tier-assessments": Api(get=may(EVERYONE, 200)),
    "api:partner-tier-recalculate": Api(post=may(MANAGERS, 200)),
    # Analytics: the program's figures are staff's; a scorecard is the partner's own; costs are the vendor's books
    # (partners read none), written by tenant admins and finance; another side's partner in the body is a 400.
    "api:analytics-program-metrics-list": Api(get=may(STAFF, 200)),
    "api:analytics-scorecard-detail": Api(get=may(EVERYONE, 200)),
    "api:partner-cost-list": Api(
        body=BODIES["api:partner-cost-list"], get=may(STAFF, 200), post=may(COST_MANAGERS, 400)
    ),
    "api:partner-cost-detail": Api(
        body=BODIES["api:partner-cost-detail"],
        get=may(STAFF, 200),
        put=may(COST_MANAGERS, 400),
        patch=may(COST_MANAGERS, 400),
        delete=may(COST_MANAGERS, 204),
    ),
}
