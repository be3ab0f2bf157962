"""Partner use cases, one module per concern; import them from here (`from partners import services`). Input cleaning
shared by the use cases lives in `partners.services.cleaning`."""

from partners.services.agreements import (  # noqa: F401
    agreement_accept,
    agreement_create,
    agreement_reminders_send,
    agreement_version_create,
    agreement_version_publish,
    agreement_version_update,
)
from partners.services.application_decisions import (  # noqa: F401
    application_approve,
    application_decline,
)
from partners.services.applications import (  # noqa: F401
    APPLY_RATE_WINDOW,
    DuplicateApplication,
    application_by_token,
    application_check_confirmable,
    application_confirm,
    application_create,
    application_submit,
    application_update,
    applications_rescore,
    apply_attempt_allowed,
)
from partners.services.contacts import (  # noqa: F401
    CONTACT_FIELDS,
    contact_create,
    contact_delete,
    contact_update,
)
from partners.services.documents import (  # noqa: F401
    MAX_DOCUMENT_BYTES,
    partner_document_upload,
)
from partners.services.ipp_criteria import (  # noqa: F401
    criterion_create,
    criterion_delete,
    criterion_update,
)
from partners.services.lifecycle import (  # noqa: F401
    REASON_MAX_LENGTH,
    REASON_REQUIRED,
    partner_activate,
    partner_apply,
    partner_approve,
    partner_change_status,
    partner_offboard,
    partner_offboarding_note,
    partner_reactivate,
    partner_reject,
    partner_suspend,
)
from partners.services.onboarding import (  # noqa: F401
    onboarding_start,
    onboarding_start_by_staff,
    onboarding_step_complete_manually,
)
from partners.services.onboarding_plans import (  # noqa: F401
    onboarding_plan_create,
    onboarding_plan_ensure_default,
    onboarding_plan_step_add,
    onboarding_plan_step_move,
    onboarding_plan_step_remove,
    onboarding_plan_step_update,
    onboarding_plan_update,
)
from partners.services.onboarding_reminders import (  # noqa: F401
    onboarding_reminders_run,
)
from partners.services.organization import (  # noqa: F401
    EDITABLE_FIELDS,
    partner_create,
    partner_payload,
    partner_type_is_known,
    partner_update,
)
from partners.services.profile import (  # noqa: F401
    _WRITTEN_FIELDS,
    IGNORED_EXPORT_COLUMNS,
    IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    PROFILE_COMPLETE_FIELDS,
    PROFILE_FIELDS,
    REQUIRED_IMPORT_COLUMNS,
    ImportPlan,
    ImportRejected,
    ImportResult,
    ImportRowError,
    partner_profile_update,
    partners_import,
    partners_import_check,
    profile_is_complete,
    profile_missing_fields,
)
from partners.services.program_settings import (  # noqa: F401
    onboarding_settings_update,
    recruitment_settings_update,
)
