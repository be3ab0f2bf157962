"""Deal registration use cases, one module per concern; import them from here (`from dealreg import services`).

- registrations: create, update, submit (with the rules of engagement), answer a question, withdraw;
- review: start review, approve (and assign for co-sell), reject, request information, bulk decisions, review SLA;
- protection: extension requests and decisions, expiry and its warning, won and lost;
- attribution: the partners on a deal and their shares;
- influence: influence claims (a partner claims, a reviewer accepts or declines) and influencing partners added
  directly, on registrations and on the vendor's CRM opportunities;
- rules: the tenant's rules of engagement;
- screening: conflicts of a customer and what each viewer may learn of them.
- offboarding: a partner that leaves the program leaves its registrations (withdrawn, protection ended);
- crm: the vendor's CRM accounts and opportunities, synced by external_id (`from dealreg.services import crm`);
- match_keys: recomputing the stored conflict keys after a change to dealreg.matching;
- cleaning: the one place input is cleaned (documented public cleaners, field-named errors).
"""

from dealreg.services.attribution import attribution_open, deal_set_participants  # noqa: F401
from dealreg.services.influence import (  # noqa: F401
    influence_add,
    influence_claim_accept,
    influence_claim_create,
    influence_claim_decline,
)
from dealreg.services.offboarding import OffboardingOutcome, deals_end_for_offboarded_partner  # noqa: F401
from dealreg.services.protection import (  # noqa: F401
    deal_decide_extension,
    deal_expire,
    deal_mark_lost,
    deal_mark_won,
    deal_request_extension,
    may_decide_extension,
    protection_expiry_run,
)
from dealreg.services.registrations import (  # noqa: F401
    EDITABLE_STATUSES,
    deal_answer,
    deal_create,
    deal_submit,
    deal_update,
    deal_withdraw,
)
from dealreg.services.review import (  # noqa: F401
    BulkResult,
    deal_approve,
    deal_reject,
    deal_request_info,
    deal_start_review,
    deals_bulk_decide,
    review_sla_check,
    sla_status,
)
from dealreg.services.rules import (  # noqa: F401
    EXTENSION_APPROVERS,
    engagement_rules_get,
    engagement_rules_update,
    rules_summary,
)
from dealreg.services.screening import Customer, conflict_check  # noqa: F401
